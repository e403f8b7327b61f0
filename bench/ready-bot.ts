/**
 * One `kfbot serve` process against a fresh simulator and store, timed from spawn until /readyz
 * answers 200: what the start-up and idle-memory benchmarks each measure from.
 */
import { request } from 'undici';
import { startSimulator } from '../src/simulator/index.ts';
import { startKfbotProcess, storeDir } from '../test/e2e/kfbot-process.ts';

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
    stop: async () => {
      await bot.stop('SIGTERM');
      await sim.close();
    },
  };
}
