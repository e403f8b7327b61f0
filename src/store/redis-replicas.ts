/**
 * The replica registry (replica-registry.ts) in Redis: a hash of entries by replica id and a sorted
 * set of the same ids by when each expires. Reading drops what expired, so the hash never grows
 * with replicas long gone. Key names: redis-keys.ts.
 */
import type { Redis } from 'ioredis';
import type { RedisKeys } from './redis-keys.ts';
import { decodeReplicaEntry, type ReplicaEntry, type ReplicaRegistry } from './replica-registry.ts';

// KEYS[1] entries, KEYS[2] expiries; ARGV[1] now. Expired ids leave both keys in one step.
const DROP_EXPIRED = `
local gone = redis.call('ZRANGEBYSCORE', KEYS[2], '-inf', '(' .. ARGV[1])
for _, id in ipairs(gone) do
  redis.call('HDEL', KEYS[1], id)
  redis.call('ZREM', KEYS[2], id)
end
return #gone`;

export class RedisReplicas implements ReplicaRegistry {
  readonly #redis: Redis;
  readonly #keys: RedisKeys;

  constructor(redis: Redis, keys: RedisKeys) {
    this.#redis = redis;
    this.#keys = keys;
  }

  async beatReplica(entry: ReplicaEntry, ttlMs: number): Promise<void> {
    await this.#redis
      .multi()
      .hset(this.#keys.replicas(), entry.id, JSON.stringify(entry))
      .zadd(this.#keys.replicaExpiries(), entry.at + ttlMs, entry.id)
      .exec();
  }

  async listReplicas(now: number): Promise<ReplicaEntry[]> {
    await this.#redis.eval(DROP_EXPIRED, 2, this.#keys.replicas(), this.#keys.replicaExpiries(), String(now));
    const all = await this.#redis.hgetall(this.#keys.replicas());
    return Object.values(all)
      .map(decodeReplicaEntry)
      .filter((e): e is ReplicaEntry => e !== undefined)
      .sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
  }

  async forgetReplica(id: string): Promise<void> {
    await this.#redis.multi().hdel(this.#keys.replicas(), id).zrem(this.#keys.replicaExpiries(), id).exec();
  }
}
