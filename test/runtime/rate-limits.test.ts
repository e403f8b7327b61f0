/**
 * WeCom's frequency limits kept (§3: per API, per minute and per hour; 45009 blocks the API for the
 * window): kfbot's budget keeps it under the simulator's limit, and when WeCom answers 45009 anyway
 * the work waits for the block instead of being recorded as refused. Scaled-down limits show it
 * quickly.
 */
import { request } from 'undici';
import { afterEach, describe, expect, it } from 'vitest';
import { startSimulator, type WeComSimulator } from '../../src/simulator/index.ts';
import { redisClient } from '../../src/store/redis-store.ts';
import { type InProcessKfbot, startInProcess } from '../support/in-process-kfbot.ts';
import { until as waitUntil } from '../support/until.ts';

/** Many customers and slow answers on purpose: this file waits up to 30 s. */
const until = (check: () => boolean, what: string, ms = 30_000) => waitUntil(check, what, ms);

/** This file's own database on the Redis the e2e tests use (so parallel files do not collide). */
const REDIS = (process.env.KFBOT_TEST_REDIS_E2E ?? 'redis://127.0.0.1:6379/13').replace(/\/\d+$/, '/14');

const cleanup: Array<() => Promise<void>> = [];
afterEach(async () => {
  for (const c of cleanup.splice(0).reverse()) await c();
});

const texts = (sim: WeComSimulator, openKfId: string, id: string) =>
  sim.sent(openKfId, id).map((m) => (m.content.text as { content?: string } | undefined)?.content);

async function sim(settings: Parameters<typeof startSimulator>[0] = {}): Promise<WeComSimulator> {
  const s = await startSimulator(settings);
  cleanup.push(() => s.close());
  return s;
}

async function bot(s: WeComSimulator, config: Parameters<typeof startInProcess>[1]): Promise<InProcessKfbot> {
  const b = await startInProcess(s, config);
  cleanup.push(() => b.close());
  return b;
}

const metricsOf = async (b: InProcessKfbot) => (await request(`${b.app.url}/metrics`)).body.text();

/** `n` customers on the simulator's accounts (round-robin), two messages each; waits for every answer. */
async function conversations(s: WeComSimulator, n: number): Promise<{ openKfId: string; id: string }[]> {
  const accounts = s.accounts.map((a) => a.openKfId);
  const customers = Array.from({ length: n }, (_, i) => ({
    openKfId: accounts[i % accounts.length] as string,
    id: `wmBudget${i}`,
  }));
  for (const round of [1, 2]) {
    for (const c of customers) s.customerSays({ ...c, externalUserId: c.id, text: `echo ${c.id}.${round}` });
  }
  await until(
    () => customers.every((c) => texts(s, c.openKfId, c.id).length >= 2),
    'every message answered',
    60_000,
  );
  return customers;
}

