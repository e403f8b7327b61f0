/**
 * Three `kfbot serve` replicas on one Redis, behind a load balancer that sends each WeCom callback
 * to a random replica and sometimes to two. 1,000 customer messages from 50 customers on 3
 * accounts; one replica is killed mid-run, another frozen past its lease and then resumed. Every
 * message must be answered exactly once, in order per customer, and the frozen replica must not
 * send anything for work it lost.
 */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { request } from 'undici';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startSimulator, type WeComSimulator } from '../../src/simulator/index.ts';
import { useOwnRedisDatabase } from '../support/own-redis-database.ts';
import { expectNoSecrets } from '../support/secrets.ts';
import {
  AES_KEY,
  emptyRedis,
  type KfbotProcess,
  startReplica,
  stopReplicas,
  TOKEN,
  waitFor,
} from './kfbot-process.ts';

const REDIS = process.env.KFBOT_TEST_REDIS_E2E ?? 'redis://127.0.0.1:6379/13';
const CUSTOMERS = 50;
const PER_CUSTOMER = 20;
/** Messages a customer may have unanswered at once (WeCom allows 5 replies per newest message). */
const WINDOW = 3;

let sim: WeComSimulator;
let lb: Server;
let replicas: KfbotProcess[] = [];

const startE2eReplica = () => startReplica(sim, { redis: REDIS, rules: 'test/e2e/rules' });

/** A load balancer: each callback to a random live replica, 30 % of them to a second one too. */
function startLoadBalancer(): Promise<Server> {
  const server = createServer(async (req, res) => {
    const chunks: Buffer[] = [];
    for await (const c of req) chunks.push(c as Buffer);
    const body = Buffer.concat(chunks);
    const live = replicas
      .filter((r) => r.child.exitCode === null && r.child.signalCode === null)
      .sort(() => Math.random() - 0.5);
    const targets = live.slice(0, Math.random() < 0.3 ? 2 : 1);
    let status = 502;
    for (const t of targets) {
      try {
        const r = await request(`${t.url}${req.url}`, {
          method: req.method ?? 'POST',
          body,
          headersTimeout: 3000,
        });
        await r.body.text();
        if (status !== 200) status = r.statusCode;
      } catch {
        // a dead or frozen replica: WeCom would retry; the balancer tries the next one
      }
    }
    res.writeHead(status).end(status === 200 ? 'success' : '');
  });
  return new Promise((resolve) => server.listen(0, '127.0.0.1', () => resolve(server)));
}

useOwnRedisDatabase(REDIS);

beforeAll(async () => {
  await emptyRedis(REDIS);
  sim = await startSimulator({
    accounts: [{ name: '售前' }, { name: '售后' }, { name: '会员' }],
    settings: { callbackTimeoutMs: 4000 },
  });
  replicas = await Promise.all([startE2eReplica(), startE2eReplica(), startE2eReplica()]);
  lb = await startLoadBalancer();
  sim.callbacks.configure({
    url: `http://127.0.0.1:${(lb.address() as AddressInfo).port}/callback`,
    token: TOKEN,
    encodingAesKey: AES_KEY,
  });
});

afterAll(async () => {
  for (const r of replicas) expectNoSecrets(r.lines, sim, [TOKEN, AES_KEY]);
  await stopReplicas(replicas);
  lb?.close();
  await sim?.close();
});

const pidOf = (r: KfbotProcess) => r.child.pid as number;

/** The warnings and errors the replicas logged, counted by message, for a failure report. */
function problems(): string {
  const counts = new Map<string, number>();
  for (const l of replicas.flatMap((r) => r.logs)) {
    if (Number(l.level) >= 40) counts.set(String(l.msg), (counts.get(String(l.msg)) ?? 0) + 1);
  }
  return JSON.stringify([...counts]);
}
const replyText = (m: { content: Record<string, unknown> }) =>
  (m.content.text as { content: string }).content;

