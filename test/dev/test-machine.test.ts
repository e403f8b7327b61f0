/**
 * `npm install && npm test` on a fresh machine: the test run brings Chromium and Redis itself, or
 * stops at once with one line that names what is missing and the command that fixes it.
 */
import { spawn } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ROOT } from '../cli/run-cli.ts';
import { answers, redisAddress, startRedisForRun } from '../support/test-machine.ts';

/** A port nothing listens on. */
async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const { port } = server.address() as { port: number };
  await new Promise((r) => server.close(r));
  return port;
}

/** Runs `npm test`'s pretest step as a machine without apt-get, sudo or redis-server would. */
function pretest(env: Record<string, string>): Promise<{ code: number | null; lines: string[] }> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, ['--import', 'tsx', 'test/support/prepare-machine.ts'], {
      cwd: ROOT,
      // An empty folder as PATH: no apt-get, no sudo, no redis-server, no fc-list.
      env: {
        PATH: mkdtempSync(join(tmpdir(), 'kfbot-bare-path-')),
        HOME: process.env.HOME ?? '/tmp',
        ...env,
      },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let err = '';
    child.stderr.on('data', (d: Buffer) => {
      err += d;
    });
    child.on('close', (code) => resolve({ code, lines: err.split('\n').filter(Boolean) }));
  });
}

describe("the test run's own machine check", () => {
  it('stops with one line naming Chromium and the install command when it cannot install it', async () => {
    const r = await pretest({ CHROMIUM_PATH: '/nonexistent/chromium' });
    expect(r.code).toBe(1);
    expect(r.lines).toHaveLength(1);
    expect(r.lines[0]).toContain('Chromium at /nonexistent/chromium');
    expect(r.lines[0]).toContain('sudo apt-get install -y chromium fonts-wqy-zenhei fonts-noto-color-emoji');
  });

  it('stops with one line naming Redis and the install command when nothing answers and it cannot start one', async () => {
    const port = await freePort();
    const url = `redis://127.0.0.1:${port}/15`;
    const r = await pretest({
      CHROMIUM_PATH: process.execPath, // present, so only Redis is missing
      KFBOT_TEST_REDIS: url,
      KFBOT_TEST_REDIS_E2E: url,
      KFBOT_TEST_REDIS_CRASH: url,
    });
    expect(r.code).toBe(1);
    const last = r.lines.at(-1) ?? '';
    expect(last).toContain(`a Redis on 127.0.0.1:${port}`);
    expect(last).toContain('sudo apt-get install -y redis-server');
    // Only the font warning may come before it: no stack trace, no noise.
    expect(r.lines.length).toBeLessThanOrEqual(2);
  });

  it('starts a throwaway redis-server where nothing answers, and stops it after the run', async () => {
    const port = await freePort();
    const url = `redis://127.0.0.1:${port}/15`;
    const said: string[] = [];
    const stop = await startRedisForRun((l) => said.push(l), [url]);
    try {
      expect(await answers(redisAddress(url))).toBe(true);
      expect(said.join('\n')).toContain(`starting redis-server on 127.0.0.1:${port}`);
    } finally {
      await stop();
    }
    expect(await answers(redisAddress(url))).toBe(false);
  });

  it('starts nothing where a Redis already answers', async () => {
    const said: string[] = [];
    const stop = await startRedisForRun(
      (l) => said.push(l),
      [process.env.KFBOT_TEST_REDIS ?? 'redis://127.0.0.1:6379/15'],
    );
    await stop();
    expect(said).toEqual([]);
  });
});
