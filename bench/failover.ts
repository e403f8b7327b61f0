/**
 * What a Sentinel failover costs kfbot's exactly-once promise, with Redis's asynchronous
 * replication, with and without KFBOT_REDIS_WAIT_REPLICAS=1.
 *
 * Each run: a primary, a replica and three sentinels; one `kfbot serve` on redis+sentinel://; a
 * WeCom simulator at WeCom's pace (BENCH_LATENCY_MS, 50 ms per call); customers writing (each
 * waits for replies, at most two unanswered). Mid-run the link from the primary to the replica
 * breaks (CLIENT KILL TYPE master, then the replica is held with SIGSTOP so it cannot reconnect)
 * and LAG_MS later the primary is SIGKILLed; the sentinels promote the replica, which lacks what
 * the primary acknowledged in those LAG_MS. Counted per run: replies the
 * customer got twice, messages never answered, repeats WeCom refused (a lost send record: the
 * customer saw one reply, kfbot's records say "refused"), and the time from the primary's death
 * to answers flowing again (the longest pause between answers after it).
 *
 * Then the cost of the measure at WeCom's pace (50 ms per call), no failover, side by side with
 * and without WAIT, alternating: answers per second while customers keep writing, and answer
 * latency p50 / p95 (message said → reply at WeCom) for that and for bursts of 48 customers
 * writing at once, after one warm-up answer. BENCH_RATE_RUNS runs each (default 3).
 *
 *   npx tsx bench/failover.ts [runs per mode, default 10] [both|wait|nowait|throughput]
 */

import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startSimulator, type WeComSimulator } from '../src/simulator/index.ts';
import { redisClient } from '../src/store/redis-store.ts';
import { AES_KEY, type KfbotProcess, startKfbotProcess, storeDir, TOKEN } from '../test/e2e/kfbot-process.ts';
import { type SentinelGroup, startSentinelGroup } from '../test/support/redis-servers.ts';

const RUNS = Number(process.argv[2] ?? 10);
/** both (default): failovers without and with WAIT, then the cost; wait, nowait: failovers only; throughput: the cost only. */
const MODES = process.argv[3] ?? 'both';
const FAILOVER_MODES =
  MODES === 'throughput' ? [] : MODES === 'wait' ? [true] : MODES === 'nowait' ? [false] : [false, true];
const LATENCY_MS = Number(process.env.BENCH_LATENCY_MS ?? 50);
const LAG_MS = 200;
const CUSTOMERS = 16;
const PER_CUSTOMER = 12;

