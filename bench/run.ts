/**
 * `npm run bench`: every benchmark, each number next to what it is compared with, measured in the
 * same run (ratios carry between machines; absolute times drift). Prints markdown tables and
 * writes bench/results/bench.json. A script, not a test: it never fails on a number.
 *
 *   BENCH_MESSAGES=20000 BENCH_MEMORY_MESSAGES=100000 npm run bench
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { cpus, totalmem } from 'node:os';
import { buildVsTsx } from './build-vs-tsx.ts';
import { runCallsBench } from './calls.ts';
import { markdownTable, measureDecisions } from './decide.ts';
import { evaluateFaq } from './faq-eval.ts';
import { idleBurst } from './idle-burst.ts';
import { flushRedis, log, memory, REDIS, rawLimit, startup, throughput, welcomeLatency } from './pipeline.ts';
import { LATENCY_MS, runPace } from './real-pace.ts';

const MESSAGES = Number(process.env.BENCH_MESSAGES ?? 20_000);
const MEMORY_MESSAGES = Number(process.env.BENCH_MEMORY_MESSAGES ?? 100_000);

const machine = `${cpus().length} × ${cpus()[0]?.model.trim()}, ${Math.round(totalmem() / 2 ** 30)} GiB, Node ${process.version}`;
const out: Record<string, unknown> = { machine, date: new Date().toISOString() };
const print = (text: string) => process.stdout.write(`${text}\n`);

print(`# kfbot benchmarks\n\n${machine}\n`);

log('compiled build vs tsx…');
const build = await buildVsTsx();
out.build = build;
print(`## Compiled build vs tsx (the same commands, two ways of running them)\n\n${markdownTable(build)}\n`);

log('decision cost…');
const decisions = await measureDecisions();
out.decisions = decisions;
print(`## Decision cost per message\n\n${markdownTable(decisions)}\n`);

log('FAQ matcher on the labelled phrasings…');
const faq = await evaluateFaq();
out.faq = faq;
print(
  `## FAQ matcher on labelled phrasings (bench/faq)\n\n${markdownTable(faq.rows)}\n\nConfusions:\n\n${markdownTable(faq.confusions)}\n\nOne typed message against ${faq.latency.questions} listed questions: median ${faq.latency.medianMicros} µs, p99 ${faq.latency.p99Micros} µs.\n`,
);

log('raw HTTP limit…');
const raw = await rawLimit();
log(`throughput on SQLite (${MESSAGES} messages)…`);
const sqlite = await throughput('sqlite:$DIR/kfbot.db', 1, MESSAGES);
log('throughput on Redis, one replica…');
await flushRedis();
const redis1 = await throughput(REDIS, 1, MESSAGES);
log('throughput on Redis, three replicas…');
await flushRedis();
const redis3 = await throughput(REDIS, 3, MESSAGES);
const throughputRows = [
  {
    setup: 'raw limit: plain undici POST round trips to the simulator doing no work',
    'per second': Math.round(raw),
    'of the raw limit': '100 %',
    'exactly once': '–',
  },
  ...[
    ['kfbot, SQLite, one process', sqlite],
    ['kfbot, Redis, one replica', redis1],
    ['kfbot, Redis, three replicas on this machine', redis3],
  ].map(([name, r]) => {
    const t = r as { perSec: number; exact: boolean };
    return {
      setup: name as string,
      'per second': Math.round(t.perSec),
      'of the raw limit': `${((t.perSec / raw) * 100).toFixed(1)} %`,
      'exactly once': t.exact ? 'yes' : 'NO',
    };
  }),
];
out.throughput = throughputRows;
print(
  `## End-to-end throughput (customer messages answered per second)\n\n${markdownTable(throughputRows)}\n`,
);

const latencyRows: Record<string, string | number>[] = [];
for (const rate of [200, 1000]) {
  log(`welcome latency at ${rate}/s…`);
  const l = await welcomeLatency(rate, 5);
  latencyRows.push({
    'offered load': `${rate} enter_session/s for 5 s`,
    'p50 ms': Number(l.p50.toFixed(1)),
    'p99 ms': Number(l.p99.toFixed(1)),
    delivered: `${l.delivered}/${l.offered}`,
  });
}
out.latency = latencyRows;
print(`## Welcome latency (enter_session emitted → welcome delivered)\n\n${markdownTable(latencyRows)}\n`);

log(`memory over ${MEMORY_MESSAGES} messages…`);
const mem = await memory(MEMORY_MESSAGES);
const memoryRows = [
  {
    'RSS idle MB': mem.idleMb,
    [`RSS after ${MEMORY_MESSAGES} messages MB`]: mem.afterMb,
    'growth per 100k messages MB': Number(mem.growthPer100kMb.toFixed(1)),
  },
];
out.memory = memoryRows;
print(`## Memory (kfbot serve, SQLite)\n\n${markdownTable(memoryRows)}\n`);

const startRows: Record<string, string | number>[] = [];
for (const n of [1_000, 10_000]) {
  log(`start-up with ${n} rules…`);
  startRows.push({ rules: n, 'process start → /readyz ms': Math.round(await startup(n)) });
}
out.startup = startRows;
print(`## Start-up\n\n${markdownTable(startRows)}\n`);

log(`real pace: the simulator at ${LATENCY_MS} ms per call, with its frequency limits…`);
print(`# At WeCom's pace\n`);
out.pace = await runPace(print);
log("calls: rules' call: actions to a loopback backend…");
out.calls = await runCallsBench(print);

log('idle rules: reminders falling due together…');
const idle = [await idleBurst(1), await idleBurst(16)];
out.idle = idle;
print(`## Idle rules: reminders falling due together\n\n${markdownTable(idle)}\n`);

mkdirSync('bench/results', { recursive: true });
writeFileSync('bench/results/bench.json', `${JSON.stringify(out, null, 2)}\n`);
log('wrote bench/results/bench.json');
