/**
 * kfbot against a WeCom simulator as slow and strict as the real one: every API call takes a round
 * trip (50 ms by default, BENCH_LATENCY_MS), and each API has the platform's frequency limits.
 *
 * - burst: customers entering one account at a steady rate; how many welcomes arrive within
 *   their welcome_code's 20 s, and how fast;
 * - clicks: customer messages on one account at a steady rate; answers per second next to the
 *   platform's cap for one API (10,000 a minute ≈ 167/s);
 * - over budget: three replicas on Redis, many accounts, offered more than a scaled-down limit;
 *   45009s met, messages lost or doubled, time to drain.
 *
 * Every scenario counts the API calls per answered message. Run alone with `npm run bench:pace`.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { startSimulator, type WeComSimulator } from '../src/simulator/index.ts';
import type { RateLimitSpec } from '../src/wecom/rate-limit-spec.ts';
import { AES_KEY, type KfbotProcess, startKfbotProcess, storeDir, TOKEN } from '../test/e2e/kfbot-process.ts';
import { roundRobin } from './round-robin.ts';

export const LATENCY_MS = Number(process.env.BENCH_LATENCY_MS ?? 50);
const log = (text: string) => process.stderr.write(`bench: ${text}\n`);
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

export interface PaceSetup {
  /** kfbot's environment on top of the defaults (KFBOT_CONCURRENCY, KFBOT_API_BUDGET…). */
  env?: Record<string, string>;
}

async function pacedSimulator(accounts: number, rateLimits?: RateLimitSpec[]): Promise<WeComSimulator> {
  return startSimulator({
    accounts: Array.from({ length: accounts }, (_, i) => ({ name: `账号${i + 1}` })),
    settings: {
      latencyMs: LATENCY_MS,
      latencyJitterMs: LATENCY_MS / 5,
      ...(rateLimits && { rateLimits }),
    },
  });
}

async function startBots(
  sim: WeComSimulator,
  count: number,
  store: string,
  env: Record<string, string> = {},
): Promise<{ bots: KfbotProcess[]; stop: () => Promise<void> }> {
  const dir = storeDir();
  const bots = await Promise.all(
    Array.from({ length: count }, () =>
      startKfbotProcess({
        apiBase: sim.url,
        corpId: sim.corpId,
        secret: sim.secret,
        store: dir,
        rules: 'test/e2e/rules',
        env: { KFBOT_STORE: store.replace('$DIR', dir), LOG_LEVEL: 'info', ...env },
      }),
    ),
  );
  if (bots.length === 1) {
    // One replica needs no balancer: one HTTP hop less in this (shared) process.
    const only = bots[0] as KfbotProcess;
    sim.callbacks.configure({ url: `${only.url}/callback`, token: TOKEN, encodingAesKey: AES_KEY });
    return { bots, stop: () => only.stop('SIGTERM').then(() => {}) };
  }
  // Callbacks go round-robin over the replicas, as a load balancer would send them.
  const lb = await roundRobin(bots);
  sim.callbacks.configure({
    url: `${lb.url}/callback`,
    token: TOKEN,
    encodingAesKey: AES_KEY,
  });
  return {
    bots,
    stop: async () => {
      for (const b of bots) await b.stop('SIGTERM');
      lb.close();
    },
  };
}

/**
 * Waits until the i-th event of a steady `rate` is due. Behind schedule it still yields to the
 * event loop: the simulator shares this process, and a generator that never yields starves it
 * (its answers then time out, which measures the bench, not kfbot).
 */
async function paced(started: number, i: number, rate: number): Promise<void> {
  const wait = started + (i * 1000) / rate - performance.now();
  if (wait > 1) await sleep(wait);
  else await new Promise((r) => setImmediate(r));
}

/** One welcome answered before measuring: the first request warms kfbot up (token, JIT). */
async function warmUp(sim: WeComSimulator): Promise<void> {
  for (const account of sim.accounts) {
    const id = `wmWarmUp${account.openKfId}`;
    sim.customerEnters({ openKfId: account.openKfId, externalUserId: id });
    const deadline = performance.now() + 30_000;
    while (sim.sent(account.openKfId, id).length === 0 && performance.now() < deadline) await sleep(20);
  }
  await sleep(500); // the warm-up's last answers are recorded before counting starts
}

