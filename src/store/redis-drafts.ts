/** The console's drafts (draft-book.ts) in Redis: one string per console session, expiring by itself. */
import type { Redis } from 'ioredis';
import { DRAFT_TTL_MS, type DraftBook } from './draft-book.ts';
import type { RedisKeys } from './redis-keys.ts';

export class RedisDrafts implements DraftBook {
  constructor(
    private readonly redis: Redis,
    private readonly keys: RedisKeys,
  ) {}

  async getDraft(key: string): Promise<string | undefined> {
    return (await this.redis.get(this.keys.draft(key))) ?? undefined;
  }

  async putDraft(key: string, body: string): Promise<void> {
    await this.redis.set(this.keys.draft(key), body, 'PX', DRAFT_TTL_MS);
  }

  async deleteDraft(key: string): Promise<void> {
    await this.redis.del(this.keys.draft(key));
  }
}
