import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { WeComSimulator } from '../../src/simulator/index.ts';
import { redisClient } from '../../src/store/redis-store.ts';
import { KFBOT, ROOT } from '../cli/run-cli.ts';

export const TOKEN = 'kfbotE2eToken';
export const AES_KEY = 'jWmYm7qr5nMoAUwZRjGtBxmz3KA1tkAj3ykkR6q2B2C';

export interface KfbotProcess {
  child: ChildProcess;
  url: string;
  /** Every log line so far, parsed. */
  logs: Record<string, unknown>[];
  /** Every line the process wrote, stdout and stderr, as written. */
  lines: string[];
  exited: Promise<number | null>;
  stop(signal?: NodeJS.Signals): Promise<number | null>;
}

/** A fresh folder for a store that several kfbot processes (restarts) can share. */
export function storeDir(): string {
  return mkdtempSync(join(tmpdir(), 'kfbot-e2e-'));
}

/** Spawns the real `kfbot serve` against the simulator and waits until it listens. */
export async function startKfbotProcess(opts: {
  apiBase: string;
  corpId: string;
  secret: string;
  store: string;
  rules?: string;
  env?: Record<string, string>;
  /** Extra node flags (a benchmark's --cpu-prof). */
  nodeArgs?: string[];
  /** The script to run instead of bin/kfbot.js (the bench compares the tsx way). */
  entry?: string;
}): Promise<KfbotProcess> {
  const child = spawn(process.execPath, [...(opts.nodeArgs ?? []), opts.entry ?? KFBOT, 'serve'], {
    cwd: ROOT,
    stdio: ['ignore', 'pipe', 'pipe'],
    env: {
      ...process.env,
      WECOM_CORP_ID: opts.corpId,
      WECOM_SECRET: opts.secret,
      WECOM_TOKEN: TOKEN,
      WECOM_ENCODING_AES_KEY: AES_KEY,
      WECOM_API_BASE: opts.apiBase,
      KFBOT_RULES: opts.rules ?? 'rules',
      KFBOT_PORT: '0',
      KFBOT_HOST: '127.0.0.1',
      KFBOT_STORE: `sqlite:${join(opts.store, 'kfbot.db')}`,
      LOG_LEVEL: 'debug',
      ...opts.env,
    },
  });
  const logs: Record<string, unknown>[] = [];
  const lines: string[] = [];
  let stderr = '';
  let buffer = '';
  const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
  const url = await new Promise<string>((resolve, reject) => {
    child.stdout?.on('data', (d: Buffer) => {
      buffer += d;
      const parts = buffer.split('\n');
      buffer = parts.pop() ?? '';
      for (const line of parts) {
        lines.push(line);
        try {
          const entry = JSON.parse(line) as Record<string, unknown>;
          logs.push(entry);
          if (typeof entry.url === 'string' && String(entry.msg).startsWith('kfbot listening'))
            resolve(entry.url);
        } catch {
          logs.push({ msg: line });
        }
      }
    });
    child.stderr?.on('data', (d: Buffer) => {
      stderr += d;
      lines.push(String(d));
    });
    void exited.then((code) =>
      reject(new Error(`kfbot serve exited with ${code} before listening:\n${stderr}`)),
    );
  });
  return {
    child,
    url,
    logs,
    lines,
    exited,
    async stop(signal: NodeJS.Signals = 'SIGTERM') {
      if (child.exitCode === null && child.signalCode === null) child.kill(signal);
      return exited;
    },
  };
}

/**
 * `kfbot serve` for the simulator's account, with WeCom's callbacks pointed at it: what a test
 * starts, and what a crash test starts again on the same store after a kill.
 */
export async function serveForSimulator(
  sim: WeComSimulator,
  opts: { store: string; rules?: string; env?: Record<string, string> },
): Promise<KfbotProcess> {
  const p = await startKfbotProcess({ apiBase: sim.url, corpId: sim.corpId, secret: sim.secret, ...opts });
  sim.callbacks.configure({ url: `${p.url}/callback`, token: TOKEN, encodingAesKey: AES_KEY });
  return p;
}

/**
 * The end-to-end test Redis (KFBOT_TEST_REDIS_E2E) with database `db`. A file that empties its
 * database needs one no other file uses, as files run side by side: 7 calls-replicas, 11
 * rules-replicas. Where two must share a number (4: stale-replica and rules-command; 12:
 * calls-crash and crash-loop; 13, the variable's own: replicas and idle-timers), each holds it
 * with `useOwnRedisDatabase` (test/support/own-redis-database.ts) and they take turns.
 */
export function e2eRedis(db: number): string {
  const url = new URL(process.env.KFBOT_TEST_REDIS_E2E ?? 'redis://127.0.0.1:6379/13');
  url.pathname = `/${db}`;
  return url.toString();
}

/** Empties the test file's own Redis database, so it starts from nothing. */
export async function emptyRedis(url: string): Promise<void> {
  const admin = redisClient(url);
  await admin.connect();
  await admin.flushdb();
  await admin.quit();
}

/** One replica of `kfbot serve` on the shared Redis store `redis`, a store folder of its own. */
export function startReplica(
  sim: WeComSimulator,
  opts: { redis: string; rules: string; env?: Record<string, string> },
): Promise<KfbotProcess> {
  return startKfbotProcess({
    apiBase: sim.url,
    corpId: sim.corpId,
    secret: sim.secret,
    store: storeDir(),
    rules: opts.rules,
    env: { KFBOT_STORE: opts.redis, LOG_LEVEL: 'debug', ...opts.env },
  });
}

/** Stops every replica with SIGKILL, thawing one a test froze (SIGSTOP) so that it exits. */
export async function stopReplicas(replicas: readonly KfbotProcess[]): Promise<void> {
  for (const r of replicas) {
    if (r.child.signalCode === 'SIGSTOP') r.child.kill('SIGCONT');
    await r.stop('SIGKILL');
  }
}

/** kill -9: the process finishes nothing it was doing. Resolves once it has exited. */
export async function killHard(bot: KfbotProcess | undefined): Promise<void> {
  bot?.child.kill('SIGKILL');
  await bot?.exited;
}

/** Polls until `check` returns true (the pipeline is asynchronous by design). */
export async function waitFor(
  check: () => boolean | Promise<boolean>,
  what: string,
  timeoutMs = 10_000,
): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (await check()) return;
    await new Promise((r) => setTimeout(r, 25));
  }
  throw new Error(`timed out waiting for ${what}`);
}

/** kfbot's resident memory in MB, from its own /metrics. */
export async function rssMb(url: string): Promise<number> {
  return (await memoryMb(url)).rss;
}

/**
 * A kfbot process's resident memory and V8 heap in use, in MB, from its /metrics. The heap, not
 * the RSS, is where a leak shows: RSS also holds what V8 and malloc keep after freeing.
 */
export async function memoryMb(url: string): Promise<{ rss: number; heap: number }> {
  const { request } = await import('undici');
  const text = await (await request(`${url}/metrics`)).body.text();
  const mb = (name: string) => {
    const m = new RegExp(`^${name} (\\d+)`, 'm').exec(text);
    return m ? Math.round(Number(m[1]) / 1024 / 1024) : Number.NaN;
  };
  return { rss: mb('kfbot_process_resident_memory_bytes'), heap: mb('kfbot_nodejs_heap_size_used_bytes') };
}
