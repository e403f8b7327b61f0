/**
 * A replica frozen (SIGSTOP) the moment its request reached WeCom, long past its lease, while
 * another takes the account over. When it wakes, its HTTP client times out on the request it had
 * under way — and must not retry it, nor make any other call for work that is no longer its own:
 * a `kf/service_state/trans` has no msgid, so a stale repeat would move a session that another
 * replica now owns. Requests are counted at the simulator.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { FaultSpec } from '../../src/simulator/faults.ts';
import { startSimulator, type WeComSimulator } from '../../src/simulator/index.ts';
import { useOwnRedisDatabase } from '../support/own-redis-database.ts';
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

/** A database of its own (4; rate-limits.test.ts empties 14), so files can run side by side. */
const REDIS = e2eRedis(4);
useOwnRedisDatabase(REDIS);

let sim: WeComSimulator;
let replicas: KfbotProcess[] = [];

const pidIn = (userAgent: string) => Number(/pid (\d+)\)/.exec(userAgent)?.[1]);

beforeAll(async () => {
  await emptyRedis(REDIS);
  sim = await startSimulator({ accounts: [{ name: '售前' }] });
  const start = () =>
    startReplica(sim, {
      redis: REDIS,
      rules: 'test/e2e/rules',
      // A short client timeout, so the request it had under way times out as soon as it wakes.
      env: { KFBOT_API_TIMEOUT: '2' },
    });
  replicas = await Promise.all([start(), start()]);
  sim.callbacks.configure({ url: `${replicas[0]?.url}/callback`, token: TOKEN, encodingAesKey: AES_KEY });
});

afterAll(async () => {
  await stopReplicas(replicas);
  await sim?.close();
});

/**
 * Freezes whichever replica makes the next `api` request, the moment it arrives; the simulator
 * performs it and holds the answer. Resolves with the frozen replica once another has made the
 * same call for the same customer (it took the work over), after thawing it.
 */
async function freezeDuring(api: FaultSpec['api'], externalUserId: string, act: () => void) {
  let frozen: KfbotProcess | undefined;
  sim.faults.inject({
    api,
    apply: true,
    delayMs: 25_000,
    match: (body) => {
      if (
        (body as { touser?: string; external_userid?: string }).external_userid !== externalUserId &&
        (body as { touser?: string }).touser !== externalUserId
      )
        return false;
      const pid = pidIn(sim.requests.all.at(-1)?.userAgent ?? '');
      frozen = replicas.find((r) => r.child.pid === pid);
      frozen?.child.kill('SIGSTOP');
      return true;
    },
  });
  act();
  await waitFor(() => frozen !== undefined, `a replica to call ${api}`, 20_000);
  const sleeper = frozen as KfbotProcess;
  const sleeperPid = sleeper.child.pid as number;
  const forCustomer = (r: { api: string | undefined; body: unknown }) => {
    const b = r.body as { touser?: string; external_userid?: string };
    return r.api === api && (b.touser === externalUserId || b.external_userid === externalUserId);
  };
  await waitFor(
    () => sim.requests.all.some((r) => forCustomer(r) && pidIn(r.userAgent) !== sleeperPid),
    `another replica to take ${api} over`,
    40_000,
  );
  const resumedAt = Date.now();
  sleeper.child.kill('SIGCONT');
  // Awake: its timer fires, the attempt it had under way times out, and its lease is found lost.
  await waitFor(
    () => sleeper.logs.some((l) => String(l.msg).startsWith('lost the lease on')),
    'the woken replica to find its lease lost',
    20_000,
  );
  await new Promise((r) => setTimeout(r, 2500)); // a retry would come now (backoff ≤ 200 ms)
  const callsAfterWake = sim.requests.all.filter(
    (r) => pidIn(r.userAgent) === sleeperPid && r.at >= resumedAt,
  );
  return { callsAfterWake, sleeperPid, forCustomer };
}

describe('a replica frozen past its lease mid-call', () => {
  it('makes no API call when it wakes during a send: the customer gets the reply once', async () => {
    const customer = 'wmStaleSend0001';
    const { callsAfterWake } = await freezeDuring('kf/send_msg', customer, () =>
      sim.customerSays({ openKfId: sim.openKfId, externalUserId: customer, text: 'echo 你好' }),
    );
    expect(callsAfterWake.map((r) => r.api)).toEqual([]);
    expect(sim.sent(sim.openKfId, customer).map((m) => m.content.text)).toEqual([
      { content: '收到：echo 你好' },
    ]);
  }, 120_000);

  it('makes no API call when it wakes during a trans: the session is moved once', async () => {
    const customer = 'wmStaleTrans001';
    const says = (text: string) =>
      sim.customerSays({ openKfId: sim.openKfId, externalUserId: customer, text });
    says('随便说说');
    await waitFor(
      () => sim.sent(sim.openKfId, customer).length === 1,
      'the first "not understood" reply',
      20_000,
    );
    // The second miss hands the customer to a human: kf/service_state/trans to the queue.
    const { callsAfterWake, sleeperPid, forCustomer } = await freezeDuring(
      'kf/service_state/trans',
      customer,
      () => says('还是不懂'),
    );
    expect(callsAfterWake.map((r) => r.api)).toEqual([]);
    const transfers = sim.requests.all.filter(forCustomer);
    expect(transfers.filter((r) => pidIn(r.userAgent) === sleeperPid)).toHaveLength(1);
    expect(sim.world.findSession(sim.openKfId, customer)?.state).toBe(2);
  }, 120_000);
});
