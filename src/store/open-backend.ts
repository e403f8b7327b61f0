/**
 * KFBOT_STORE → the store and the pull work that go with it: `sqlite:PATH` (relative to the
 * working directory) for one process, `redis://host:port/db` for several replicas.
 */
import { isAbsolute, join } from 'node:path';
import type { Logger } from 'pino';
import { LocalPullWork } from '../runtime/local-pull-work.ts';
import type { KfbotMetrics } from '../runtime/metrics.ts';
import type { PullWork } from '../runtime/pull-work.ts';
import { SqliteStore } from './sqlite-store.ts';
import type { Store } from './store.ts';

export interface Backend {
  store: Store;
  work: PullWork;
}

export async function openBackend(
  url: string,
  deps: { cwd: string; metrics: KfbotMetrics; log: Logger; now: () => number },
): Promise<Backend> {
  if (url.startsWith('sqlite:')) {
    const path = url.slice('sqlite:'.length);
    const store = new SqliteStore(path === ':memory:' || isAbsolute(path) ? path : join(deps.cwd, path));
    return { store, work: new LocalPullWork(store, deps.metrics, deps.log, deps.now) };
  }
  throw new Error(`KFBOT_STORE "${url}" is not supported; use sqlite:PATH`);
}
