import { afterEach, expect, it } from 'vitest';
import { ManualClock, startSimulator, type WeComSimulator } from '../../src/simulator/index.ts';
import { expectNoSecrets } from '../support/secrets.ts';
import { AES_KEY, type KfbotProcess, startKfbotProcess, storeDir, TOKEN, waitFor } from './kfbot-process.ts';

let sim: WeComSimulator | undefined;
let bot: KfbotProcess | undefined;

afterEach(async () => {
  if (bot && sim) expectNoSecrets(bot.lines, sim, [TOKEN, AES_KEY]);
  await bot?.stop('SIGKILL');
  await sim?.close();
});

it('on its first start, records older history without answering it and answers what is new', async () => {
  const clock = new ManualClock(Date.now() - 30 * 60_000);
  sim = await startSimulator({ clock });
  const old = sim.customerSays({ text: 'echo 半小时前' });
  const customer = old.external_userid as string;
  clock.set(Date.now());
  bot = await startKfbotProcess({
    apiBase: sim.url,
    corpId: sim.corpId,
    secret: sim.secret,
    store: storeDir(),
    rules: 'test/e2e/rules',
  });
  sim.callbacks.configure({ url: `${bot.url}/callback`, token: TOKEN, encodingAesKey: AES_KEY });
  sim.customerSays({ externalUserId: customer, text: 'echo 现在' });
  await waitFor(() => sim?.sent(sim.openKfId, customer).length === 1, 'the answer to the new message');
  await waitFor(
    () => (bot?.logs ?? []).some((l) => String(l.note).startsWith('history')),
    'the history to be recorded',
  );
  expect(JSON.stringify(sim.sent(sim.openKfId, customer)[0]?.content)).toContain('echo 现在');
});
