/**
 * `npm run bench:start`: process start → /readyz of `kfbot serve` (compiled, dist/), with 1,000
 * rules (bench/rule-file.ts, no FAQ), with the default rules (an FAQ of 18 items), and with the
 * default rules in sandbox mode (no WeCom credentials: a newcomer's `npm start`), median of
 * five starts, the CPU time used until then (Linux), and the RSS 1 s after /readyz. Target:
 * < 300 ms with 1,000 rules.
 *
 * KFBOT_BENCH_BEFORE=<another checkout's bin/kfbot.js> (built) starts that kfbot too, start for
 * start interleaved with this one, so a change is measured side by side in one run (how to make
 * that checkout: bench/faq-memory.ts), and prints the median of each pair's ratio, now / before.
 * BENCH_STARTS sets the number of starts (default 5); BENCH_CASE=<text> runs only the cases whose
 * name has it (e.g. sandbox).
 */
import { mkdtempSync, writeFileSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { KFBOT } from '../test/cli/run-cli.ts';
import { rssMb } from '../test/e2e/kfbot-process.ts';
import { startReadyBot, startReadySandbox } from './ready-bot.ts';
import { ruleFile } from './rule-file.ts';

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)] ?? Number.NaN;

interface Start {
  ms: number;
  cpu: number;
  rss: number;
}

/** Start → /readyz, the CPU time it took, and the RSS 1 s later (the load's garbage collected: bin/kfbot.js). */
async function readyMs(entry: string, rules: string, sandbox: boolean): Promise<Start> {
  const {
    url,
    readyMs: ms,
    cpuMs: cpu,
    stop,
  } = sandbox
    ? await startReadySandbox(rules, entry)
    : await startReadyBot(rules, entry).then((started) => ({ ...started, url: started.bot.url }));
  try {
    await new Promise((r) => setTimeout(r, 1000));
    return { ms, cpu, rss: await rssMb(url) };
  } finally {
    await stop();
  }
}

export async function measureStart(
  before = process.env.KFBOT_BENCH_BEFORE,
  starts = Number(process.env.BENCH_STARTS ?? 5),
  only = process.env.BENCH_CASE ?? '',
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
  for (const [name, rules, sandbox] of [
    ['1,000 rules (no FAQ)', thousand, false],
    ['default rules (an FAQ of 18 items)', 'rules', false],
    ['default rules, sandbox mode (no credentials: npm start)', 'rules', true],
  ] as const) {
    if (!name.includes(only)) continue;
    const times = new Map(kfbots.map(([which]) => [which, [] as Start[]]));
    for (let i = 0; i < starts; i++)
      for (const [which, entry] of kfbots) times.get(which)?.push(await readyMs(entry, rules, sandbox));
    for (const [which, list] of times)
      rows.push({
        kfbot: which,
        rules: name,
        'start → /readyz ms, median': Math.round(median(list.map((t) => t.ms))),
        'each start ms': list.map((t) => Math.round(t.ms)).join(' '),
        'CPU ms to /readyz, median (the rules child included once it ended)': median(list.map((t) => t.cpu)),
        'RSS MB 1 s after /readyz, median': median(list.map((t) => t.rss)),
      });
    // Each start of this kfbot over the one of the other just before it: a machine whose load
    // changes during the run moves both of a pair alike, so the median ratio is steadier than the
    // ratio of the medians.
    const [before, now] = [times.get('before'), times.get('now')];
    if (before && now) {
      const ratio = (of: (t: Start) => number) =>
        median(now.map((t, i) => of(t) / of(before[i] as Start))).toFixed(2);
      rows.push({
        rules: name,
        'now / before, start → /readyz, median of pairs': ratio((t) => t.ms),
        'now / before, CPU ms, median of pairs': ratio((t) => t.cpu),
      });
    }
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
