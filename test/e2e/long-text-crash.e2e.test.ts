/**
 * A reply sent as 3 messages (over WeCom's 2048 bytes, §5) across kill -9 of the real
 * `kfbot serve`, between its parts: each part is its own recorded send with its own client msgid,
 * so the restarted server goes on from the part it reached and the customer gets every part
 * exactly once, in order — whether the interrupted part reached WeCom or not.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { startSimulator, type WeComSimulator } from '../../src/simulator/index.ts';
import { byteLength } from '../../src/wecom/send-limits.ts';
import { ruleDir } from '../rules/helpers.ts';
import { type KfbotProcess, killHard, serveForSimulator, storeDir, waitFor } from './kfbot-process.ts';

/** Three paragraphs of about 1,630 bytes: one message each. */
const PART = (n: string) => `第${n}部分：${'本店支持七天无理由退货，请保持商品完好。'.repeat(27)}`;
const POLICY = [PART('一'), PART('二'), PART('三')].join('\n\n');
const RULES = `rules:
  - name: 退货政策
    when: { text: { any: [退货] } }
    then:
      - reply: |-
${POLICY.split('\n')
  .map((l) => (l ? `          ${l}` : ''))
  .join('\n')}
`;

let sim: WeComSimulator;
let bot: KfbotProcess | undefined;
let rules: string;
let dir: string;

const start = (): Promise<KfbotProcess> => serveForSimulator(sim, { store: dir, rules });

const texts = (id: string) =>
  sim.sent(sim.openKfId, id).map((m) => (m.content.text as { content: string }).content);
const isPart2 = (body: unknown) => JSON.stringify(body).includes('第二部分');

beforeEach(async () => {
  sim = await startSimulator();
  rules = ruleDir({ 'rules.yaml': RULES });
  dir = storeDir();
});

afterEach(async () => {
  await bot?.stop('SIGKILL');
  bot = undefined;
  await sim.close();
});

async function killAndRestart(): Promise<void> {
  await killHard(bot);
  sim.faults.clear();
  bot = await start();
}

describe('a reply in 3 messages across kill -9 between its parts', () => {
  it('part 2 delivered but its answer lost: after the restart part 2 is not sent again, part 3 is', async () => {
    expect(byteLength(POLICY)).toBeGreaterThan(4096);
    bot = await start();
    // WeCom delivers part 2, then holds its answer: kfbot dies not knowing it went out.
    sim.faults.inject({ api: 'kf/send_msg', apply: true, delayMs: 60_000, match: isPart2 });
    const id = sim.customerSays({ text: '退货' }).external_userid as string;
    await waitFor(() => texts(id).length === 2, 'parts 1 and 2 delivered');
    await killAndRestart();
    await waitFor(() => texts(id).length >= 3, 'part 3', 15_000);
    await new Promise((r) => setTimeout(r, 500));
    expect(texts(id)).toEqual([`${PART('一')}\n\n`, `${PART('二')}\n\n`, PART('三')]);
    expect(texts(id).join('')).toBe(POLICY);
    // The retried part 2 met WeCom's duplicate-msgid refusal, which says the first one arrived.
    expect(bot?.logs.some((l) => l.msg === 'an earlier attempt was delivered; not sending again')).toBe(true);
  });

  it('part 2 never reached WeCom: after the restart part 1 is not repeated, parts 2 and 3 follow', async () => {
    bot = await start();
    // Part 2 hangs on its way in: kfbot dies with it recorded `attempting`, not delivered.
    sim.faults.inject({ api: 'kf/send_msg', delayMs: 60_000, match: isPart2 });
    const id = sim.customerSays({ text: '退货' }).external_userid as string;
    await waitFor(
      () => texts(id).length === 1 && sim.requests.byApi('kf/send_msg').length === 2,
      'part 2 on its way',
    );
    await killAndRestart();
    await waitFor(() => texts(id).length >= 3, 'parts 2 and 3', 15_000);
    await new Promise((r) => setTimeout(r, 500));
    expect(texts(id)).toEqual([`${PART('一')}\n\n`, `${PART('二')}\n\n`, PART('三')]);
  });
});
