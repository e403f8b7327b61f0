/**
 * Test files run side by side, and a Redis has only 16 databases: a few files that empty a
 * database share its number with another (with every test variable left at its default, both on
 * 127.0.0.1:6379). Emptying it under the other file's running replicas would wipe their state
 * mid-test. Such a file calls `useOwnRedisDatabase(url)` before its other hooks: it takes the
 * database for its whole run with a lock file (one per host, port and database), waits while
 * another file holds it, and gives it back after its last test. A lock left by a killed worker
 * (its process gone) is taken over.
 */
import { readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { afterAll, beforeAll } from 'vitest';

/** Long enough for the longest end-to-end file that holds a database to finish. */
const WAIT_MS = 15 * 60_000;

export function useOwnRedisDatabase(url: string): void {
  let release: (() => void) | undefined;
  beforeAll(async () => {
    release = await holdRedisDatabase(url);
  }, WAIT_MS + 10_000);
  afterAll(() => release?.());
}

export async function holdRedisDatabase(url: string): Promise<() => void> {
  const u = new URL(url);
  const db = u.pathname.replace(/^\//, '') || '0';
  const lock = join(tmpdir(), `kfbot-test-redis-${u.hostname}-${u.port || '6379'}-db${db}.lock`);
  const mine = `${process.pid} ${Math.random().toString(36).slice(2)}`;
  const deadline = Date.now() + WAIT_MS;
  for (;;) {
    try {
      writeFileSync(lock, mine, { flag: 'wx' });
      return () => {
        if (readText(lock) === mine) rmSync(lock, { force: true });
      };
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== 'EEXIST') throw e;
    }
    const holder = Number(readText(lock)?.split(' ')[0]);
    if (Number.isInteger(holder) && holder > 0 && !alive(holder)) rmSync(lock, { force: true });
    else if (Date.now() > deadline)
      throw new Error(
        `Redis database ${db} of ${u.host} is still held by process ${holder} after ${WAIT_MS / 60_000} min (lock ${lock}); if no test runs, delete the lock file`,
      );
    else await sleep(250);
  }
}

function readText(path: string): string | undefined {
  try {
    return readFileSync(path, 'utf8');
  } catch {
    return undefined;
  }
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === 'EPERM';
  }
}