interface RunResult {
  doubled: number;
  lost: number;
  refusedRepeats: number;
  answerPauseMs: number;
  /** When the bench first saw a sentinel's +switch-master (NaN: no promotion within 30 s). */
  switchedAfterMs: number;
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

async function setUp(
  wait: boolean,
): Promise<{ group: SentinelGroup; sim: WeComSimulator; bot: KfbotProcess }> {
  const group = await startSentinelGroup('kfbot');
  const sim = await startSimulator({ settings: { latencyMs: LATENCY_MS, latencyJitterMs: LATENCY_MS / 5 } });
  const bot = await startKfbotProcess({
    apiBase: sim.url,
    corpId: sim.corpId,
    secret: sim.secret,
    store: storeDir(),
    rules: 'test/e2e/rules',
    env: { KFBOT_STORE: group.url, KFBOT_REDIS_WAIT_REPLICAS: wait ? '1' : '0', LOG_LEVEL: 'info' },
  });
  sim.callbacks.configure({ url: `${bot.url}/callback`, token: TOKEN, encodingAesKey: AES_KEY });
  return { group, sim, bot };
}

async function tearDown(x: { group: SentinelGroup; sim: WeComSimulator; bot: KfbotProcess }): Promise<void> {
  await x.bot.stop('SIGKILL');
  await x.sim.close();
  x.group.kill();
}

/** When each message was said, by the text of its reply (收到：echo …): for answer latencies. */
type SaidAt = Map<string, number>;

/** Customers write until each sent `per` messages; `during` runs alongside. */
async function converse(
  sim: WeComSimulator,
  prefix: string,
  per: number,
  during?: () => void,
  said?: SaidAt,
): Promise<{ id: string; sent: number }[]> {
  const customers = Array.from({ length: CUSTOMERS }, (_, i) => ({ id: `${prefix}${i}`, sent: 0 }));
  const answered = (c: { id: string }) => sim.sent(sim.openKfId, c.id).length;
  const deadline = Date.now() + 120_000;
  while (customers.some((c) => c.sent < per) && Date.now() < deadline) {
    for (const c of customers) {
      while (c.sent < per && c.sent - answered(c) < 2) {
        const text = `echo ${c.id} #${c.sent}`;
        said?.set(`收到：${text}`, Date.now());
        sim.customerSays({ externalUserId: c.id, text });
        c.sent++;
      }
    }
    during?.();
    await sleep(10);
  }
  return customers;
}

async function failoverRun(wait: boolean): Promise<RunResult> {
  const x = await setUp(wait);
  const { group, sim, bot } = x;
  const [primary, replica] = group.servers as [
    SentinelGroup['servers'][number],
    SentinelGroup['servers'][number],
  ];
  const replicaAdmin = redisClient(`redis://127.0.0.1:${replica?.port}/0`);
  await replicaAdmin.connect();
  let killedAt = 0;
  let phase: 'before' | 'lagging' | 'done' = 'before';
  const total = CUSTOMERS * PER_CUSTOMER;
  const customers = await converse(sim, 'wmFo', PER_CUSTOMER, () => {
    if (phase === 'before' && sim.sent().length >= total / 3) {
      phase = 'lagging';
      // The link to the replica breaks and the replica cannot reconnect: what the primary
      // acknowledges from now on exists nowhere else (a network partition, a host about to die).
      // One after the other: on a loaded machine the CLIENT KILL's reply can take longer than
      // LAG_MS, and a SIGSTOP after the SIGCONT would leave no replica to promote.
      void (async () => {
        await replicaAdmin.call('CLIENT', 'KILL', 'TYPE', 'master');
        replica?.child.kill('SIGSTOP');
        await sleep(LAG_MS);
        primary?.kill();
        killedAt = Date.now();
        replica?.child.kill('SIGCONT');
        phase = 'done';
      })();
    }
  });
  const deadline = Date.now() + 30_000;
  while (sim.sent().length < total && Date.now() < deadline) await sleep(50);
  // When the sentinels promoted the replica, from the time in their log line (UTC, ms).
  const line = group.sentinels
    .map((x) => /(\d\d):(\d\d):(\d\d)\.(\d\d\d) # \+switch-master/.exec(x.output()))
    .find(Boolean);
  const today = new Date(killedAt);
  const switchedAfterMs = line
    ? Date.UTC(
        today.getUTCFullYear(),
        today.getUTCMonth(),
        today.getUTCDate(),
        Number(line[1]),
        Number(line[2]),
        Number(line[3]),
        Number(line[4]),
      ) - killedAt
    : Number.NaN;
  if (process.env.BENCH_TIMELINE) {
    // Answers per 250 ms from 1 s before the primary's death.
    const buckets = new Map<number, number>();
    for (const m of sim.sent()) {
      const b = Math.floor((m.at - killedAt) / 250);
      if (b >= -4) buckets.set(b, (buckets.get(b) ?? 0) + 1);
    }
    console.log(
      [...buckets]
        .sort((a, b) => a[0] - b[0])
        .map(([b, n]) => `${b * 250}:${n}`)
        .join(' '),
    );
  }
  await sleep(1500);
  let doubled = 0;
  let lost = 0;
  for (const c of customers) {
    const replies = sim.sent(sim.openKfId, c.id).map((m) => (m.content.text as { content: string }).content);
    doubled += replies.length - new Set(replies).size;
    for (let i = 0; i < c.sent; i++) if (!replies.includes(`收到：echo ${c.id} #${i}`)) lost++;
  }
  const refusedRepeats = bot.logs.filter(
    (l) => /WeCom refused/.test(String(l.msg)) && Number(l.errcode) === 40058,
  ).length;
  // The pause the customers saw: the longest gap between answers from the death on, the death
  // included (the calls in flight at the death still land in the first milliseconds).
  const times = sim
    .sent()
    .map((m) => m.at)
    .filter((at) => at >= killedAt)
    .sort((a, b) => a - b);
  times.unshift(killedAt);
  // No answer at all after the death: the pause never ended (null in the JSON line).
  let answerPauseMs = times.length === 1 ? Number.POSITIVE_INFINITY : 0;
  for (let i = 1; i < times.length; i++)
    answerPauseMs = Math.max(answerPauseMs, (times[i] ?? 0) - (times[i - 1] ?? 0));
  replicaAdmin.disconnect();
  if (lost > 0 && process.env.BENCH_DUMP) dump(x, killedAt);
  await tearDown(x);
  return { doubled, lost, refusedRepeats, answerPauseMs, switchedAfterMs };
}

/** A run that left messages unanswered: kfbot's log, the callbacks' attempts and the sentinels', for reading. */
function dump(x: { group: SentinelGroup; sim: WeComSimulator; bot: KfbotProcess }, killedAt: number): void {
  const dir = mkdtempSync(join(process.env.BENCH_DUMP ?? tmpdir(), 'failover-'));
  writeFileSync(join(dir, 'kfbot.log'), x.bot.lines.join('\n'));
  const callbacks = x.sim.callbacks.deliveries.map((d) => ({
    id: d.id,
    state: d.state,
    attempts: d.attempts,
  }));
  writeFileSync(join(dir, 'callbacks.json'), JSON.stringify({ killedAt, callbacks }, null, 1));
  writeFileSync(
    join(dir, 'answers.json'),
    JSON.stringify(
      x.sim.sent().map((m) => ({
        to: m.externalUserId,
        at: m.at - killedAt,
        text: (m.content.text as { content: string }).content,
      })),
    ),
  );
  for (const [i, s] of [...x.group.servers, ...x.group.sentinels].entries())
    writeFileSync(join(dir, `redis-${i}.log`), s.output());
  console.log(`  unanswered messages: logs in ${dir}`);
}

/** Customers writing all at once, as after a broadcast or at opening time: BURSTS of BURST_CUSTOMERS. */
const BURSTS = 3;
const BURST_CUSTOMERS = 48;

interface Pace {
  /** Answers per second while 16 customers keep writing (each waits for replies, at most two owed). */
  perSecond: number;
  /** Answer latencies (message said → reply at WeCom), ms: steady writing, and bursts. */
  steadyMs: number[];
  burstMs: number[];
  /** Mean WAIT, from kfbot's own histogram (WAIT runs only). */
  waitMs?: number;
}

/** Latencies of the replies sent so far whose message is in `said`. */
function latencies(sim: WeComSimulator, said: SaidAt): number[] {
  const out: number[] = [];
  for (const m of sim.sent()) {
    const at = said.get((m.content.text as { content: string } | undefined)?.content ?? '');
    if (at !== undefined) out.push(m.at - at);
  }
  return out;
}

async function throughput(wait: boolean, run: number): Promise<Pace> {
  const x = await setUp(wait);
  // Warm up first (the access token, the first sync_msg without a cursor, the JIT): the first
  // answers of a fresh process take seconds either way and would swamp the p95.
  x.sim.customerSays({ externalUserId: `wmWarm${run}`, text: 'echo warm' });
  const warm = Date.now() + 30_000;
  while (x.sim.sent().length < 1 && Date.now() < warm) await sleep(20);
  const steady: SaidAt = new Map();
  const started = Date.now();
  const before = x.sim.sent().length;
  await converse(x.sim, `wmT${run}${wait ? 'w' : 'n'}`, 20, undefined, steady);
  const deadline = Date.now() + 30_000;
  while (x.sim.sent().length < before + CUSTOMERS * 20 && Date.now() < deadline) await sleep(20);
  const perSecond = ((x.sim.sent().length - before) / (Date.now() - started)) * 1000;
  // Bursts: every customer writes at the same moment, then nobody until all are answered.
  const burst: SaidAt = new Map();
  for (let b = 0; b < BURSTS; b++) {
    const sent = x.sim.sent().length;
    for (let i = 0; i < BURST_CUSTOMERS; i++) {
      const text = `echo wmB${run}${wait ? 'w' : 'n'}${i} burst ${b}`;
      burst.set(`收到：${text}`, Date.now());
      x.sim.customerSays({ externalUserId: `wmB${run}${wait ? 'w' : 'n'}${i}`, text });
    }
    const until = Date.now() + 30_000;
    while (x.sim.sent().length < sent + BURST_CUSTOMERS && Date.now() < until) await sleep(10);
    await sleep(500);
  }
  // What each WAIT cost, from kfbot's own histogram.
  const text = await (await fetch(`${x.bot.url}/metrics`)).text();
  const value = (name: string) => Number(new RegExp(`^${name} (\\S+)$`, 'm').exec(text)?.[1] ?? Number.NaN);
  const waits = value('kfbot_redis_replica_wait_seconds_count');
  const pace: Pace = {
    perSecond,
    steadyMs: latencies(x.sim, steady),
    burstMs: latencies(x.sim, burst),
    ...(wait && { waitMs: (value('kfbot_redis_replica_wait_seconds_sum') / waits) * 1000 }),
  };
  await tearDown(x);
  return pace;
}

function quantile(xs: number[], q: number): number {
  const sorted = [...xs].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))] ?? Number.NaN;
}

