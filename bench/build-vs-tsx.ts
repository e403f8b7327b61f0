/**
 * The compiled build (bin/kfbot.js on dist/) next to the TypeScript sources run through tsx, as
 * kfbot shipped before: `kfbot --version` time, idle memory of `kfbot serve`, and start-up to
 * /readyz with 1,000 rules. Targets: < 150 ms, < 60 MB, < 300 ms. Beside them, the floor: plain
 * `node -e 0`'s time, and the memory of a Node process doing nothing but what any such service
 * does (an HTTP server listening, SQLite open, pino and prom-client loaded).
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { KFBOT } from '../test/cli/run-cli.ts';
import { rssMb } from '../test/e2e/kfbot-process.ts';
import { startReadyBot } from './ready-bot.ts';
import { ruleFile } from './rule-file.ts';

const TSX_ENTRY = fileURLToPath(new URL('./kfbot-tsx.ts', import.meta.url));

interface Way {
  name: string;
  args: string[];
  entry: string;
  nodeArgs: string[];
}

const WAYS: Way[] = [
  { name: 'compiled (node dist/)', args: [KFBOT], entry: KFBOT, nodeArgs: [] },
  {
    name: 'tsx (TypeScript sources)',
    args: ['--import', 'tsx', TSX_ENTRY],
    entry: TSX_ENTRY,
    nodeArgs: ['--import', 'tsx'],
  },
];

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)] ?? Number.NaN;

function versionMs(way: Way, runs = 7): number {
  const times: number[] = [];
  for (let i = 0; i < runs; i++) {
    const started = performance.now();
    execFileSync(process.execPath, [...way.args, '--version']);
    times.push(performance.now() - started);
  }
  return median(times);
}

const serve = (way: Way, rules: string) => startReadyBot(rules, way.entry, way.nodeArgs);

/** A Node process with an HTTP server, an open SQLite database, pino and prom-client, idle: its RSS. */
function floorRssMb(): number {
  const script = `
    require('better-sqlite3')(':memory:').prepare('select 1').get();
    require('pino')({ level: 'info' }, require('pino').destination('/dev/null'));
    const registry = new (require('prom-client/lib/registry'))();
    require('http').createServer().listen(0, '127.0.0.1', () =>
      setTimeout(() => { process.stdout.write(String(process.memoryUsage().rss)); process.exit(0); }, 1000));`;
  const rss = Number(execFileSync(process.execPath, ['-e', script], { encoding: 'utf8' }));
  return Math.round(rss / 1024 / 1024);
}

function nodeAloneMs(runs = 7): number {
  const times: number[] = [];
  for (let i = 0; i < runs; i++) {
    const started = performance.now();
    execFileSync(process.execPath, ['-e', '0']);
    times.push(performance.now() - started);
  }
  return median(times);
}

export async function buildVsTsx(): Promise<Record<string, string | number>[]> {
  const dir = mkdtempSync(join(tmpdir(), 'kfbot-bench-build-'));
  const thousand = join(dir, 'rules.yaml');
  writeFileSync(thousand, ruleFile(1_000));
  const rows: Record<string, string | number>[] = [];
  const results = [];
  for (const way of WAYS) {
    const version = versionMs(way);
    const idle = await serve(way, 'test/e2e/rules');
    await new Promise((r) => setTimeout(r, 1000));
    const idleMb = await rssMb(idle.bot.url);
    await idle.stop();
    const starts: number[] = [];
    for (let i = 0; i < 3; i++) {
      const s = await serve(way, thousand);
      starts.push(s.readyMs);
      await s.stop();
    }
    results.push({ way: way.name, version, idleMb, ready: median(starts) });
  }
  const [compiled, tsx] = results;
  rows.push(
    {
      measure: '`kfbot --version` ms',
      target: '< 150',
      ...cells(compiled?.version, tsx?.version, 0),
      floor: `${Math.round(nodeAloneMs())} (node -e 0)`,
    },
    {
      measure: '`kfbot serve` idle RSS MB',
      target: '< 60',
      ...cells(compiled?.idleMb, tsx?.idleMb, 0),
      floor: `${floorRssMb()} (HTTP server, SQLite, pino, prom-client)`,
    },
    {
      measure: 'start → /readyz, 1,000 rules, ms',
      target: '< 300',
      ...cells(compiled?.ready, tsx?.ready, 0),
      floor: '',
    },
  );
  return rows;
}

function cells(compiled: number | undefined, tsx: number | undefined, digits: number) {
  return {
    compiled: Number((compiled ?? Number.NaN).toFixed(digits)),
    tsx: Number((tsx ?? Number.NaN).toFixed(digits)),
  };
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const { markdownTable } = await import('./decide.ts');
  process.stdout.write(`${markdownTable(await buildVsTsx())}\n`);
}
