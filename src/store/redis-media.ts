/**
 * The media cache (media-cache.ts) in Redis: `media:<key>` holds the record (JSON) and, since
 * schema 11, `media-id:<media_id>` the key of the record with that id; both expire with the id
 * (3 days, §7.4).
 */
import type { Redis } from 'ioredis';
import { isObject } from '../wecom/json-reader.ts';
import { type CachedMedia, type MediaCache, mediaFile } from './media-cache.ts';
import type { RedisKeys } from './redis-keys.ts';

const MEDIA_TTL_MS = 3 * 24 * 3600_000;

/**
 * A stored record, or undefined for one no kfbot wrote: it is a cache, so the worst an unreadable
 * record costs is one upload of the file.
 */
function decode(raw: string | null): CachedMedia | undefined {
  if (raw === null) return undefined;
  let v: unknown;
  try {
    v = JSON.parse(raw);
  } catch {
    return undefined;
  }
  if (!isObject(v) || typeof v.mediaId !== 'string' || typeof v.createdAt !== 'number') return undefined;
  const file = isObject(v.file) ? mediaFile(v.file.path, v.file.type) : undefined;
  return { mediaId: v.mediaId, createdAt: v.createdAt, ...(file && { file }) };
}

export class RedisMedia implements MediaCache {
  readonly #redis: Redis;
  readonly #keys: RedisKeys;

  constructor(redis: Redis, keys: RedisKeys) {
    this.#redis = redis;
    this.#keys = keys;
  }

  async getMedia(key: string): Promise<CachedMedia | undefined> {
    return decode(await this.#redis.get(this.#keys.media(key)));
  }

  async putMedia(key: string, media: CachedMedia): Promise<void> {
    const ttl = Math.max(1, media.createdAt + MEDIA_TTL_MS - Date.now());
    await this.#redis
      .multi()
      .set(this.#keys.media(key), JSON.stringify(media), 'PX', ttl)
      .set(this.#keys.mediaById(media.mediaId), key, 'PX', ttl)
      .exec();
  }

  async findMedia(mediaId: string): Promise<(CachedMedia & { key: string }) | undefined> {
    const key = await this.#redis.get(this.#keys.mediaById(mediaId));
    if (key === null) return undefined;
    const media = await this.getMedia(key);
    // The key's record may hold a newer upload of the same file by now.
    return media?.mediaId === mediaId ? { key, ...media } : undefined;
  }
}
