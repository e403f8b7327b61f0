/** KFBOT_STORE → a Store. `sqlite:PATH` (relative to the working directory) is the embedded default. */
import { isAbsolute, join } from 'node:path';
import { SqliteStore } from './sqlite-store.ts';
import type { Store } from './store.ts';

export function openStore(url: string, cwd: string): Store {
  if (url.startsWith('sqlite:')) {
    const path = url.slice('sqlite:'.length);
    return new SqliteStore(path === ':memory:' || isAbsolute(path) ? path : join(cwd, path));
  }
  throw new Error(`KFBOT_STORE "${url}" is not supported; use sqlite:PATH`);
}
