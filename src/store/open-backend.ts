/**
 * KFBOT_STORE → the store and the pull work that go with it: `sqlite:PATH` (relative to the
 * working directory) for one process, `redis://host:port/db` for several replicas.
 */
import { isAbsolute, join } from 'node:path';
import type { Logger } from 'pino';
import type { ApiBudget } from '../wecom/api-budget.ts';
import { LocalApiBudget } from '../wecom/local-api-budget.ts';
import type { RateLimitSpec } from '../wecom/rate-limit-spec.ts';
import type { PullWork, PullWorkMetrics } from './pull-work.ts';
import type { Store } from './store.ts';

export interface Backend {
  store: Store;
  work: PullWork;
  /** WeCom's frequency limits kept for this process (SQLite) or every replica (Redis). */
  budget: ApiBudget;
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
  },
): Promise<Backend> {
  if (url.startsWith('sqlite:')) {
    // Each backend is loaded only when chosen: a SQLite deployment never loads ioredis.
    const { SqliteStore } = await import('./sqlite-store.ts');
    const { LocalPullWork } = await import('./local-pull-work.ts');
    const path = url.slice('sqlite:'.length);
    const store = new SqliteStore(path === ':memory:' || isAbsolute(path) ? path : join(deps.cwd, path));
    return {
      store,
      work: new LocalPullWork(store, deps.metrics, deps.log, deps.now),
      budget: new LocalApiBudget(deps.budgetLimits, deps.now),
    };
  }
  if (url.startsWith('redis://') || url.startsWith('rediss://')) {
    const { RedisStore, redisClient } = await import('./redis-store.ts');
    const { RedisPullWork } = await import('./redis-pull-work.ts');
    const { RedisApiBudget } = await import('./redis-api-budget.ts');
    let lastWarned = 0;
    const redis = redisClient(url, (err) => {
      // Once a minute at most: a Redis outage should not flood the log.
      if (Date.now() - lastWarned < 60_000) return;
      lastWarned = Date.now();
      deps.log.error({ err }, 'Redis connection failed; callbacks get 503 until it is back');
    });
    // Start even while Redis is down: /readyz says so, callbacks get 503, and the connection
    // comes back by itself.
    await redis
      .connect()
      .catch((err: unknown) => deps.log.error({ err }, 'Redis is not reachable yet; retrying'));
    const store = new RedisStore(redis);
    return {
      store,
      work: new RedisPullWork({ redis, keys: store.keys }, deps.metrics, deps.log, deps.now),
      budget: new RedisApiBudget(redis, store.keys, deps.budgetLimits, deps.now),
    };
  }
  throw new Error(`KFBOT_STORE "${url}" is not supported; use sqlite:PATH or redis://host:port/db`);
}
