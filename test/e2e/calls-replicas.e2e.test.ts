/**
 * Three replicas on Redis; the one making a rule's call is frozen (SIGSTOP) mid-call, past its
 * lease. Another takes the account over and makes the call again with the same Idempotency-Key;
 * when the frozen one wakes, its lease is lost and it makes no call at all. The customer gets
 * exactly one reply.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startSimulator, type WeComSimulator } from '../../src/simulator/index.ts';
import { ruleDir } from '../rules/helpers.ts';
import { ORDER, type OrderBackend, orderLookupRules, startOrderBackend } from '../support/order-backend.ts';
import {
  AES_KEY,
  e2eRedis,
  emptyRedis,
  type KfbotProcess,
  startReplica,
  stopReplicas,
  TOKEN,
  waitFor,
} from './kfbot-process.ts';

/** A database of its own (7; rules-replicas empties 11, which this file shared). */
const REDIS = e2eRedis(7);

let sim: WeComSimulator;
let backend: OrderBackend;
let replicas: KfbotProcess[] = [];

beforeAll(async () => {
  await emptyRedis(REDIS);
  sim = await startSimulator({ accounts: [{ name: '售前' }] });
  backend = await startOrderBackend();
  const rules = ruleDir({
    'rules.yaml': orderLookupRules(backend.port, { timeout: '3s', retries: 1 }),
  });
  const start = () => startReplica(sim, { redis: REDIS, rules });
  replicas = await Promise.all([start(), start(), start()]);
  sim.callbacks.configure({ url: `${replicas[0]?.url}/callback`, token: TOKEN, encodingAesKey: AES_KEY });
});

afterAll(async () => {
  await stopReplicas(replicas);
  await sim?.close();
  await backend?.close();
});

describe('three replicas, one frozen mid-call', () => {
  it('the call is taken over with the same key; the woken replica makes none; one reply', async () => {
    let frozen: KfbotProcess | undefined;
    backend.behave((r) => {
      if (r.headers['x-kfbot-attempt'] !== '1') return { json: ORDER };
      // The replica that logged this attempt (its log line may still be on the way) is frozen
      // while the backend holds its request.
      const key = r.headers['idempotency-key'];
      const freeze = (tries: number) => {
        const p = replicas.find((x) => x.logs.some((l) => l.key === key && l.attempt === 1));
        if (p) {
          p.child.kill('SIGSTOP');
          frozen = p;
        } else if (tries > 0) setTimeout(() => freeze(tries - 1), 10);
      };
      freeze(200);
      return { delayMs: Number.POSITIVE_INFINITY };
    });
    const customer = 'wmFrozenCall001';
    sim.customerSays({ openKfId: sim.openKfId, externalUserId: customer, text: '订单202611301234' });
    await waitFor(() => frozen !== undefined, 'a replica to make the call', 20_000);
    await waitFor(() => backend.seen.length >= 2, 'another replica to take the call over', 60_000);
    const seenBeforeWake = backend.seen.length;
    frozen?.child.kill('SIGCONT');
    await waitFor(
      () => frozen?.logs.some((l) => String(l.msg).startsWith('lost the lease on')) ?? false,
      'the woken replica to find its lease lost',
      20_000,
    );
    await waitFor(() => sim.sent(sim.openKfId, customer).length >= 1, 'the reply', 20_000);
    await new Promise((r) => setTimeout(r, 2000)); // a retry by the woken replica would come now
    expect(backend.seen.length).toBe(seenBeforeWake);
    expect(backend.seen.map((r) => r.headers['x-kfbot-attempt'])).toEqual(['1', '2']);
    expect(new Set(backend.seen.map((r) => r.headers['idempotency-key'])).size).toBe(1);
    expect(sim.sent(sim.openKfId, customer).map((m) => m.content.text)).toEqual([
      { content: '状态：已发货' },
    ]);
  }, 120_000);
});
