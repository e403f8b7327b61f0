/**
 * A backend call occupies its own customer only: while one customer's backend hangs, another
 * customer of the same account is answered, and the first customer's later message is answered
 * after the call's reply, in order. Real app on SQLite and on Redis (replicas' pull work: the
 * lease is held while the call runs), real HTTP backend on loopback that holds its answer until
 * the test lets it go — no timing assertions.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { startSimulator, type WeComSimulator } from '../../src/simulator/index.ts';
import { redisClient } from '../../src/store/redis-store.ts';
import { ruleDir } from '../rules/helpers.ts';
import { type InProcessKfbot, startInProcess } from '../support/in-process-kfbot.ts';
import { ORDER, type OrderBackend, orderLookupRules, startOrderBackend } from '../support/order-backend.ts';
import { until } from '../support/until.ts';

// Its own database, emptied first: other files use 12–15.
const REDIS = (process.env.KFBOT_TEST_REDIS_E2E ?? 'redis://127.0.0.1:6379/13').replace(/\/\d+$/, '/10');

let sim: WeComSimulator | undefined;
let bot: InProcessKfbot | undefined;
let backend: OrderBackend | undefined;

afterEach(async () => {
  backend?.release();
  await bot?.close();
  await sim?.close();
  await backend?.close();
});

describe.each(['sqlite', 'redis'] as const)('a call off its page (%s)', (store) => {
  it('answers another customer of the same account while one customer’s backend hangs, and that customer’s later message after the call', async () => {
    // The order lookup hangs until the test lets it go.
    backend = await startOrderBackend();
    backend.behave(() => ({ json: ORDER, hold: true }));
    const held = backend;
    sim = await startSimulator();
    const s = sim;
    if (store === 'redis') {
      const admin = redisClient(REDIS);
      await admin.connect();
      await admin.flushdb();
      await admin.quit();
    }
    bot = await startInProcess(s, {
      config: {
        rules: ruleDir({ 'rules.yaml': orderLookupRules(held.port, { timeout: '30s' }) }),
        ...(store === 'redis' && { store: REDIS }),
      },
    });
    const texts = (id: string) =>
      s.sent(s.openKfId, id).map((m) => (m.content.text as { content: string } | undefined)?.content);

    const slow = s.customerSays({ text: '订单202612070001' }).external_userid as string;
    await until(() => held.held === 1, 'the backend to receive the order lookup');
    // The same customer writes again while the call hangs: this must wait for the call's reply.
    s.customerSays({ externalUserId: slow, text: 'echo 还在吗' });
    const other = s.customerSays({ text: 'echo 你好' }).external_userid as string;

    await until(() => texts(other).length === 1, 'the other customer’s reply');
    expect(texts(other)).toEqual(['收到：你好']);
    // Answered while the backend has still not answered anyone, and the slow customer waits.
    expect(held.answered).toBe(0);
    expect(held.held).toBe(1);
    expect(texts(slow)).toEqual([]);

    held.release();
    await until(() => texts(slow).length === 2, 'the slow customer’s two replies');
    await bot.app.work.idle();
    expect(texts(slow)).toEqual(['状态：已发货', '收到：还在吗']);
    expect(held.answered).toBe(1);
  });
});
