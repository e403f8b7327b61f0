/** Signed-out console sessions (signed-out-sessions.ts) in Redis: one key each, expiring with its cookie. */
import type { Redis } from 'ioredis';
import type { RedisKeys } from './redis-keys.ts';
import type { SignedOutSessions } from './signed-out-sessions.ts';

export class RedisSignedOutSessions implements SignedOutSessions {
  readonly #redis: Redis;
  readonly #keys: RedisKeys;

  constructor(redis: Redis, keys: RedisKeys) {
    this.#redis = redis;
    this.#keys = keys;
  }

  async signOutSession(id: string, until: number): Promise<void> {
    if (until <= Date.now()) return; // expired already: every replica refuses it anyway
    await this.#redis.set(this.#keys.signedOutSession(id), String(until), 'PXAT', until);
  }

  async isSignedOut(id: string, now: number): Promise<boolean> {
    const until = await this.#redis.get(this.#keys.signedOutSession(id));
    return until !== null && Number(until) > now;
  }
}
