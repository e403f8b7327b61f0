/**
 * The store a report reads: the same URL and the same refusals as `serve` (open-backend.ts), but
 * opened only to read — a missing store is never created, an older one never migrated.
 */
import { openRedis, openSqliteStore, redisTarget, sqliteFile } from './open-backend.ts';
import type { Store } from './store.ts';
import { checkReadable } from './store-for-reading.ts';
import { StoreOpenError } from './store-open-error.ts';

/**
 * `change` (kfbot forget) opens the same way — never creating or migrating — but may write: a
 * customer's data is erased from the store serve uses, or the command says why it cannot.
 * `migrate` (kfbot rules: publishing into a store, possibly before serve ever ran) opens it as
 * serve does: created if missing, brought to this kfbot's schema.
 */
export async function openStoreForReading(
  url: string,
  cwd: string,
  redisCaFile?: string,
  mode: 'read' | 'change' | 'migrate' = 'read',
): Promise<Store> {
  if (url.startsWith('sqlite:')) return openSqliteStore(sqliteFile(url, cwd), mode);
  if (/^rediss?(\+sentinel)?:\/\//.test(url)) {
    const { RedisStore } = await import('./redis-store.ts');
    const { REDIS_SCHEMA_VERSION } = await import('./redis-migrations.ts');
    const redis = await openRedis(url, undefined, redisCaFile);
    const store = new RedisStore(redis);
    if (mode === 'migrate') {
      const { migrateRedis } = await import('./redis-migrations.ts');
      await migrateRedis({ redis, keys: store.keys }, `redis://${redisTarget(url)}`);
      return store;
    }
    try {
      const version = await redis.get(store.keys.schemaVersion());
      checkReadable(
        `redis://${redisTarget(url)}`,
        Number(version ?? 0),
        REDIS_SCHEMA_VERSION,
        version === null,
      );
    } catch (err) {
      redis.disconnect();
      throw err;
    }
    return store;
  }
  throw new StoreOpenError(
    `KFBOT_STORE "${url}" is not supported; use sqlite:PATH, redis://host:port/db, rediss://… or redis+sentinel://…`,
  );
}