describe('the API budget (one process, SQLite)', () => {
  it('offered more than the limit allows, kfbot waits instead of meeting 45009, and answers everyone once, in order', async () => {
    const limit = [{ max: 30, windowMs: 3000 }];
    const s = await sim({ settings: { rateLimits: limit } });
    // A window of seconds is short next to a loaded machine's delays between taking a place in
    // the budget and the request reaching WeCom: keep a fifth of it free.
    const b = await bot(s, { config: { apiBudget: limit, apiBudgetMarginPercent: 20 } });
    const customers = await conversations(s, 20);
    await b.app.work.idle();
    for (const c of customers)
      expect(texts(s, c.openKfId, c.id)).toEqual([`收到：echo ${c.id}.1`, `收到：echo ${c.id}.2`]);
    expect(Object.fromEntries(s.limits.refused)).toEqual({});
  }, 60_000);

  it('a reply WeCom answers 45009 waits for the block to end and is sent then, never recorded as refused', async () => {
    const s = await sim();
    // The shortest budget window is how long kfbot pauses the API: a second here.
    const b = await bot(s, { config: { apiBudget: [{ max: 1000, windowMs: 1000 }] } });
    s.faults.inject({ api: 'kf/send_msg', errcode: 45009 });
    const id = s.customerSays({ text: 'echo 限流' }).external_userid as string;
    await until(() => texts(s, s.openKfId, id).length >= 1, 'the reply');
    await b.app.work.idle();
    expect(texts(s, s.openKfId, id)).toEqual(['收到：echo 限流']);
    const metrics = await metricsOf(b);
    expect(metrics).toContain('kfbot_api_rate_limited_total{api="kf/send_msg",errcode="45009"} 1');
    expect(metrics).not.toMatch(/kfbot_sends_total\{api="kf\/send_msg",errcode="45009"\}/);
    expect(b.lines.some((l) => l.includes('WeCom blocked kf/send_msg (45009, frequency limit)'))).toBe(true);
  });

  it('a welcome whose code would expire before the API is unblocked is dropped without a call', async () => {
    const s = await sim();
    // Default budget: a 45009 pauses send_msg_on_event for 60 s, longer than the code's 20 s.
    const b = await bot(s, {});
    s.faults.inject({ api: 'kf/send_msg_on_event', errcode: 45009 });
    const id = s.customerEnters().event?.external_userid as string;
    await until(
      () => b.lines.some((l) => l.includes('its code expired while kf/send_msg_on_event waited')),
      'the drop',
    );
    await b.app.work.idle();
    expect(s.sent(s.openKfId, id)).toEqual([]);
    expect(s.requests.byApi('kf/send_msg_on_event')).toHaveLength(1); // the one answered 45009
    expect(await metricsOf(b)).toContain(
      'kfbot_dropped_actions_total{reason="code expired waiting for the API budget"} 1',
    );
    // The message is done, not stuck: the next customer is welcomed once the block is over.
    expect(await b.app.store.getMessage(s.items().at(-1)?.msgid as string)).toMatchObject({ status: 'done' });
  });
});

describe('the API budget shared by three replicas (Redis)', () => {
  async function replicas(s: WeComSimulator, limit: { max: number; windowMs: number }[]) {
    const admin = redisClient(REDIS);
    await admin.connect();
    await admin.flushdb();
    await admin.quit();
    const list = [];
    // Callbacks reach one replica; the pull work spreads over all three through the Redis stream.
    for (let i = 0; i < 3; i++) {
      list.push(await bot(s, { config: { store: REDIS, apiBudget: limit, apiBudgetMarginPercent: 20 } }));
    }
    return list;
  }

  it('three replicas keep one budget between them: no 45009, every message answered once', async () => {
    const limit = [{ max: 30, windowMs: 3000 }];
    const s = await sim({
      accounts: [{ name: '一' }, { name: '二' }, { name: '三' }],
      settings: { rateLimits: limit },
    });
    const list = await replicas(s, limit);
    const customers = await conversations(s, 20);
    for (const b of list) await b.app.work.idle();
    for (const c of customers)
      expect(texts(s, c.openKfId, c.id)).toEqual([`收到：echo ${c.id}.1`, `收到：echo ${c.id}.2`]);
    expect(Object.fromEntries(s.limits.refused)).toEqual({});
  }, 60_000);

  it('when WeCom answers 45009 anyway, every replica pauses that API and the work is kept', async () => {
    const limit = [{ max: 1000, windowMs: 1000 }];
    const s = await sim({ accounts: [{ name: '一' }, { name: '二' }, { name: '三' }] });
    const list = await replicas(s, limit);
    s.faults.inject({ api: 'kf/send_msg', errcode: 45009, times: 3 });
    const customers = await conversations(s, 6);
    for (const b of list) await b.app.work.idle();
    for (const c of customers)
      expect(texts(s, c.openKfId, c.id)).toEqual([`收到：echo ${c.id}.1`, `收到：echo ${c.id}.2`]);
    const total = (await Promise.all(list.map(metricsOf)))
      .map((m) =>
        Number(/kfbot_api_rate_limited_total\{api="kf\/send_msg",errcode="45009"\} (\d+)/.exec(m)?.[1] ?? 0),
      )
      .reduce((a, n) => a + n, 0);
    expect(total).toBe(3);
  }, 60_000);
});
