/**
 * Opening the store named by KFBOT_STORE against a Redis of its own (redis-server on a free port):
 * a warning when persistence is off, and a readiness error in words once Redis goes away.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import { afterEach, describe, expect, it } from 'vitest';
import { createLogger } from '../../src/runtime/logger.ts';
import { KfbotMetrics } from '../../src/runtime/metrics.ts';
import { type Backend, openBackend } from '../../src/store/open-backend.ts';
import { redisClient } from '../../src/store/redis-store.ts';
import { waitFor } from '../e2e/kfbot-process.ts';

async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
  const port = (server.address() as { port: number }).port;
  await new Promise((r) => server.close(r));
  return port;
}

let redis: ChildProcess | undefined;
let backend: Backend | undefined;

afterEach(async () => {
  await backend?.work.stop();
  await backend?.store.close();
  redis?.kill('SIGKILL');
  backend = undefined;
  redis = undefined;
});

async function startRedis(appendonly: 'yes' | 'no'): Promise<string> {
  const port = await freePort();
  const dir = mkdtempSync(join(tmpdir(), 'kfbot-redis-'));
  redis = spawn(
    'redis-server',
    ['--port', String(port), '--bind', '127.0.0.1', '--dir', dir, '--save', '', '--appendonly', appendonly],
    { stdio: 'ignore' },
  );
  const url = `redis://127.0.0.1:${port}/0`;
  await waitFor(async () => {
    const c = redisClient(url);
    try {
      await c.connect();
      await c.quit();
      return true;
    } catch {
      c.disconnect();
      return false;
    }
  }, 'redis-server to answer');
  return url;
}

async function open(url: string): Promise<{ lines: { level: number; msg: string }[] }> {
  const lines: { level: number; msg: string }[] = [];
  const sink = new Writable({
    write(chunk: Buffer, _enc, done) {
      for (const l of String(chunk).split('\n').filter(Boolean)) lines.push(JSON.parse(l));
      done();
    },
  });
  backend = await openBackend(url, {
    cwd: process.cwd(),
    metrics: new KfbotMetrics(),
    log: createLogger('info', sink),
    now: Date.now,
    budgetLimits: [],
  });
  return { lines };
}

describe('opening a Redis store', () => {
  it('warns when Redis has persistence off, as the README requires it on', async () => {
    const url = await startRedis('no');
    const { lines } = await open(url);
    const warning = lines.find((l) => l.level === 40);
    expect(warning?.msg).toMatch(/^Redis at 127\.0\.0\.1:\d+\/0 has persistence off \(appendonly no\)/);
    expect(warning?.msg).toContain('set appendonly yes');
  });

  it('says nothing when persistence is on', async () => {
    const { lines } = await open(await startRedis('yes'));
    expect(lines.filter((l) => l.level >= 40)).toEqual([]);
  });

  it('explains a lost connection in words, not in ioredis internals', async () => {
    const { lines } = await open(await startRedis('yes'));
    redis?.kill('SIGKILL');
    await waitFor(async () => {
      try {
        await backend?.store.ping();
        return false;
      } catch {
        return true;
      }
    }, 'the ping to fail');
    const err = await backend?.store.ping().then(
      () => undefined,
      (e: Error) => e,
    );
    expect(err?.message).toMatch(
      /^Redis is not reachable \(connection \w+\); kfbot reconnects by itself when it is back$/,
    );
    expect(lines.some((l) => /enableOfflineQueue/.test(l.msg))).toBe(false);
  });
});
