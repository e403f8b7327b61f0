/**
 * A console cookie is accepted by every replica (it is signed, not stored), so signing out must
 * reach every replica too: after POST /console/logout on replica A, the same cookie is refused by
 * replica B, which shares A's store — two kfbot apps over one Redis, and over one SQLite file.
 */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { startSimulator, type WeComSimulator } from '../../src/simulator/index.ts';
import { redisClient } from '../../src/store/redis-store.ts';
import { type InProcessKfbot, startInProcess } from '../support/in-process-kfbot.ts';
import { ConsoleClient } from './console-client.ts';

const PASSWORD = 'sign-out replicas test';
/** A database of its own (no other test uses 6), so flushing it disturbs no test running beside. */
const REDIS_URL = (process.env.KFBOT_TEST_REDIS ?? 'redis://127.0.0.1:6379/15').replace(/\/\d+$/, '/6');

let sim: WeComSimulator | undefined;
const bots: InProcessKfbot[] = [];
afterEach(async () => {
  for (const b of bots.splice(0)) await b.close();
  await sim?.close();
  sim = undefined;
});

async function flushRedis(): Promise<void> {
  const admin = redisClient(REDIS_URL);
  await admin.connect();
  await admin.flushdb();
  await admin.quit();
}

describe.each([
  [
    'one Redis',
    async () => {
      await flushRedis();
      return REDIS_URL;
    },
  ],
  [
    'one SQLite file',
    async () => `sqlite:${join(mkdtempSync(join(tmpdir(), 'kfbot-sign-out-')), 'kfbot.db')}`,
  ],
])('two replicas over %s', (_name, storeUrl) => {
  it('refuse on replica B a cookie signed out on replica A, and still accept other sessions', async () => {
    const store = await storeUrl();
    sim = await startSimulator();
    for (let i = 0; i < 2; i++)
      bots.push(await startInProcess(sim, { config: { store, consolePassword: PASSWORD } }));
    const [a, b] = bots as [InProcessKfbot, InProcessKfbot];

    const operator = new ConsoleClient(a.app.url);
    expect((await operator.signIn(PASSWORD)).status).toBe(303);
    const cookie = operator.cookies.get('kfbot_console') as string;
    const onB = new ConsoleClient(b.app.url);
    onB.cookies.set('kfbot_console', cookie);
    expect((await onB.go('/console/api/overview')).status).toBe(200);

    const colleague = new ConsoleClient(b.app.url);
    expect((await colleague.signIn(PASSWORD)).status).toBe(303);

    const out = await operator.go('/console/logout', { form: { csrf: await operator.csrf() } });
    expect(out.status).toBe(303);
    const refused = await onB.go('/console/api/overview');
    expect(refused.status).toBe(401);
    expect(refused.body).toContain('signed out: sign in again at /console/login');
    // The page leads to the login, which says the session ended (the cookie no longer holds).
    expect((await onB.go('/console')).headers.location).toBe('/console/login?ended');
    // On A as well, and for a browser that kept the cookie.
    const keptOnA = new ConsoleClient(a.app.url);
    keptOnA.cookies.set('kfbot_console', cookie);
    expect((await keptOnA.go('/console/api/overview')).status).toBe(401);
    // Signing out one session signs out nobody else.
    expect((await colleague.go('/console/api/overview')).status).toBe(200);
  });
});
