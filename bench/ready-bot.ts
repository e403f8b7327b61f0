/**
 * One `kfbot serve` process against a fresh simulator and store, or in sandbox mode (no
 * credentials: `npm start`), timed from spawn until /readyz answers 200: what the start-up and
 * idle-memory benchmarks each measure from.
 */
import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
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

/**
 * `kfbot serve` with no WeCom credentials at all (sandbox mode, its own simulator and in-memory
 * store), timed like startReadyBot: spawn → /readyz 200, found at the origin of the address its
 * "sandbox mode … open http://…/sandbox" line gives.
 */
export async function startReadySandbox(rules: string, entry: string) {
  const env = { ...process.env };
  for (const k of Object.keys(env)) if (k.startsWith('WECOM_') || k.startsWith('KFBOT_')) delete env[k];
  const started = performance.now();
  // A fresh folder as the working directory, so that no .env of this checkout gives credentials.
  const child = spawn(process.execPath, [entry, 'serve', '--port', '0', '--rules', resolve(rules)], {
    cwd: mkdtempSync(join(tmpdir(), 'kfbot-bench-sandbox-')),
    env: { ...env, LOG_LEVEL: 'info' },
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  const exited = new Promise((r) => child.on('exit', r));
  const stop = async () => {
    child.kill('SIGTERM');
    await exited;
  };
  try {
    const url = await new Promise<string>((found, failed) => {
      let buffer = '';
      child.stdout?.on('data', (d: Buffer) => {
        buffer += d;
        for (const line of buffer.split('\n')) {
          const m = /"url":"(http:[^"]+)"/.exec(line);
          // The line gives the sandbox page's address; /readyz and /metrics sit at its origin.
          if (m?.[1] && line.includes('sandbox mode')) found(new URL(m[1]).origin);
        }
      });
      void exited.then(() => failed(new Error('kfbot serve (sandbox) exited before listening')));
    });
    while ((await request(`${url}/readyz`)).statusCode !== 200) await new Promise((r) => setTimeout(r, 5));
    return { url, readyMs: performance.now() - started, cpuMs: cpuMs(child.pid), stop };
  } catch (err) {
    await stop();
    throw err;
  }
}
