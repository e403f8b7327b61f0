/**
 * Rules' `call:` actions at WeCom's pace (the simulator at BENCH_LATENCY_MS per API call, 50 ms
 * by default), against a real HTTP backend on loopback, one kfbot process on SQLite:
 *
 * - others' answers: customers write at a steady rate; with a backend that takes 1 s for a fifth
 *   of them (order lookups), how fast are the *other* customers answered, next to the same load
 *   with no calls? (target: within 10 %);
 * - overhead: what a call adds over the backend's own time, from kfbot's per-call log line
 *   (slot, request, reading the answer) and end to end (call replies vs plain replies, backend 0 ms);
 * - hanging backend: timeout 1 s, retries 1: time until on_error reaches the customer
 *   (target: within timeout × (retries + 1) + 2 s in every run).
 *
 * A call finishes outside its page (runtime/account-backlog.ts), so the others' figure should
 * match the no-call one (docs/calls.md, "Limits today").
 *
 * Run alone: `npm run bench:calls` (~40 s). Numbers are ratios measured side by side.
 */
import { startSimulator, type WeComSimulator } from '../src/simulator/index.ts';
import { AES_KEY, type KfbotProcess, startKfbotProcess, storeDir, TOKEN } from '../test/e2e/kfbot-process.ts';
import { ruleDir } from '../test/rules/helpers.ts';
import {
  ORDER,
  type OrderBackend,
  orderLookupRules,
  startOrderBackend,
} from '../test/support/order-backend.ts';
import { LATENCY_MS } from './real-pace.ts';

const log = (text: string) => process.stderr.write(`bench: ${text}\n`);
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

interface Run {
  sim: WeComSimulator;
  bot: KfbotProcess;
  backend: OrderBackend;
  close(): Promise<void>;
}

async function start(timeout = '3s'): Promise<Run> {
  const backend = await startOrderBackend();
  const sim = await startSimulator({ settings: { latencyMs: LATENCY_MS, latencyJitterMs: LATENCY_MS / 5 } });
  const bot = await startKfbotProcess({
    apiBase: sim.url,
    corpId: sim.corpId,
    secret: sim.secret,
    store: storeDir(),
    rules: ruleDir({
      'rules.yaml': orderLookupRules(backend.port, { timeout, retries: 1, concurrency: 64 }),
    }),
    env: { LOG_LEVEL: 'info' },
  });
  sim.callbacks.configure({ url: `${bot.url}/callback`, token: TOKEN, encodingAesKey: AES_KEY });
  // Warm up: token, JIT, the first call's connection.
  const id = sim.customerSays({ text: '订单202611300000' }).external_userid as string;
  while (sim.sent(sim.openKfId, id).length === 0) await sleep(20);
  return {
    sim,
    bot,
    backend,
    close: async () => {
      await bot.stop('SIGTERM');
      await sim.close();
      await backend.close();
    },
  };
}

const pct = (xs: number[], p: number) => {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.floor(s.length * p))] ?? Number.NaN;
};

/**
 * `customers` customers write `each` messages over `seconds`; every fifth customer asks for an
 * order when `calls` is on. Returns the other customers' answer latencies and rate.
 */
