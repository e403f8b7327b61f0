/**
 * The Redis store's schema, as ordered migrations. `<prefix>schema-version` holds the version the
 * keyspace is at. At start a replica checks it: a keyspace from a newer kfbot is refused; missing
 * steps run under `<prefix>schema-lock`, so of several replicas starting together exactly one
 * migrates and the others wait for it, then re-read the version. Adding a step is one entry at
 * the end of REDIS_MIGRATIONS.
 */
import { randomBytes } from 'node:crypto';
import type { Redis } from 'ioredis';
import { migrateActivityToHours } from './redis-activity-hourly.ts';
import type { RedisKeys } from './redis-keys.ts';
import { latestVersion, type Migration, NewerStoreError } from './store-version.ts';

/** What a migration works on: the connection and the keyspace. */
export interface RedisKeyspace {
  redis: Redis;
  keys: RedisKeys;
}

export const REDIS_MIGRATIONS: readonly Migration<RedisKeyspace>[] = [
  {
    version: 1,
    // Nothing to change: a keyspace from before versioning has exactly the keys of version 1, and
    // its stored JSON without a format version is read as format 0 (stored-records.ts).
    name: 'the keys of kfbot 0.1: pull stream, leases and fences, cursors, messages, sends, conversations, tokens, media',
    up: () => {},
  },
  {
    version: 2,
    name: 'kept-aside: a list of stored records kfbot could not read, with key and reason (created on first use)',
    up: () => {},
  },
  {
    version: 3,
    name: 'idle-due: a sorted set of customers with a due idle rule, written with their conversation (created on first use)',
    up: () => {},
  },
  {
    version: 4,
    name: 'activity: per-day counts of rule outcomes and session ends, session ends, satisfaction scores (created on first use)',
    up: () => {},
  },
  {
    version: 5,
    name: "sessions: each customer session's messages with the rule that answered them, and their index (created on first use)",
    up: () => {},
  },
  {
    version: 6,
    name: 'embeddings: a hash of the FAQ question vectors of a semantic provider (created on first use)',
    up: () => {},
  },
  {
    version: 7,
    name: 'rules: the published rule versions and the latest number (created on first publish)',
    up: () => {},
  },
  {
    version: 8,
    name: "drafts: each console session's unpublished draft, expiring after 30 days untouched (created on first use)",
    up: () => {},
  },
  {
    version: 9,
    name: 'activity per UTC hour, so reports and the console show settings.timezone days (old days filed at 12:00 UTC, session ends at their hour)',
    up: ({ redis, keys }) => migrateActivityToHours(redis, keys),
  },
  {
    version: 10,
    name: 'console-signed-out: console sessions signed out on any replica, each expiring with its cookie (created on first use)',
    up: () => {},
  },
  {
    version: 11,
    // Older media records have no file and no media-id key: their ids, if refused, stay refused.
    name: 'media records name their file, and media-id finds a record by its id, so a refused id (40007) is uploaded again after a restart too (written on upload)',
    up: () => {},
  },
];

export const REDIS_SCHEMA_VERSION = latestVersion(REDIS_MIGRATIONS);

/** A migration holds the lock at most this long; a replica that died migrating frees it so. */
const LOCK_MS = 60_000;

const RELEASE = `
if redis.call('GET', KEYS[1]) == ARGV[1] then return redis.call('DEL', KEYS[1]) end
return 0`;

/** Brings the keyspace to the latest version; returns the versions before and after. */
export async function migrateRedis(
  store: RedisKeyspace,
  name: string,
): Promise<{ from: number; to: number }> {
  const redis = store.redis;
  const versionKey = store.keys.schemaVersion();
  const read = async () => Number((await redis.get(versionKey)) ?? 0);
  const first = await read();
  if (first > REDIS_SCHEMA_VERSION) throw new NewerStoreError(name, first, REDIS_SCHEMA_VERSION);
  if (first === REDIS_SCHEMA_VERSION) return { from: first, to: first };
  const lock = store.keys.schemaLock();
  const token = randomBytes(8).toString('hex');
  while ((await redis.set(lock, token, 'PX', LOCK_MS, 'NX')) !== 'OK') {
    await new Promise((r) => setTimeout(r, 100)); // another replica is migrating
  }
  try {
    const from = await read(); // it may have migrated while this one waited
    if (from > REDIS_SCHEMA_VERSION) throw new NewerStoreError(name, from, REDIS_SCHEMA_VERSION);
    for (const m of REDIS_MIGRATIONS.slice(from)) {
      await m.up(store);
      await redis.set(versionKey, String(m.version));
    }
    return { from, to: REDIS_SCHEMA_VERSION };
  } finally {
    await redis.eval(RELEASE, 1, lock, token);
  }
}