/** API calls kfbot made, by API, and the 45009/45033 answers among them. */
function countCalls(sim: WeComSimulator) {
  const byApi = new Map<string, number>();
  let limited = 0;
  let concurrency = 0;
  const stop = sim.requests.onRecord((r) => {
    if (r.api === undefined || r.api === 'gettoken') return;
    byApi.set(r.api, (byApi.get(r.api) ?? 0) + 1);
    const errcode = (r.response as { errcode?: number } | undefined)?.errcode;
    if (errcode === 45009) limited++;
    if (errcode === 45033) concurrency++;
  });
  return {
    stop,
    total: () => [...byApi.values()].reduce((a, b) => a + b, 0),
    byApi: () => Object.fromEntries(byApi),
    limited: () => limited,
    concurrency: () => concurrency,
  };
}

function percentile(sorted: number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor(sorted.length * p))] ?? Number.NaN;
}

/** (a) `total` customers enter one account at `rate` per second. */
export async function burst(setup: PaceSetup, total = 600, rate = 200) {
  const sim = await pacedSimulator(1);
  const { stop } = await startBots(sim, 1, 'sqlite:$DIR/kfbot.db', setup.env);
  await warmUp(sim);
  const calls = countCalls(sim);
  sim.requests.clear();
  const entered = new Map<string, number>();
  const latencies: number[] = [];
  const off = sim.onSent((m) => {
    const t = entered.get(m.externalUserId);
    if (t !== undefined && m.codeKind === 'welcome') latencies.push(performance.now() - t);
  });
  const started = performance.now();
  for (let i = 0; i < total; i++) {
    await paced(started, i, rate);
    const id = `wmBurst${i}`;
    entered.set(id, performance.now());
    sim.customerEnters({ externalUserId: id });
  }
  const offeredPerSec = total / ((performance.now() - started) / 1000);
  // A welcome_code lives 20 s: whatever has not arrived 21 s after the last entry never will.
  const deadline = performance.now() + 21_000;
  while (latencies.length < total && performance.now() < deadline) await sleep(50);
  off();
  calls.stop();
  await stop();
  await sim.close();
  latencies.sort((a, b) => a - b);
  return {
    offeredPerSec,
    offered: total,
    delivered: latencies.length,
    inTime: latencies.filter((l) => l <= 20_000).length,
    p50: percentile(latencies, 0.5),
    p99: percentile(latencies, 0.99),
    callsPerAnswer: calls.total() / Math.max(1, latencies.length),
    calls: calls.byApi(),
  };
}

interface Offered {
  /** The rate the generator achieved (below the asked one when the machine is saturated). */
  offeredPerSec: number;
  answered: number;
  lost: number;
  doubled: number;
  outOfOrder: number;
  seconds: number;
  perSec: number;
  p50: number;
  p99: number;
  limited: number;
  concurrency: number;
  callsPerAnswer: number;
  calls: Record<string, number>;
}

/**
 * Offers `total` customer messages at `rate` per second over `accounts` accounts and `customers`
 * customers (round-robin, so each customer's messages are spread out), then waits for every answer
 * (or `drainMs` without progress). Checks each customer got one reply per message, in order.
 */
