/**
 * A hot reload of a big FAQ (1,000 items × 10 相似问法) is built off the event loop (issue #25
 * item 8): /healthz keeps answering while it loads, and the old rules keep serving until the new
 * ones are ready.
 */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { request } from 'undici';
import { afterEach, beforeEach, expect, it } from 'vitest';
import { startSimulator, type WeComSimulator } from '../../src/simulator/index.ts';
import { bigFaqYaml } from './big-faq-rules.ts';
import { AES_KEY, type KfbotProcess, startKfbotProcess, storeDir, TOKEN, waitFor } from './kfbot-process.ts';

let sim: WeComSimulator;
let bot: KfbotProcess | undefined;

beforeEach(async () => {
  sim = await startSimulator();
});

afterEach(async () => {
  await bot?.stop('SIGTERM');
  await sim.close();
});

it('keeps answering /healthz and the customer with the old rules while a 10,000-question FAQ reloads', async () => {
  const rulesDir = storeDir();
  const file = join(rulesDir, 'rules.yaml');
  writeFileSync(
    file,
    'rules:\n  - { name: 问候, when: { text: { any: [你好] } }, then: [ { reply: 旧规则 } ] }\n',
  );
  bot = await startKfbotProcess({
    apiBase: sim.url,
    corpId: sim.corpId,
    secret: sim.secret,
    store: storeDir(),
    rules: rulesDir,
  });
  sim.callbacks.configure({ url: `${bot.url}/callback`, token: TOKEN, encodingAesKey: AES_KEY });
  const running = bot;
  const reloaded = () => running.logs.some((l) => l.version === 2);

  writeFileSync(
    file,
    `${bigFaqYaml(1000, 10)}rules:\n  - { name: 问候, when: { text: { any: [你好] } }, then: [ { reply: 新规则 } ] }\n`,
  );
  // One /healthz after another until the reload is logged: thousands are answered meanwhile; with
  // the build on the event loop, only the few before it starts (measured: 8).
  const statuses: number[] = [];
  let customer: string | undefined;
  while (!reloaded()) {
    const res = await request(`${running.url}/healthz`);
    statuses.push(res.statusCode);
    await res.body.dump();
    // A customer asking meanwhile is answered with the rules still in force.
    if (customer === undefined && statuses.length === 3) {
      const said = sim.customerSays({ text: '你好' });
      customer = said.external_userid as string;
    }
  }
  expect(customer).toBeDefined();
  expect(statuses.length).toBeGreaterThanOrEqual(200);
  expect(statuses.every((s) => s === 200)).toBe(true);
  await waitFor(() => sim.sent(sim.openKfId, customer as string).length === 1, 'the answer');
  expect(JSON.stringify(sim.sent(sim.openKfId, customer as string)[0]?.content)).toContain('旧规则');

  // The new rules, FAQ included, answer once loaded.
  sim.customerSays({ externalUserId: customer as string, text: '退款发票怎么处理0号0' });
  await waitFor(() => sim.sent(sim.openKfId, customer as string).length === 2, 'the FAQ answer', 30_000);
  expect(JSON.stringify(sim.sent(sim.openKfId, customer as string)[1]?.content)).toContain('第 0 项的答案');
}, 120_000);
