/**
 * kfbot killed with SIGKILL at random moments of a busy run — between acknowledging and pulling,
 * in the middle of a pull, between a send and its record, during a cursor write — and restarted
 * on the same store, 30 times, on SQLite and on Redis. kfbot handles up to 8 customers of a page
 * at once, so kills land in the middle of concurrent pages. At the end every customer message has
 * been answered exactly once, in order.
 */
import { afterAll, describe, expect, it } from 'vitest';
import { startSimulator, type WeComSimulator } from '../../src/simulator/index.ts';
import { redisClient } from '../../src/store/redis-store.ts';
import {
  AES_KEY,
  type KfbotProcess,
  startKfbotProcess,
  storeDir,
  TOKEN,
  waitFor,
} from '../e2e/kfbot-process.ts';
import { useOwnRedisDatabase } from '../support/own-redis-database.ts';
import { expectNoSecrets } from '../support/secrets.ts';

const ITERATIONS = 30;
const CUSTOMERS = 12;
const WINDOW = 2;
const REDIS = process.env.KFBOT_TEST_REDIS_CRASH ?? 'redis://127.0.0.1:6379/12';
useOwnRedisDatabase(REDIS);
const sims: WeComSimulator[] = [];
const bots: KfbotProcess[] = [];

afterAll(async () => {
  for (const b of bots) await b.stop('SIGKILL');
  for (const s of sims) await s.close();
});

async function crashLoop(store: string): Promise<void> {
  const sim = await startSimulator({ settings: { callbackRetryDelayMs: 200, callbackTimeoutMs: 1000 } });
  sims.push(sim);
  const dir = storeDir();
  const start = async () => {
    const bot = await startKfbotProcess({
      apiBase: sim.url,
      corpId: sim.corpId,
      secret: sim.secret,
      store: dir,
      rules: 'test/e2e/rules',
      env: { KFBOT_STORE: store.replace('$DIR', dir), LOG_LEVEL: 'info', KFBOT_CONCURRENCY: '8' },
    });
    bots.push(bot);
    sim.callbacks.configure({ url: `${bot.url}/callback`, token: TOKEN, encodingAesKey: AES_KEY });
    return bot;
  };
  const customers = Array.from({ length: CUSTOMERS }, (_, i) => ({ id: `wmCrash${i}`, sent: 0 }));
  const answered = (id: string) => sim.sent(sim.openKfId, id).length;
  let talking = true;
  const talk = (async () => {
    while (talking) {
      for (const c of customers) {
        if (c.sent - answered(c.id) < WINDOW)
          sim.customerSays({ externalUserId: c.id, text: `echo ${c.id} #${c.sent++}` });
      }
      await new Promise((r) => setTimeout(r, 15));
    }
  })();

  for (let i = 0; i < ITERATIONS; i++) {
    const bot = await start();
    await new Promise((r) => setTimeout(r, 50 + Math.random() * 450));
    bot.child.kill('SIGKILL');
    await bot.exited;
    expectNoSecrets(bot.lines, sim, [TOKEN, AES_KEY]);
  }
  talking = false;
  await talk;
  const last = await start();
  // One more message from each customer: its callback makes the surviving instance pull
  // everything since the cursor, including messages whose callbacks all hit a dead instance.
  for (const c of customers) sim.customerSays({ externalUserId: c.id, text: `echo ${c.id} #${c.sent++}` });
  const expected = customers.reduce((n, c) => n + c.sent, 0);
  await waitFor(() => sim.sent().length >= expected, `all ${expected} messages answered`, 60_000).catch(
    (err: Error) => {
      throw new Error(`${err.message}: ${sim.sent().length} answered`);
    },
  );
  await new Promise((r) => setTimeout(r, 1000));
  await last.stop('SIGTERM');
  expect(sim.sent()).toHaveLength(expected);
  for (const c of customers) {
    const replies = sim.sent(sim.openKfId, c.id).map((m) => (m.content.text as { content: string }).content);
    expect(replies).toEqual(Array.from({ length: c.sent }, (_, n) => `收到：echo ${c.id} #${n}`));
  }
}

describe('30 SIGKILLs at random moments of a busy run', () => {
  it('on SQLite: every message answered exactly once, in order', async () => {
    await crashLoop('sqlite:$DIR/kfbot.db');
  }, 180_000);

  it('on Redis: every message answered exactly once, in order', async () => {
    const admin = redisClient(REDIS);
    await admin.connect();
    await admin.flushdb();
    await admin.quit();
    await crashLoop(REDIS);
  }, 180_000);
});
