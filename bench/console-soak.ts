/**
 * `npm run bench:console-soak`: does a signed-in console slow the bot down? Customer messages
 * answered per second through `kfbot serve` (SQLite, one process, a store already holding 90 days
 * × 20 accounts of activity) with nobody on the console, and with a console refreshing the
 * overview of all 90 days every 5 s — the runs alternated (without, with, without, with) so a
 * change in the machine's load falls on both. On a shared machine the wall-clock rate moves with
 * everyone else's load, so it also prints the kfbot process's own CPU time per message
 * (/proc/<pid>/stat), which others' load moves far less. A script, not a test: it prints ratios.
 * BENCH_CONSOLE_MESSAGES sets the messages per run (default 6,000).
 */
import { readFileSync } from 'node:fs';
import { loadavg } from 'node:os';
import { join } from 'node:path';
import { startSimulator } from '../src/simulator/index.ts';
import { SqliteStore } from '../src/store/sqlite-store.ts';
import { ConsoleClient } from '../test/console/console-client.ts';
import { AES_KEY, startKfbotProcess, storeDir, TOKEN } from '../test/e2e/kfbot-process.ts';
import { driveConversations } from '../test/support/conversation-driver.ts';
import { LOOPBACK_BUDGET } from './pipeline.ts';

const MESSAGES = Number(process.env.BENCH_CONSOLE_MESSAGES ?? 6000);
const PASSWORD = 'console soak password';
const DAY = 86_400_000;
const REFRESH_MS = 5_000;
const TICKS_PER_S = 100; // USER_HZ on Linux

/** 90 days × 20 accounts of rule outcomes, session ends and scores (as bench:console seeds). */
async function seed(path: string): Promise<void> {
  const store = new SqliteStore(path);
  const now = Date.now();
  const rules = Array.from({ length: 20 }, (_, i) => `规则 ${i}`);
  for (let d = 0; d < 90; d++)
    for (let k = 0; k < 20; k++) {
      const openKfId = `wkSeed${k}`;
      const at = now - d * DAY;
      await store.activity.recordRuleOutcomes({ openKfId, at, hits: rules, misses: rules.slice(0, 2) });
      for (let i = 0; i < 10; i++)
        await store.activity.recordSessionEnd({
          openKfId,
          externalUserId: `wm${d}-${k}-${i}`,
          at,
          how: 'bot',
        });
      for (let i = 0; i < 5; i++)
        await store.activity.recordScore({
          openKfId,
          externalUserId: `wm${d}-${k}-${i}`,
          sessionStartedAt: at - 1000,
          score: 1 + ((d + i) % 5),
          clickId: 'r',
          at,
        });
    }
  await store.close();
}

/** CPU seconds (user + system) a process has used so far, from /proc/<pid>/stat. */
function cpuSeconds(pid: number): number {
  const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  return (Number(fields[11]) + Number(fields[12])) / TICKS_PER_S;
}

interface Run {
  perSec: number;
  cpuMsPerMessage: number;
  refreshes: number;
  refreshMs: number;
  /** Refreshes that got no answer (a connection timed out on a saturated machine). */
  failed: number;
}

async function run(withConsole: boolean): Promise<Run> {
  const sim = await startSimulator({
    accounts: [{ name: '售前' }, { name: '售后' }, { name: '会员' }],
    settings: { rateLimits: [] },
  });
  const dir = storeDir();
  await seed(join(dir, 'kfbot.db'));
  const bot = await startKfbotProcess({
    apiBase: sim.url,
    corpId: sim.corpId,
    secret: sim.secret,
    store: dir,
    rules: 'test/e2e/rules',
    env: { LOG_LEVEL: 'info', KFBOT_API_BUDGET: LOOPBACK_BUDGET, KFBOT_CONSOLE_PASSWORD: PASSWORD },
  });
  try {
    sim.callbacks.configure({ url: `${bot.url}/callback`, token: TOKEN, encodingAesKey: AES_KEY });
    const pid = bot.child.pid as number;
    let refreshes = 0;
    let refreshTotal = 0;
    let failed = 0;
    let timer: NodeJS.Timeout | undefined;
    let inFlight: Promise<void> = Promise.resolve();
    if (withConsole) {
      const client = new ConsoleClient(bot.url);
      await client.signIn(PASSWORD);
      const from = new Date(Date.now() - 89 * DAY).toISOString().slice(0, 10);
      const refresh = async () => {
        const t = performance.now();
        const r = await client.go(`/console/api/overview?from=${from}`);
        if (r.status !== 200) throw new Error(`overview answered ${r.status}`);
        refreshTotal += performance.now() - t;
        refreshes++;
      };
      await refresh(); // the page opened as the messages begin
      timer = setInterval(() => {
        inFlight = refresh().catch(() => {
          failed++;
        });
      }, REFRESH_MS);
    }
    const cpuBefore = cpuSeconds(pid);
    const result = await driveConversations(sim, { total: MESSAGES, customers: 1000, window: 2 });
    clearInterval(timer);
    const cpu = cpuSeconds(pid) - cpuBefore;
    await inFlight;
    return {
      perSec: result.answered / result.seconds,
      cpuMsPerMessage: (cpu * 1000) / result.answered,
      refreshes,
      refreshMs: refreshes ? refreshTotal / refreshes : 0,
      failed,
    };
  } finally {
    await bot.stop('SIGTERM');
    await sim.close();
  }
}

const load = loadavg()
  .map((l) => l.toFixed(1))
  .join(' ');
process.stdout.write(`load average ${load}, ${MESSAGES} messages a run\n\n`);
process.stdout.write(
  '| run | console | messages answered per second | kfbot CPU ms per message | overview refreshes (mean ms) |\n|---|---|---|---|---|\n',
);
const rate = { without: 0, with: 0 };
const cpu = { without: 0, with: 0 };
for (const [i, withConsole] of [false, true, false, true].entries()) {
  const r = await run(withConsole);
  const side = withConsole ? 'with' : 'without';
  rate[side] += r.perSec;
  cpu[side] += r.cpuMsPerMessage;
  const refreshes = withConsole
    ? `${r.refreshes} (${r.refreshMs.toFixed(0)} ms)${r.failed ? `, ${r.failed} unanswered` : ''}`
    : '–';
  process.stdout.write(
    `| ${i + 1} | ${withConsole ? 'overview every 5 s' : 'none'} | ${r.perSec.toFixed(0)} | ${r.cpuMsPerMessage.toFixed(2)} | ${refreshes} |\n`,
  );
}
process.stdout.write(
  `\nwith the console ÷ without: messages per second ${(rate.with / rate.without).toFixed(2)}, kfbot CPU per message ${(cpu.with / cpu.without).toFixed(2)}\n`,
);
