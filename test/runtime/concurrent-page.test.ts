/**
 * One account's page handled concurrently, against the simulator at a (random) real pace: whatever
 * the latencies and the interleaving of customers' messages, every message is answered exactly
 * once and each customer's replies come in their messages' order; a lost lease stops the page.
 */
import fc from 'fast-check';
import pino from 'pino';
import { afterEach, describe, expect, it } from 'vitest';
import { defaultCallSettings } from '../../src/rules/call-model.ts';
import { AccountPuller } from '../../src/runtime/account-puller.ts';
import { CallRunner } from '../../src/runtime/call-runner.ts';
import { LiveRules } from '../../src/runtime/live-rules.ts';
import { MediaUploads } from '../../src/runtime/media-uploads.ts';
import { MessageHandler } from '../../src/runtime/message-handler.ts';
import { KfbotMetrics } from '../../src/runtime/metrics.ts';
import { SendExecutor } from '../../src/runtime/send-executor.ts';
import { startSimulator, type WeComSimulator } from '../../src/simulator/index.ts';
import { type Lease, LeaseLostError } from '../../src/store/pull-work.ts';
import { SqliteStore } from '../../src/store/sqlite-store.ts';
import { WeComClient } from '../../src/wecom/api-client.ts';
import { KfApi } from '../../src/wecom/kf-api.ts';
import { startInProcess } from '../support/in-process-kfbot.ts';
import { until as waitUntil } from '../support/until.ts';

/** Many customers and slow answers on purpose: this file waits up to 30 s. */
const until = (check: () => boolean, what: string, ms = 30_000) => waitUntil(check, what, ms);

const log = pino({ level: 'silent' });
const cleanup: Array<() => Promise<void>> = [];
afterEach(async () => {
  for (const c of cleanup.splice(0).reverse()) await c();
});

const replies = (sim: WeComSimulator, id: string) =>
  sim.sent(sim.openKfId, id).map((m) => (m.content.text as { content: string }).content);

