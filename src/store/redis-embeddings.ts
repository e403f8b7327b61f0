/** The embedding cache (semantic/embedding-cache.ts) in Redis: one hash, field = key, value = the vector's bytes. */
import type { Redis } from 'ioredis';
import type { EmbeddingCache } from '../semantic/embedding-cache.ts';
import { decodeEmbedding, encodeEmbedding } from './embedding-encoding.ts';
import type { RedisKeys } from './redis-keys.ts';

export class RedisEmbeddings implements EmbeddingCache {
  readonly #redis: Redis;
  readonly #key: string;

  constructor(redis: Redis, keys: RedisKeys) {
    this.#redis = redis;
    this.#key = keys.embeddings();
  }

  async getEmbeddings(keys: readonly string[]): Promise<Map<string, Float32Array>> {
    const out = new Map<string, Float32Array>();
    if (keys.length === 0) return out;
    const values = await this.#redis.hmgetBuffer(this.#key, ...keys);
    keys.forEach((key, i) => {
      const b = values[i];
      const v = b && decodeEmbedding(b);
      if (v) out.set(key, v);
    });
    return out;
  }

  async putEmbeddings(entries: ReadonlyMap<string, Float32Array>): Promise<void> {
    if (entries.size === 0) return;
    const fields: (string | Buffer)[] = [];
    for (const [key, v] of entries) fields.push(key, encodeEmbedding(v));
    await this.#redis.hset(this.#key, ...fields);
  }

  async pruneEmbeddings(keep: ReadonlySet<string>): Promise<number> {
    const stale = (await this.#redis.hkeys(this.#key)).filter((k) => !keep.has(k));
    let gone = 0;
    // In slices: one HDEL of thousands of fields would hold Redis up for the others.
    for (let i = 0; i < stale.length; i += 500)
      gone += await this.#redis.hdel(this.#key, ...stale.slice(i, i + 500));
    return gone;
  }
}