async function offer(
  sim: WeComSimulator,
  opts: { total: number; rate: number; customers: number; drainMs?: number },
): Promise<Offered> {
  const accounts = sim.accounts.map((a) => a.openKfId);
  const calls = countCalls(sim);
  sim.requests.clear();
  const sentAt = new Map<string, number>();
  const latencies: number[] = [];
  let lastAnswer = 0;
  const off = sim.onSent((m) => {
    const text = (m.content.text as { content?: string } | undefined)?.content ?? '';
    const at = sentAt.get(text.replace(/^收到：/, ''));
    if (at !== undefined) latencies.push(performance.now() - at);
    lastAnswer = performance.now();
  });
  const started = performance.now();
  const perCustomer = new Map<string, { openKfId: string; sent: number }>();
  for (let i = 0; i < opts.total; i++) {
    await paced(started, i, opts.rate);
    const c = i % opts.customers;
    const id = `wmPace${String(c).padStart(5, '0')}`;
    const openKfId = accounts[c % accounts.length] as string;
    const state = perCustomer.get(id) ?? { openKfId, sent: 0 };
    perCustomer.set(id, state);
    const text = `echo ${id} #${state.sent}`;
    sentAt.set(text, performance.now());
    sim.customerSays({ openKfId, externalUserId: id, text });
    state.sent++;
  }
  const offeredPerSec = opts.total / ((performance.now() - started) / 1000);
  let seen = -1;
  let progressAt = performance.now();
  while (latencies.length < opts.total) {
    await sleep(100);
    if (latencies.length !== seen) {
      seen = latencies.length;
      progressAt = performance.now();
    } else if (performance.now() - progressAt > (opts.drainMs ?? 30_000)) break;
  }
  await sleep(1000); // anything doubled would arrive now
  off();
  calls.stop();
  let lost = 0;
  let doubled = 0;
  let outOfOrder = 0;
  for (const [id, c] of perCustomer) {
    const replies = sim
      .sent(c.openKfId, id)
      .map((m) => (m.content.text as { content?: string } | undefined)?.content ?? '');
    lost += Math.max(0, c.sent - replies.length);
    doubled += Math.max(0, replies.length - c.sent);
    if (replies.some((r, i) => r !== `收到：echo ${id} #${i}`)) outOfOrder++;
  }
  latencies.sort((a, b) => a - b);
  const seconds = ((lastAnswer || performance.now()) - started) / 1000;
  return {
    offeredPerSec,
    answered: latencies.length,
    lost,
    doubled,
    outOfOrder,
    seconds,
    perSec: latencies.length / seconds,
    p50: percentile(latencies, 0.5),
    p99: percentile(latencies, 0.99),
    limited: calls.limited(),
    concurrency: calls.concurrency(),
    callsPerAnswer: calls.total() / Math.max(1, latencies.length),
    calls: calls.byApi(),
  };
}

/** (b) customer messages on one account at `rate` per second, `total` in all. */
export async function clicks(setup: PaceSetup, total: number, rate = 200, customers = Math.ceil(total / 4)) {
  const sim = await pacedSimulator(1);
  const { stop } = await startBots(sim, 1, 'sqlite:$DIR/kfbot.db', setup.env);
  await warmUp(sim);
  const result = await offer(sim, { total, rate, customers });
  await stop();
  await sim.close();
  return result;
}

/**
 * (c) three replicas on Redis, `accounts` accounts, offered `total` messages at `rate` per second
 * against a simulator limited to `limits` (scaled down from 10,000/min and 150,000/h).
 */
export async function overBudget(
  setup: PaceSetup,
  redis: string,
  limits: RateLimitSpec[],
  opts = { accounts: 20, total: 1200, rate: 220, customers: 600 },
) {
  const sim = await pacedSimulator(opts.accounts, limits);
  const { stop } = await startBots(sim, 3, redis, setup.env);
  await warmUp(sim);
  const result = await offer(sim, {
    total: opts.total,
    rate: opts.rate,
    customers: opts.customers,
    drainMs: 40_000,
  });
  await stop();
  await sim.close();
  return result;
}

export function row(name: string, r: Offered): Record<string, string | number> {
  return {
    setup: name,
    'offered/s': Number(r.offeredPerSec.toFixed(0)),
    answered: `${r.answered}`,
    'drain s': Number(r.seconds.toFixed(1)),
    'answers/s': Number(r.perSec.toFixed(1)),
    'p50 s': Number((r.p50 / 1000).toFixed(2)),
    'p99 s': Number((r.p99 / 1000).toFixed(2)),
    'errcode 45009': r.limited,
    'errcode 45033': r.concurrency,
    lost: r.lost,
    doubled: r.doubled,
    'out of order': r.outOfOrder,
    'calls/answer': Number(r.callsPerAnswer.toFixed(2)),
  };
}