describe('a page handled concurrently', () => {
  it('answers every message exactly once, in each customer’s order, whatever the latencies and interleaving', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.record({
          latencyMs: fc.integer({ min: 0, max: 40 }),
          jitterMs: fc.integer({ min: 0, max: 40 }),
          concurrency: fc.integer({ min: 1, max: 12 }),
          // Each customer sends 1-4 messages (WeCom's quota is 5 replies per newest message).
          perCustomer: fc.array(fc.integer({ min: 1, max: 4 }), { minLength: 1, maxLength: 10 }),
          seed: fc.integer(),
          gapsMs: fc.array(fc.integer({ min: 0, max: 30 }), { minLength: 1, maxLength: 8 }),
        }),
        async (p) => {
          const sim = await startSimulator({
            settings: { latencyMs: p.latencyMs, latencyJitterMs: p.jitterMs },
          });
          const bot = await startInProcess(sim, { config: { concurrency: p.concurrency } });
          try {
            // A random interleaving that keeps each customer's own messages in order.
            const queue = p.perCustomer.flatMap((n, c) => Array.from({ length: n }, () => c));
            let r = p.seed;
            for (let i = queue.length - 1; i > 0; i--) {
              r = (r * 1103515245 + 12345) & 0x7fffffff;
              const j = r % (i + 1);
              [queue[i], queue[j]] = [queue[j] as number, queue[i] as number];
            }
            const sent = p.perCustomer.map(() => 0);
            const ids = p.perCustomer.map((_, c) => `wmProp${c}`);
            for (const [k, c] of queue.entries()) {
              sim.customerSays({ externalUserId: ids[c] as string, text: `echo ${c}-${sent[c]}` });
              sent[c] = (sent[c] ?? 0) + 1;
              const gap = p.gapsMs[k % p.gapsMs.length] ?? 0;
              if (gap) await new Promise((res) => setTimeout(res, gap));
            }
            await until(
              () => ids.every((id, c) => replies(sim, id).length >= (p.perCustomer[c] ?? 0)),
              'every message answered',
            );
            await bot.app.work.idle();
            ids.forEach((id, c) => {
              expect(replies(sim, id)).toEqual(
                Array.from({ length: p.perCustomer[c] ?? 0 }, (_, i) => `收到：echo ${c}-${i}`),
              );
            });
          } finally {
            await bot.close();
            await sim.close();
          }
        },
      ),
      { numRuns: 6 },
    );
  }, 180_000);

  it('a lease lost while customers’ calls are in flight: no in-flight customer’s next call is made', async () => {
    const sim = await startSimulator({ settings: { latencyMs: 5 } });
    cleanup.push(() => sim.close());
    const store = new SqliteStore(':memory:');
    cleanup.push(() => store.close());
    const metrics = new KfbotMetrics();
    const kf = new KfApi(new WeComClient({ corpId: sim.corpId, secret: sim.secret, baseUrl: sim.url }));
    const rules = new LiveRules('test/e2e/rules', process.cwd(), log, metrics);
    expect(await rules.reload()).toBe(true);
    const handler = new MessageHandler({
      kf,
      calls: new CallRunner({ store, metrics, log, env: {}, settings: defaultCallSettings }),
      store,
      rules,
      executor: new SendExecutor(kf, store, metrics, Date.now),
      media: new MediaUploads(kf, store, Date.now, log),
      metrics,
      log,
      now: Date.now,
      historyMaxAgeMs: 300_000,
      unansweredRetentionMs: 0,
    });
    const puller = new AccountPuller({
      kf,
      store,
      handler,
      rules,
      metrics,
      log,
      now: Date.now,
      concurrency: 2,
    });
    // Two customers with two messages each, two more with one: the page has six items.
    const ids = ['wmLeaseA', 'wmLeaseB', 'wmLeaseC', 'wmLeaseD'];
    for (const id of ids.slice(0, 2)) {
      sim.customerSays({ externalUserId: id, text: `echo ${id} 1` });
      sim.customerSays({ externalUserId: id, text: `echo ${id} 2` });
    }
    for (const id of ids.slice(2)) sim.customerSays({ externalUserId: id, text: `echo ${id} 1` });
    let lost = false;
    let seqAtLoss = 0;
    const lease: Lease = {
      fence: undefined,
      check: () => {
        if (lost) throw new LeaseLostError(sim.openKfId);
      },
    };
    // The lease is lost the moment A's first reply reaches WeCom; it is held in flight a while.
    sim.faults.inject({
      api: 'kf/send_msg',
      delayMs: 300,
      apply: true,
      match: (body) => {
        if ((body as { touser?: string }).touser !== 'wmLeaseA') return false;
        lost = true;
        seqAtLoss = sim.requests.all.length;
        return true;
      },
    });
    await expect(
      puller.pull({ openKfId: sim.openKfId, token: undefined, lease, notified: true }),
    ).rejects.toBeInstanceOf(LeaseLostError);
    // Whatever was in flight finished; nothing was started after the loss. (B's first reply may
    // have been on its way alongside A's and reached WeCom just after it.)
    const after = sim.requests.all
      .slice(seqAtLoss)
      .filter((r) => !(r.api === 'kf/send_msg' && JSON.stringify(r.body).includes('echo wmLeaseB 1')));
    expect(after.map((r) => r.api)).toEqual([]);
    expect(replies(sim, 'wmLeaseA')).toEqual(['收到：echo wmLeaseA 1']);
    expect(replies(sim, 'wmLeaseC')).toEqual([]);
    expect(replies(sim, 'wmLeaseD')).toEqual([]);
    // B's first reply may have been in flight alongside A's, never its second.
    expect(replies(sim, 'wmLeaseB').length).toBeLessThanOrEqual(1);
    expect(await store.getCursor(sim.openKfId)).toBeUndefined();
  });
});
