/**
 * `npm run bench:console-vs [-- REF]`: bench:console on an earlier kfbot (REF, default main) and on
 * this working tree, alternated (before, after, before, after) so a change in the machine's load
 * falls on both, printed side by side: each figure is the better of its two runs. Both run this
 * tree's bench/console-overview.ts, so both are measured on the same seeded activity; REF's own
 * code stores and reads it. Without Chromium (BENCH_CONSOLE_BROWSER=0): the endpoint is what moved.
 * BENCH_CONSOLE_SPREAD passes through (the hours each rule is hit in per day; see that file).
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { copyFileSync, existsSync, mkdirSync, mkdtempSync, symlinkSync } from 'node:fs';
import { cpus, loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';

const ref = process.argv[2] ?? 'main';
const here = process.cwd();
const before = mkdtempSync(join(tmpdir(), 'kfbot-console-vs-'));
execFileSync('sh', ['-c', `git archive ${ref} | tar -x -C ${before}`]);
symlinkSync(join(here, 'node_modules'), join(before, 'node_modules'));
copyFileSync(join(here, 'bench/console-overview.ts'), join(before, 'bench/console-overview.ts'));
// The bench builds its query with this (the earlier code reads the query's fromDay instead).
if (!existsSync(join(before, 'src/store/activity-days.ts'))) {
  mkdirSync(join(before, 'src/store'), { recursive: true });
  copyFileSync(join(here, 'src/store/activity-days.ts'), join(before, 'src/store/activity-days.ts'));
}

type Figures = Map<string, number>;
function run(dir: string): Figures {
  const r = spawnSync(process.execPath, ['--import', 'tsx', 'bench/console-overview.ts'], {
    cwd: dir,
    env: { ...process.env, BENCH_CONSOLE_BROWSER: '0' },
    encoding: 'utf8',
  });
  if (r.status !== 0) throw new Error(`bench:console failed in ${dir}:\n${r.stderr}`);
  const out: Figures = new Map();
  for (const line of r.stdout.split('\n')) {
    const m = /^\| (SQLite|Redis) \| (.+?) \| (\d+) ms \|/.exec(line);
    if (m) out.set(`${m[1]} | ${m[2]}`, Number(m[3]));
  }
  return out;
}

const best = (a: Figures, b: Figures) => new Map([...a].map(([k, v]) => [k, Math.min(v, b.get(k) ?? v)]));
process.stdout.write(
  `load average ${loadavg()
    .map((l) => l.toFixed(1))
    .join(' ')} on ${cpus().length} cores\n`,
);
const b1 = run(before);
const a1 = run(here);
const b2 = run(before);
const a2 = run(here);
const old = best(b1, b2);
const now = best(a1, a2);
process.stdout.write(
  `load average ${loadavg()
    .map((l) => l.toFixed(1))
    .join(' ')} after\n\n`,
);
process.stdout.write(`| store | what | before (${ref}) | after | after ÷ before |\n|---|---|---|---|---|\n`);
for (const [key, ms] of now) {
  const was = old.get(key);
  process.stdout.write(
    `| ${key} | ${was === undefined ? '–' : `${was} ms`} | ${ms} ms | ${was ? (ms / was).toFixed(2) : '–'} |\n`,
  );
}