/** Every real-pace scenario, with KFBOT_CONCURRENCY=1 beside the default; prints markdown tables. */
export async function runPace(print: (text: string) => void): Promise<Record<string, unknown>> {
  const { markdownTable } = await import('./decide.ts');
  const { flushRedis, REDIS } = await import('./pipeline.ts');
  const { loadavg } = await import('node:os');
  const out: Record<string, unknown> = { latencyMs: LATENCY_MS, date: new Date().toISOString() };
  // The machine may be shared: say how busy it was, next to the figures.
  print(
    `load average at start: ${loadavg()
      .map((l) => l.toFixed(1))
      .join(', ')}\n`,
  );
  const which = (process.env.BENCH_PACE ?? 'burst,clicks,budget').split(',');
  const setups = (
    [
      ['KFBOT_CONCURRENCY=1', { env: { KFBOT_CONCURRENCY: '1' } }],
      ['default', {}],
    ] as [string, PaceSetup][]
  ).filter(
    ([name]) => !process.env.BENCH_PACE_SETUPS || process.env.BENCH_PACE_SETUPS.split(',').includes(name),
  );
  if (which.includes('burst')) {
    const rows = [];
    for (const [name, setup] of setups) {
      log(`burst, ${name}…`);
      const b = await burst(setup);
      rows.push({
        setup: name,
        'offered/s': Number(b.offeredPerSec.toFixed(0)),
        'welcomes in time': `${b.inTime}/${b.offered} (${((b.inTime / b.offered) * 100).toFixed(1)} %)`,
        'p50 s': Number((b.p50 / 1000).toFixed(2)),
        'p99 s': Number((b.p99 / 1000).toFixed(2)),
        'calls/welcome': Number(b.callsPerAnswer.toFixed(2)),
      });
    }
    out.burst = rows;
    print(
      `## Burst: 600 customers enter one account at 200/s, ${LATENCY_MS} ms per call\n\n${markdownTable(rows)}\n`,
    );
  }
  if (which.includes('clicks')) {
    const rows = [];
    for (const [name, setup] of setups) {
      log(`clicks (300 at 200/s), ${name}…`);
      rows.push(row(`${name}: 300 messages at 200/s`, await clicks(setup, 300)));
    }
    const seconds = Number(process.env.BENCH_SUSTAINED_SECONDS ?? 60);
    if (seconds > 0) {
      log(`clicks sustained ${seconds} s at 200/s, default…`);
      rows.push(row(`default: ${seconds} s at 200/s`, await clicks({}, seconds * 200)));
    }
    out.clicks = rows;
    print(
      `## Clicks on one account, ${LATENCY_MS} ms per call (platform cap for one API: 10,000/min ≈ 167/s)\n\n${markdownTable(rows)}\n`,
    );
  }
  if (which.includes('budget')) {
    // WeCom's 10,000/min and 150,000/h, scaled down so the backlog drains within the bench.
    const limits = [
      { max: 300, windowMs: 5_000 },
      { max: 3_000, windowMs: 60_000 },
    ];
    const rows = [];
    for (const [name, setup] of setups) {
      await flushRedis();
      log(`three replicas over a scaled-down budget, ${name}…`);
      rows.push(
        row(
          `${name}: 3 replicas, 20 accounts, 1,200 msgs at 220/s; limit 300/5s, 3000/1m per API`,
          await overBudget({ env: { ...setup.env, KFBOT_API_BUDGET: '300/5s,3000/1m' } }, REDIS, limits),
        ),
      );
    }
    out.budget = rows;
    print(`## Over budget: three replicas on Redis, ${LATENCY_MS} ms per call\n\n${markdownTable(rows)}\n`);
  }
  return out;
}

// `npm run bench:pace`: these scenarios alone.
if (import.meta.url === `file://${process.argv[1]}`) {
  const out = await runPace((text) => process.stdout.write(`${text}\n`));
  mkdirSync('bench/results', { recursive: true });
  writeFileSync('bench/results/pace.json', `${JSON.stringify(out, null, 2)}\n`);
}
