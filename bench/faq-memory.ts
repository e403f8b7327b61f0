/**
 * `npm run bench:faq-memory`: what the typed-question matcher adds to an idle `kfbot serve`
 * (compiled, dist/): RSS 1 s and 15 s after /readyz (once V8's memory reducer has given back what
 * loading allocated) and the V8 heap in use, with the default rules (an FAQ of 18 items and 172
 * questions) beside the same rules without their FAQ, median of three starts each; and the default
 * rules in sandbox mode (no WeCom credentials: what a newcomer's `npm start` runs, with the built-in
 * simulator and an in-memory store). Issue #28's target: under 64 MB with the default rules.
 *
 * KFBOT_BENCH_BEFORE=<another checkout's bin/kfbot.js> (built) measures that kfbot too, start for
 * start interleaved with this one, so a change is measured side by side in one run:
 *   git archive main | tar -x -C /tmp/before && ln -s "$PWD/node_modules" /tmp/before/ &&
 *   (cd /tmp/before && node scripts/build.mjs) &&
 *   KFBOT_BENCH_BEFORE=/tmp/before/bin/kfbot.js npm run bench:faq-memory
 */
import { mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { KFBOT } from '../test/cli/run-cli.ts';
import { memoryMb } from '../test/e2e/kfbot-process.ts';
import { startReadyBot, startReadySandbox } from './ready-bot.ts';

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)] ?? Number.NaN;

/** When the second reading is taken: after V8's memory reducer (about 10 s after start) has run. */
const SETTLED_MS = 15_000;

async function idleRss(
  rules: string,
  entry: string,
): Promise<{ early: number; settled: number; heap: number }> {
  const { bot, stop } = await startReadyBot(rules, entry);
  try {
    await new Promise((r) => setTimeout(r, 1000));
    const early = await memoryMb(bot.url);
    // V8's memory reducer gives back heap pages some seconds after the load's allocations.
    await new Promise((r) => setTimeout(r, SETTLED_MS - 1000));
    const settled = await memoryMb(bot.url);
    return { early: early.rss, settled: settled.rss, heap: settled.heap };
  } finally {
    await stop();
  }
}

/** The same readings for `kfbot serve` with no credentials at all: sandbox mode. */
async function idleSandboxRss(
  rules: string,
  entry: string,
): Promise<{ early: number; settled: number; heap: number }> {
  const { url, stop } = await startReadySandbox(rules, entry);
  try {
    await new Promise((r) => setTimeout(r, 1000));
    const early = await memoryMb(url);
    await new Promise((r) => setTimeout(r, SETTLED_MS - 1000));
    const settled = await memoryMb(url);
    return { early: early.rss, settled: settled.rss, heap: settled.heap };
  } finally {
    await stop();
  }
}

export async function measureFaqMemory(before = process.env.KFBOT_BENCH_BEFORE) {
  const kfbots: [string, string][] = before
    ? [
        ['before', before],
        ['now', KFBOT],
      ]
    : [['now', KFBOT]];
  const rows: Record<string, string | number>[] = [];
  // The default rules without their FAQ: every questions: list and the faq: section removed.
  const bare = mkdtempSync(join(tmpdir(), 'kfbot-bench-noq-'));
  for (const f of readdirSync('rules').filter((n) => n.endsWith('.yaml'))) {
    let text = readFileSync(join('rules', f), 'utf8').replace(/^ *questions:.*\n/gm, '');
    const faq = text.indexOf('\nfaq:');
    if (faq >= 0) text = `${text.slice(0, faq)}\n`;
    writeFileSync(join(bare, f), text);
  }
  for (const [name, rules, measure] of [
    ['default rules without their FAQ (no questions:, no faq:)', bare, idleRss],
    ['default rules (rules/: an FAQ of 18 items, 172 questions)', 'rules', idleRss],
    ['sandbox mode (no credentials), default rules', 'rules', idleSandboxRss],
  ] as const) {
    const runs = new Map(kfbots.map(([which]) => [which, [] as Awaited<ReturnType<typeof idleRss>>[]]));
    for (let i = 0; i < 3; i++)
      for (const [which, entry] of kfbots) runs.get(which)?.push(await measure(rules, entry));
    for (const [which, list] of runs)
      rows.push({
        kfbot: which,
        'kfbot serve, idle': name,
        'RSS MB 1 s after /readyz': median(list.map((r) => r.early)),
        'RSS MB 15 s after': median(list.map((r) => r.settled)),
        'V8 heap in use MB': median(list.map((r) => r.heap)),
      });
  }
  return rows;
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const { loadavg } = await import('node:os');
  const load = () =>
    `load average ${loadavg()
      .map((l) => l.toFixed(1))
      .join(', ')}\n`;
  process.stdout.write(load());
  for (const r of await measureFaqMemory()) process.stdout.write(`${JSON.stringify(r)}\n`);
  process.stdout.write(load());
}
