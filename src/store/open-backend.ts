/**
 * KFBOT_STORE → the store and the pull work that go with it: `sqlite:PATH` (relative to the
 * working directory) for one process, `redis://host:port/db` for several replicas.
 */

import { statSync } from 'node:fs';
import { isAbsolute, join } from 'node:path';
import type { Redis } from 'ioredis';
import type { Logger } from 'pino';
import { parseRedisUrl } from '../config/redis-url.ts';
import type { ApiBudget } from '../wecom/api-budget.ts';
import { LocalApiBudget } from '../wecom/local-api-budget.ts';
import type { RateLimitSpec } from '../wecom/rate-limit-spec.ts';
import type { PullWork, PullWorkMetrics } from './pull-work.ts';
import type { ReplicaWaitMetrics } from './redis-replica-wait.ts';
import type { SqliteStore } from './sqlite-store.ts';
import type { Store } from './store.ts';
import { fsReason, StoreOpenError } from './store-open-error.ts';
import { NewerStoreError } from './store-version.ts';

export interface Backend {
  store: Store;
  work: PullWork;
  /** WeCom's frequency limits kept for this process (SQLite) or every replica (Redis). */
  budget: ApiBudget;
}

/**
 * Starts loading the code of the backend `url` names (better-sqlite3, or ioredis) without opening
 * anything, so that `kfbot serve` loads it while its first rules load waits for their child process
 * (kfbot-app.ts). The store itself is opened only once the rules are valid: a store migrated for
 * rules that then fail to load would refuse the older kfbot its operator goes back to. Whatever
 * goes wrong here, openBackend meets again and reports.
 */
export function preloadBackend(url: string): void {
  const modules = url.startsWith('sqlite:')
    ? [import('./sqlite-store.ts'), import('./local-pull-work.ts')]
    : /^rediss?(\+sentinel)?:\/\//.test(url)
      ? [import('./redis-store.ts'), import('./redis-pull-work.ts'), import('./redis-migrations.ts')]
      : [];
  for (const loading of modules) loading.catch(() => {});
}

export async function openBackend(
  url: string,
  deps: {
    cwd: string;
    metrics: PullWorkMetrics;
    log: Logger;
    now: () => number;
    /** The budget's limits, margin already taken off. */
    budgetLimits: readonly RateLimitSpec[];
    /** KFBOT_REDIS_CA_FILE: the CA that signed a rediss:// server's certificate. */
    redisCaFile?: string;
    /** KFBOT_REDIS_WAIT_REPLICAS: replicas to WAIT for before each WeCom call (0: none). */
    redisWaitReplicas?: number;
    /** Where the replica waits are counted. */
    replicaWaitMetrics?: ReplicaWaitMetrics;
  },
): Promise<Backend> {
  if (url.startsWith('sqlite:')) {
    // Each backend is loaded only when chosen: a SQLite deployment never loads ioredis.
    const { LocalPullWork } = await import('./local-pull-work.ts');
    // Migrates the file, or throws NewerStoreError for one from a newer kfbot.
    const store = await openSqliteStore(sqliteFile(url, deps.cwd), 'migrate');
    reportMigration(deps.log, url, store.migrated);
    return {
      store,
      work: new LocalPullWork(store, deps.metrics, deps.log, deps.now),
      budget: new LocalApiBudget(deps.budgetLimits, deps.now),
    };
  }
  if (/^rediss?(\+sentinel)?:\/\//.test(url)) {
    const { RedisStore } = await import('./redis-store.ts');
    const { RedisPullWork } = await import('./redis-pull-work.ts');
    const { RedisApiBudget } = await import('./redis-api-budget.ts');
    const { migrateRedis } = await import('./redis-migrations.ts');
    const redis = await openRedis(url, deps.log, deps.redisCaFile);
    const { ReplicaWait } = await import('./redis-replica-wait.ts');
    const waits = deps.redisWaitReplicas ?? 0;
    const replicaWait =
      waits > 0
        ? new ReplicaWait(
            redis,
            waits,
            deps.log,
            deps.replicaWaitMetrics ?? { observe() {}, shortfall() {} },
            deps.now,
          )
        : undefined;
    const store = new RedisStore(redis, undefined, replicaWait);
    const name = url.replace(/\/\/[^@/]*@/, '//').replace(/\?.*$/, ''); // no password in messages
    reportMigration(deps.log, name, await migrateRedis({ redis, keys: store.keys }, name));
    return {
      store,
      work: new RedisPullWork(
        { redis, keys: store.keys },
        deps.metrics,
        deps.log,
        deps.now,
        replicaWait ? { replicaWait } : {},
      ),
      budget: new RedisApiBudget(redis, store.keys, deps.budgetLimits, deps.now),
    };
  }
  throw new StoreOpenError(
    `KFBOT_STORE "${url}" is not supported; use sqlite:PATH, redis://host:port/db, rediss://… or redis+sentinel://…`,
  );
}

