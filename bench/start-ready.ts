/**
 * `npm run bench:start`: process start → /readyz of `kfbot serve` (compiled, dist/), with 1,000
 * rules (bench/rule-file.ts, no FAQ) and with the default rules (an FAQ of 18 items), median of
 * five starts, and the RSS 1 s after /readyz. Target: < 300 ms with 1,000 rules.
 *
 * KFBOT_BENCH_BEFORE=<another checkout's bin/kfbot.js> (built) starts that kfbot too, start for
 * start interleaved with this one, so a change is measured side by side in one run (how to make
 * that checkout: bench/faq-memory.ts). BENCH_STARTS sets the number of starts (default 5).
 */
import { mkdtempSync, writeFileSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { KFBOT } from '../test/cli/run-cli.ts';
import { rssMb } from '../test/e2e/kfbot-process.ts';
import { startReadyBot } from './ready-bot.ts';
import { ruleFile } from './rule-file.ts';

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)] ?? Number.NaN;

/** Start → /readyz, and the RSS 1 s later (the load's garbage collected: bin/kfbot.js). */
async function readyMs(entry: string, rules: string): Promise<{ ms: number; rss: number }> {
  const { bot, readyMs: ms, stop } = await startReadyBot(rules, entry);
  try {
    await new Promise((r) => setTimeout(r, 1000));
    return { ms, rss: await rssMb(bot.url) };
  } finally {
    await stop();
  }
}

export async function measureStart(
  before = process.env.KFBOT_BENCH_BEFORE,
  starts = Number(process.env.BENCH_STARTS ?? 5),
): Promise<Record<string, string | number>[]> {
  const kfbots: [string, string][] = before
    ? [
        ['before', before],
        ['now', KFBOT],
      ]
    : [['now', KFBOT]];
  const thousand = join(mkdtempSync(join(tmpdir(), 'kfbot-bench-start-')), 'rules.yaml');
  writeFileSync(thousand, ruleFile(1_000));
  const rows: Record<string, string | number>[] = [];
  for (const [name, rules] of [
    ['1,000 rules (no FAQ)', thousand],
    ['default rules (an FAQ of 18 items)', 'rules'],
  ] as const) {
    const times = new Map(kfbots.map(([which]) => [which, [] as { ms: number; rss: number }[]]));
    for (let i = 0; i < starts; i++)
      for (const [which, entry] of kfbots) times.get(which)?.push(await readyMs(entry, rules));
    for (const [which, list] of times)
      rows.push({
        kfbot: which,
        rules: name,
        'start → /readyz ms, median': Math.round(median(list.map((t) => t.ms))),
        'each start ms': list.map((t) => Math.round(t.ms)).join(' '),
        'RSS MB 1 s after /readyz, median': median(list.map((t) => t.rss)),
      });
  }
  return rows;
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const load = () =>
    `load average ${loadavg()
      .map((l) => l.toFixed(1))
      .join(', ')}\n`;
  process.stdout.write(load());
  for (const r of await measureStart()) process.stdout.write(`${JSON.stringify(r)}\n`);
  process.stdout.write(load());
}
