/**
 * The satisfaction loop end to end, with the shipped rules: a servicer ends a session, kfbot sends
 * the closing menu (满意度), the customer clicks 😊 满意 (score: 5), and `kfbot report
 * satisfaction` — the real executable, reading the running server's store — shows the score;
 * `kfbot report sessions` shows the hand-over and the servicer's end.
 */
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { startSimulator, type WeComSimulator } from '../../src/simulator/index.ts';
import { activityDay } from '../../src/store/activity-days.ts';
import { runCli } from '../cli/run-cli.ts';
import { AES_KEY, type KfbotProcess, startKfbotProcess, storeDir, TOKEN, waitFor } from './kfbot-process.ts';

let sim: WeComSimulator;
let bot: KfbotProcess;
let dir: string;

beforeEach(async () => {
  sim = await startSimulator();
  dir = storeDir();
  bot = await startKfbotProcess({ apiBase: sim.url, corpId: sim.corpId, secret: sim.secret, store: dir });
  sim.callbacks.configure({ url: `${bot.url}/callback`, token: TOKEN, encodingAesKey: AES_KEY });
});

afterEach(async () => {
  await bot?.stop('SIGKILL');
  await sim?.close();
});

const sentTo = (customer: string) => sim.sent(sim.openKfId, customer);

describe('satisfaction scores', () => {
  it('records the score a customer clicks on the closing menu, and the report shows it', async () => {
    const customer = sim.customerSays({ text: '转人工' }).external_userid as string;
    await waitFor(() => sim.session({ externalUserId: customer }).state === 2, 'the hand-over to the queue');
    sim.servicerEnds({ externalUserId: customer });
    await waitFor(() => sentTo(customer).some((m) => m.codeKind === 'closing'), 'the closing menu');
    const closing = sentTo(customer).find((m) => m.codeKind === 'closing');
    expect(JSON.stringify(closing?.content)).toContain('😊 满意');

    const click = sim.customerClicksMenu({ externalUserId: customer, id: 'rate_good' });
    await waitFor(() => JSON.stringify(sentTo(customer)).includes('感谢您的好评'), 'the answer to the click');

    const store = `sqlite:${join(dir, 'kfbot.db')}`;
    const day = activityDay(click.send_time * 1000, 'Asia/Shanghai');
    const json = await runCli([
      'report',
      'satisfaction',
      '--since',
      '1d',
      '--format',
      'json',
      '--store',
      store,
    ]);
    expect(json.code).toBe(0);
    expect(JSON.parse(json.stdout)).toEqual([
      {
        day,
        openKfId: sim.openKfId,
        count: 1,
        average: 5,
        scores: { '1': 0, '2': 0, '3': 0, '4': 0, '5': 1 },
      },
    ]);
    const table = await runCli(['report', 'satisfaction', '--account', sim.openKfId, '--store', store]);
    expect(table.stdout.split('\n')[1]).toMatch(
      new RegExp(`^${day}\\s+${sim.openKfId}\\s+1\\s+5\\.00\\s+0\\s+0\\s+0\\s+0\\s+1$`),
    );

    const sessions = await runCli(['report', 'sessions', '--format', 'csv', '--store', store]);
    expect(sessions.stdout).toBe(
      `\uFEFFday,account,timeout,servicer,bot,handover\n${day},${sim.openKfId},0,1,0,1\n`,
    );
  }, 60_000);
});