/** The file a `sqlite:PATH` URL names, relative paths from `cwd`. */
export function sqliteFile(url: string, cwd: string): string {
  const path = url.slice('sqlite:'.length);
  return path === ':memory:' || isAbsolute(path) ? path : join(cwd, path);
}

/**
 * Opens the SQLite store at `file`: to migrate and serve from (creating it), or only to read
 * (reports: never created, never migrated). Any failure is one sentence, the same for both.
 */
export async function openSqliteStore(
  file: string,
  mode: 'migrate' | 'read' | 'change',
): Promise<SqliteStore> {
  const { SqliteStore } = await import('./sqlite-store.ts');
  try {
    return new SqliteStore(file, { mode });
  } catch (err) {
    if (err instanceof NewerStoreError || err instanceof StoreOpenError) throw err;
    throw new StoreOpenError(
      `cannot open the SQLite store at ${file} (${sqliteReason(err, file)}); set KFBOT_STORE to sqlite:PATH in a folder kfbot may write to`,
    );
  }
}

function sqliteReason(err: unknown, file: string): string {
  const e = err as { code?: string; message: string };
  if (isFolder(file)) return 'it is a folder';
  // better-sqlite3 says SQLITE_CANTOPEN / SQLITE_READONLY; mkdir says EACCES, ENOENT, …
  if (e.code === 'SQLITE_CANTOPEN') return 'the file cannot be created or opened there';
  if (e.code?.startsWith('SQLITE_READONLY')) return 'the file is read-only';
  return fsReason(err);
}

/** host:port/db, without any password, for messages. */
export function redisTarget(url: string): string {
  try {
    const u = new URL(url);
    return `${u.hostname}:${u.port || '6379'}${u.pathname.length > 1 ? u.pathname : '/0'}`;
  } catch {
    return 'the Redis in KFBOT_STORE';
  }
}

/**
 * Connects to Redis and checks it before kfbot listens: reachable, the database exists, and
 * persistence is on (docs/replicas.md requires it; without it a Redis restart forgets what was answered).
 */
export async function openRedis(url: string, log?: Logger, caFile?: string): Promise<Redis> {
  const { redisClient } = await import('./redis-store.ts');
  const { describeRedis, redisFailure } = await import('./redis-connection.ts');
  const parsed = parseRedisUrl(url);
  if ('problem' in parsed) throw new StoreOpenError(parsed.problem);
  const target = describeRedis(parsed);
  let started = false;
  let lastError: Error | undefined;
  let lastWarned = 0;
  let redis: Redis;
  try {
    redis = redisClient(url, onError, caFile);
  } catch (err) {
    throw new StoreOpenError(
      `cannot read KFBOT_REDIS_CA_FILE ${caFile} (${fsReason(err)}); point it at the CA certificate (PEM) that signed Redis's certificate`,
    );
  }
  function onError(err: Error): void {
    lastError = err;
    // Once a minute at most: a Redis outage should not flood the log.
    if (!started || Date.now() - lastWarned < 60_000) return;
    lastWarned = Date.now();
    log?.error({ err }, 'Redis connection failed; callbacks get 503 until it is back');
  }
  const refuse = (message: string): never => {
    redis.disconnect();
    throw new StoreOpenError(message);
  };
  try {
    await redis.connect();
  } catch (err) {
    refuse(redisFailure(lastError ?? (err as Error), parsed, caFile));
  }
  try {
    // ioredis selects the database on connect but only reports a failure as an event: ask again.
    await redis.select(redis.options.db ?? 0);
  } catch (err) {
    // AUTH failures surface here too: ioredis reports them as events and connects anyway.
    if (/WRONGPASS|NOAUTH|NOPERM/.test((err as Error).message))
      refuse(redisFailure(err as Error, parsed, caFile));
    refuse(
      `Redis at ${target} has no database ${redis.options.db} (${(err as Error).message}); use one the server has, e.g. redis://host:port/0`,
    );
  }
  try {
    const info = await redis.info('persistence');
    if (/^aof_enabled:0/m.test(info)) {
      log?.warn(
        `Redis at ${target} has persistence off (appendonly no): a Redis restart would forget cursors and dedupe records, and messages of the last 3 days would be answered again; set appendonly yes (docs/replicas.md)`,
      );
    }
  } catch {
    // INFO may be disabled on a managed Redis; the requirement (docs/replicas.md) still stands.
  }
  started = true;
  return redis;
}

function reportMigration(log: Logger, name: string, m: { from: number; to: number }): void {
  if (m.from < m.to)
    log.info(
      { store: name, from: m.from, to: m.to },
      `store schema migrated from version ${m.from} to ${m.to}`,
    );
}

function isFolder(file: string): boolean {
  try {
    return statSync(file).isDirectory();
  } catch {
    return false;
  }
}
