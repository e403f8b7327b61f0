/**
 * /metrics tells the engineer on call how many customers of an account kfbot is answering at once
 * (kfbot_lanes_busy) against the limit (kfbot_lanes_per_account, KFBOT_CONCURRENCY): an account
 * pinned at its limit answers more slowly than it could. Quiet accounts leave no series behind.
 */
import { afterEach, expect, it } from 'vitest';
import { startSimulator, type WeComSimulator } from '../../src/simulator/index.ts';
import { type InProcessKfbot, startInProcess } from '../support/in-process-kfbot.ts';

let sim: WeComSimulator | undefined;
let bot: InProcessKfbot | undefined;
afterEach(async () => {
  await bot?.close();
  await sim?.close();
});

/** The value of one series in an exposition, or undefined when it is not served. */
function series(text: string, name: string): number | undefined {
  const line = text.split('\n').find((l) => l.startsWith(`${name} `));
  return line === undefined ? undefined : Number(line.split(' ')[1]);
}

it('shows per account how many customers are answered at once, up to KFBOT_CONCURRENCY', async () => {
  // WeCom at 200 ms a call: each answer keeps its lane busy for a while.
  sim = await startSimulator({ settings: { latencyMs: 200 } });
  bot = await startInProcess(sim, { config: { concurrency: 3 } });
  const s = sim;
  const metrics = async () => (await fetch(`${bot?.app.url}/metrics`)).text();
  const busy = `kfbot_lanes_busy{open_kfid="${s.openKfId}"}`;

  // Six customers write at once: one pull reads them all in one page.
  s.callbacks.pause();
  for (let i = 0; i < 6; i++) s.customerSays({ externalUserId: `wmLane${i}`, text: `echo ${i}` });
  s.callbacks.resume();
  const seen: number[] = [];
  const deadline = Date.now() + 20_000;
  while (s.sent().length < 6 && Date.now() < deadline) {
    seen.push(series(await metrics(), busy) ?? 0);
    await new Promise((r) => setTimeout(r, 10));
  }
  expect(s.sent()).toHaveLength(6);
  expect(Math.max(...seen)).toBe(3);

  await bot.app.work.idle();
  const after = await metrics();
  expect(series(after, 'kfbot_lanes_per_account')).toBe(3);
  expect(series(after, busy)).toBeUndefined(); // nothing busy: the account is not listed
});