async function main(): Promise<void> {
  console.log(
    `failover bench: ${RUNS} failovers per mode, ${CUSTOMERS} customers x ${PER_CUSTOMER} messages, WeCom ${LATENCY_MS} ms per call, replica ${LAG_MS} ms behind when the primary dies`,
  );
  for (const wait of FAILOVER_MODES) {
    const results: RunResult[] = [];
    for (let i = 0; i < RUNS; i++) {
      const r = await failoverRun(wait);
      results.push(r);
      console.log(`  ${wait ? 'WAIT 1' : 'no WAIT'} run ${i + 1}: ${JSON.stringify(r)}`);
    }
    const sum = (k: keyof RunResult) => results.reduce((a, r) => a + r[k], 0);
    const gaps = results.map((r) => r.answerPauseMs).sort((a, b) => a - b);
    console.log(
      `${wait ? 'KFBOT_REDIS_WAIT_REPLICAS=1' : 'KFBOT_REDIS_WAIT_REPLICAS=0'}: ${RUNS} failovers, ${RUNS * CUSTOMERS * PER_CUSTOMER} messages: doubled ${sum('doubled')}, lost ${sum('lost')}, repeats WeCom refused ${sum('refusedRepeats')} (runs with any: ${results.filter((r) => r.refusedRepeats > 0).length}); longest pause in answers after the primary's death: median ${gaps[Math.floor(gaps.length / 2)]} ms, max ${gaps.at(-1)} ms`,
    );
  }
  if (MODES !== 'both' && MODES !== 'throughput') return process.exit(0);
  // Side by side, alternating, so that the shared machine's load falls on both alike.
  const RATE_RUNS = Number(process.env.BENCH_RATE_RUNS ?? 3);
  const paces: Record<'without' | 'with', Pace[]> = { without: [], with: [] };
  for (let run = 0; run < RATE_RUNS; run++) {
    paces.without.push(await throughput(false, run));
    paces.with.push(await throughput(true, run));
  }
  const mean = (xs: number[]) => xs.reduce((a, b) => a + b, 0) / xs.length;
  const rate = (ps: Pace[]) => mean(ps.map((p) => p.perSecond));
  const line = (label: string, ps: Pace[]) => {
    const steady = ps.flatMap((p) => p.steadyMs);
    const burst = ps.flatMap((p) => p.burstMs);
    return `  ${label.padEnd(28)} answers/s ${ps.map((p) => p.perSecond.toFixed(1)).join(', ')} (mean ${rate(ps).toFixed(1)}); latency steady p50 ${quantile(steady, 0.5)} ms p95 ${quantile(steady, 0.95)} ms (${steady.length}); bursts of ${BURST_CUSTOMERS} p50 ${quantile(burst, 0.5)} ms p95 ${quantile(burst, 0.95)} ms (${burst.length})`;
  };
  const waitMs = paces.with.flatMap((p) => (p.waitMs === undefined ? [] : [p.waitMs]));
  console.log(
    `WAIT's cost at ${LATENCY_MS} ms per WeCom call, no failover, ${RATE_RUNS} alternating runs each (${CUSTOMERS} customers x 20 messages, then ${BURSTS} bursts of ${BURST_CUSTOMERS} customers at once):`,
  );
  console.log(line('KFBOT_REDIS_WAIT_REPLICAS=0', paces.without));
  console.log(line('KFBOT_REDIS_WAIT_REPLICAS=1', paces.with));
  console.log(
    `  answers/s with WAIT ${(((rate(paces.with) - rate(paces.without)) / rate(paces.without)) * 100).toFixed(1)} %; mean WAIT ${mean(waitMs).toFixed(2)} ms`,
  );
  process.exit(0);
}

void main();
