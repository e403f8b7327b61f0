/**
 * Redis goes away under a running replica: /readyz fails, callbacks get a 503 (so WeCom retries
 * them) and nothing is half-written; when Redis returns, the replica recovers by itself.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { createServer } from 'node:net';
import { request } from 'undici';
import { afterAll, expect, it } from 'vitest';
import { startSimulator, type WeComSimulator } from '../../src/simulator/index.ts';
import { expectNoSecrets } from '../support/secrets.ts';
import { AES_KEY, type KfbotProcess, startKfbotProcess, storeDir, TOKEN, waitFor } from './kfbot-process.ts';

let redis: ChildProcess | undefined;
let sim: WeComSimulator | undefined;
let bot: KfbotProcess | undefined;

async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
  const port = (server.address() as { port: number }).port;
  await new Promise((r) => server.close(r));
  return port;
}

/** A Redis that keeps its data across a crash, as production must (see docs/replicas.md). */
async function startRedis(port: number, dir: string): Promise<ChildProcess> {
  const args = [
    '--port',
    String(port),
    '--bind',
    '127.0.0.1',
    '--dir',
    dir,
    '--save',
    '',
    '--appendonly',
    'yes',
    '--appendfsync',
    'always',
  ];
  const child = spawn('redis-server', args, { stdio: 'ignore' });
  await waitFor(async () => {
    try {
      const { redisClient } = await import('../../src/store/redis-store.ts');
      const c = redisClient(`redis://127.0.0.1:${port}`);
      c.on('error', () => {});
      await c.connect();
      await c.quit();
      return true;
    } catch {
      return false;
    }
  }, 'redis-server to answer');
  return child;
}

const readyz = async () => (await request(`${bot?.url}/readyz`)).statusCode;

afterAll(async () => {
  if (bot && sim) expectNoSecrets(bot.lines, sim, [TOKEN, AES_KEY]);
  await bot?.stop('SIGKILL');
  await sim?.close();
  redis?.kill('SIGKILL');
});

it('fails readiness and answers callbacks 503 while Redis is down, and recovers when it returns', async () => {
  const port = await freePort();
  const dir = storeDir();
  redis = await startRedis(port, dir);
  sim = await startSimulator();
  bot = await startKfbotProcess({
    apiBase: sim.url,
    corpId: sim.corpId,
    secret: sim.secret,
    store: storeDir(),
    rules: 'test/e2e/rules',
    env: { KFBOT_STORE: `redis://127.0.0.1:${port}/0` },
  });
  sim.callbacks.configure({ url: `${bot.url}/callback`, token: TOKEN, encodingAesKey: AES_KEY });
  const customer = sim.customerSays({ text: 'echo 之前' }).external_userid as string;
  await waitFor(() => sim?.sent(sim.openKfId, customer).length === 1, 'the first answer');
  expect(await readyz()).toBe(200);

  redis.kill('SIGKILL');
  await waitFor(async () => (await readyz()) === 503, '/readyz to fail');
  sim.callbacks.pause();
  sim.customerSays({ externalUserId: customer, text: 'echo 期间' });
  const delivery = sim.callbacks.deliveries.at(-1);
  sim.callbacks.resume();
  await waitFor(
    () => delivery?.state === 'failed' || delivery?.attempts.some((a) => a.status === 503) === true,
    'a refused callback',
  );
  expect(delivery?.attempts.map((a) => a.status)).toContain(503);

  redis = await startRedis(port, dir);
  await waitFor(async () => (await readyz()) === 200, '/readyz to recover', 15_000);
  // WeCom gave up on the refused callback, but the next one covers everything since the cursor.
  sim.customerSays({ externalUserId: customer, text: 'echo 之后' });
  await waitFor(
    () => (sim?.sent(sim.openKfId, customer).length ?? 0) >= 3,
    'answers after the outage',
    15_000,
  );
  await new Promise((r) => setTimeout(r, 500));
  // Each message exactly once: the one written during the outage too, and none answered again.
  const texts = sim.sent(sim.openKfId, customer).map((m) => (m.content.text as { content: string }).content);
  expect(texts).toEqual(['收到：echo 之前', '收到：echo 期间', '收到：echo 之后']);
}, 60_000);