describe('three replicas on one Redis', () => {
  it('answer 1,000 messages exactly once through a SIGKILL and a SIGSTOP past the lease', async () => {
    const accounts = sim.accounts.map((a) => a.openKfId);
    const customers = Array.from({ length: CUSTOMERS }, (_, i) => ({
      openKfId: accounts[i % accounts.length] as string,
      externalUserId: `wmReplicaTest${String(i).padStart(3, '0')}`,
      sent: 0,
    }));
    const answered = (c: (typeof customers)[number]) => sim.sent(c.openKfId, c.externalUserId).length;
    const total = () => sim.sent().length;

    let killedAt = 0;
    let stoppedAt = 0;
    let resumedAt = 0;
    const [victim, sleeper] = replicas as [KfbotProcess, KfbotProcess, KfbotProcess];
    const chaos = (async () => {
      await waitFor(() => total() >= 250, '250 answers', 60_000);
      victim.child.kill('SIGKILL');
      killedAt = Date.now();
      await waitFor(() => total() >= 500, '500 answers', 60_000);
      sleeper.child.kill('SIGSTOP');
      stoppedAt = Date.now();
      await new Promise((r) => setTimeout(r, 8_000)); // past the 5 s lease
      resumedAt = Date.now();
      sleeper.child.kill('SIGCONT');
    })();

    // Each customer keeps at most WINDOW messages unanswered, like a person waiting for replies.
    const deadline = Date.now() + 150_000;
    while (customers.some((c) => c.sent < PER_CUSTOMER)) {
      for (const c of customers) {
        while (c.sent < PER_CUSTOMER && c.sent - answered(c) < WINDOW) {
          sim.customerSays({
            openKfId: c.openKfId,
            externalUserId: c.externalUserId,
            text: `echo ${c.externalUserId} #${c.sent}`,
          });
          c.sent++;
        }
      }
      if (Date.now() > deadline)
        throw new Error(`stalled at ${total()} answers; replicas said: ${problems()}`);
      await new Promise((r) => setTimeout(r, 20));
    }
    await chaos;
    await waitFor(() => total() >= CUSTOMERS * PER_CUSTOMER, 'every message answered', 60_000);
    await new Promise((r) => setTimeout(r, 1500)); // anything extra would show up now

    // Exactly once, and in order, per customer.
    expect(total()).toBe(CUSTOMERS * PER_CUSTOMER);
    for (const c of customers) {
      const replies = sim.sent(c.openKfId, c.externalUserId).map(replyText);
      expect(replies).toEqual(
        Array.from({ length: PER_CUSTOMER }, (_, i) => `收到：echo ${c.externalUserId} #${i}`),
      );
    }
    expect(killedAt).toBeGreaterThan(0);

    // The frozen replica made no call for work it lost: after waking, its first call to WeCom
    // comes only after it took a fresh lease.
    const sleeperPid = pidOf(sleeper);
    const callsAfterWake = sim.requests.all.filter(
      (r) => r.userAgent.includes(`pid ${sleeperPid})`) && r.at >= resumedAt && r.api !== 'gettoken',
    );
    const freshLeases = sleeper.logs
      .filter((l) => l.msg === 'lease acquired' && Date.parse(String(l.time)) >= resumedAt)
      .map((l) => Date.parse(String(l.time)));
    if (callsAfterWake.length > 0) {
      expect(freshLeases.length).toBeGreaterThan(0);
      expect(Math.min(...callsAfterWake.map((r) => r.at))).toBeGreaterThanOrEqual(Math.min(...freshLeases));
    }
    const sends = sim.requests.all.filter(
      (r) => r.api === 'kf/send_msg' && r.userAgent.includes(`pid ${sleeperPid})`),
    );
    expect(sends.some((r) => r.at >= stoppedAt + 5_000 && r.at < resumedAt)).toBe(false);
    // The others took the frozen and the dead replica's work over.
    const takeovers = replicas
      .flatMap((r) => r.logs)
      .filter((l) => l.msg === 'took over pull work another replica left unfinished');
    expect(takeovers.length).toBeGreaterThan(0);
  }, 240_000);
});