async function load(calls: boolean, backendMs: number, customers = 50, each = 4, seconds = 8) {
  const run = await start();
  run.backend.behave(() => ({ json: ORDER, delayMs: backendMs }));
  const warmUpLines = run.bot.logs.length; // the warm-up's call (a new connection) is not counted
  const sentAt = new Map<string, number>();
  const plain: number[] = [];
  const called: number[] = [];
  const off = run.sim.onSent((m) => {
    const text = (m.content.text as { content?: string } | undefined)?.content ?? '';
    const key =
      /收到：(\S+)/.exec(text)?.[1] ?? (text.startsWith('状态') ? `order:${m.externalUserId}` : undefined);
    const t = key && sentAt.get(key);
    if (!t || !key) return;
    sentAt.delete(key);
    (key.startsWith('order:') ? called : plain).push(performance.now() - t);
  });
  const total = customers * each;
  const started = performance.now();
  let plainSent = 0;
  for (let i = 0; i < total; i++) {
    const wait = started + (i * seconds * 1000) / total - performance.now();
    if (wait > 1) await sleep(wait);
    const c = i % customers;
    const id = `wmBench${c}`;
    // A customer waits for the answer to an order before asking the next (as people do).
    if (calls && c % 5 === 0) {
      if (sentAt.has(`order:${id}`)) continue;
      sentAt.set(`order:${id}`, performance.now());
      run.sim.customerSays({ externalUserId: id, text: `订单2026113${String(i).padStart(5, '0')}` });
    } else {
      const tag = `m${i}`;
      sentAt.set(tag, performance.now());
      plainSent++;
      run.sim.customerSays({ externalUserId: id, text: `echo ${tag}` });
    }
  }
  const deadline = performance.now() + 20_000;
  while (plain.length < plainSent && performance.now() < deadline) await sleep(50);
  const elapsed = (performance.now() - started) / 1000;
  off();
  const callMs = run.bot.logs
    .slice(warmUpLines)
    .filter((l) => l.call === 'order_status' && typeof l.ms === 'number')
    .map((l) => Number(l.ms));
  await run.close();
  return {
    plainAnswered: plain.length,
    plainSent,
    plainPerSec: plain.length / elapsed,
    plainP50: pct(plain, 0.5),
    plainP95: pct(plain, 0.95),
    calledP50: pct(called, 0.5),
    calledP95: pct(called, 0.95),
    callMsP50: pct(callMs, 0.5),
    callMsP95: pct(callMs, 0.95),
  };
}

async function hanging(runs = 5) {
  const run = await start('1s');
  run.backend.behave(() => ({ delayMs: Number.POSITIVE_INFINITY }));
  const times: number[] = [];
  for (let i = 0; i < runs; i++) {
    const t = performance.now();
    const id = run.sim.customerSays({ text: `订单20261130${String(1000 + i)}` }).external_userid as string;
    while (run.sim.sent(run.sim.openKfId, id).length === 0 && performance.now() - t < 15_000) await sleep(20);
    times.push(performance.now() - t);
  }
  await run.close();
  return times;
}

export async function runCallsBench(print: (text: string) => void) {
  log('calls: no calls…');
  const none = await load(false, 0);
  log('calls: a fifth of customers ask a 1 s backend…');
  const slow = await load(true, 1000);
  log('calls: an instant backend (overhead)…');
  const fast = await load(true, 0);
  log('calls: a hanging backend…');
  const hang = await hanging();
  const ratio = slow.plainP95 / none.plainP95;
  const bound = 1000 * 2 + 2000;
  print(`## Rules' calls to a backend (at ${LATENCY_MS} ms per WeCom call)\n`);
  print(
    '| load | others answered | others/s | others p50 | others p95 | call replies p95 | call (kfbot log) p50 / p95 |',
  );
  print('|---|---|---|---|---|---|---|');
  const row = (name: string, r: typeof none) =>
    print(
      `| ${name} | ${r.plainAnswered}/${r.plainSent} | ${r.plainPerSec.toFixed(1)} | ${r.plainP50.toFixed(0)} ms | ${r.plainP95.toFixed(0)} ms | ${Number.isNaN(r.calledP95) ? '–' : `${r.calledP95.toFixed(0)} ms`} | ${Number.isNaN(r.callMsP95) ? '–' : `${r.callMsP50} / ${r.callMsP95} ms`} |`,
    );
  row('no calls', none);
  row('1 s backend for 1/5', slow);
  row('0 ms backend for 1/5', fast);
  print('');
  print(
    `Others' p95 latency with a slow backend / without calls: ${ratio.toFixed(2)} (target ≤ 1.10; answers/s follows the offered load, which has fewer plain messages with calls).`,
  );
  print(
    `A call's own overhead (kfbot's call time with a 0 ms backend): p95 ${fast.callMsP95} ms (target ≤ 20 ms); end to end, a call reply's p95 over a plain one: ${(fast.calledP95 - fast.plainP95).toFixed(0)} ms.`,
  );
  print(
    `Hanging backend (timeout 1 s, retries 1): on_error after ${hang.map((t) => (t / 1000).toFixed(2)).join(', ')} s (bound ${bound / 1000} s: ${hang.every((t) => t <= bound) ? 'met in every run' : 'MISSED'}).\n`,
  );
  return { none, slow, fast, hang, ratio };
}

if (import.meta.url === `file://${process.argv[1]}`) {
  await runCallsBench((t) => process.stdout.write(`${t}\n`));
  process.exit(0);
}
