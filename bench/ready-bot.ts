/**
 * One `kfbot serve` process against a fresh simulator and store, timed from spawn until /readyz
 * answers 200: what the start-up and idle-memory benchmarks each measure from.
 */
import { readFileSync } from 'node:fs';
import { request } from 'undici';
import { startSimulator } from '../src/simulator/index.ts';
import { startKfbotProcess, storeDir } from '../test/e2e/kfbot-process.ts';

/**
 * CPU time (user + system) a process and its children that have ended used so far, from Linux's
 * /proc (clock ticks, 10 ms each): the work a start did, which a busy machine stretches less than
 * the wall time. NaN elsewhere.
 */
function cpuMs(pid: number | undefined): number {
  try {
    // After the name in parentheses: fields 14–17 of stat(5) are utime, stime, cutime, cstime.
    const fields = readFileSync(`/proc/${pid}/stat`, 'utf8')
      .replace(/^.*\) /s, '')
      .split(' ');
    const ticks = fields.slice(11, 15).reduce((sum, f) => sum + Number(f), 0);
    return ticks * 10;
  } catch {
    return Number.NaN;
  }
}

export async function startReadyBot(rules: string, entry: string, nodeArgs: string[] = []) {
  const sim = await startSimulator();
  const dir = storeDir();
  const started = performance.now();
  const bot = await startKfbotProcess({
    apiBase: sim.url,
    corpId: sim.corpId,
    secret: sim.secret,
    store: dir,
    rules,
    entry,
    nodeArgs,
    env: { KFBOT_STORE: `sqlite:${dir}/kfbot.db`, LOG_LEVEL: 'info' },
  });
  while ((await request(`${bot.url}/readyz`)).statusCode !== 200) await new Promise((r) => setTimeout(r, 5));
  const readyMs = performance.now() - started;
  return {
    bot,
    readyMs,
    cpuMs: cpuMs(bot.child.pid),
    stop: async () => {
      await bot.stop('SIGTERM');
      await sim.close();
    },
  };
}
