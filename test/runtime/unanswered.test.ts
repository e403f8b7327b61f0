/**
 * The unanswered-question loop through the real app: customer texts no rule answered are kept,
 * grouped and counted, and counted in a metric; with KFBOT_UNANSWERED_RETENTION 0 nothing is kept.
 * A click on an item a 猜你想问 menu offered for such a text is kept with it: what the customer meant.
 */
import { request } from 'undici';
import { afterEach, describe, expect, it } from 'vitest';
import { startSimulator, type WeComSimulator } from '../../src/simulator/index.ts';
import { ruleDir } from '../rules/helpers.ts';
import { type InProcessKfbot, startInProcess } from '../support/in-process-kfbot.ts';
import { until } from '../support/until.ts';

let sim: WeComSimulator;
let bot: InProcessKfbot;

afterEach(async () => {
  await bot.close();
  await sim.close();
});

async function converse(retentionMs: number): Promise<void> {
  sim = await startSimulator();
  bot = await startInProcess(sim, { config: { unansweredRetentionMs: retentionMs } });
  const a = sim.customerSays({ text: '今天天气怎么样？' }).external_userid as string;
  const b = sim.customerSays({ text: '今天天气怎么样' }).external_userid as string;
  sim.customerSays({ externalUserId: a, text: 'echo 你好' });
  await until(
    () => sim.sent(sim.openKfId, a).length >= 2 && sim.sent(sim.openKfId, b).length >= 1,
    'every message answered',
  );
  await bot.app.work.idle();
}

const unansweredMetric = async () => {
  const text = await (await request(`${bot.app.url}/metrics`)).body.text();
  return Number(/^kfbot_unanswered_questions_total (\d+)/m.exec(text)?.[1]);
};

describe('unanswered questions', () => {
  it('keeps customer texts only a fallback answered, grouped by their normalised form and counted', async () => {
    await converse(30 * 86_400_000);
    const rows = await bot.app.store.listUnanswered(0, 10);
    expect(rows).toHaveLength(1);
    expect(rows[0]).toMatchObject({ openKfId: sim.openKfId, count: 2, candidates: [] });
    expect(rows[0]?.text).toBe('今天天气怎么样');
    expect(['今天天气怎么样？', '今天天气怎么样']).toContain(rows[0]?.example);
    expect(await unansweredMetric()).toBe(2);
  });

  it('keeps nothing when KFBOT_UNANSWERED_RETENTION is 0, but still counts them', async () => {
    await converse(0);
    expect(await bot.app.store.listUnanswered(0, 10)).toEqual([]);
    expect(await unansweredMetric()).toBe(2);
  });
});

const SUGGESTING = `
settings:
  faq: { suggest: 0.2 }   # two items only: every word is common, so scores run low
menus:
  main:
    items:
      - { click: return_policy, label: 怎么申请退换货？, questions: [能换货吗, 怎么退货], reply: 签收后 7 天内可申请退换货 }
      - { click: order_where, label: 我的快递到哪了？, questions: [快递怎么还没到], reply: 请在我的订单中查看物流 }
rules:
  - name: 没听懂
    fallback: true
    then:
      - reply: 没太明白
      - suggest: { head: 您是不是想问：, otherwise: { menu: main } }
`;

describe('what customers chose from 猜你想问', () => {
  it('keeps the item a customer clicked in the suggestion menu with the text it was offered for', async () => {
    sim = await startSimulator();
    bot = await startInProcess(sim, {
      config: { rules: ruleDir({ 'rules.yaml': SUGGESTING }), unansweredRetentionMs: 30 * 86_400_000 },
    });
    const sent = (who: string) => sim.sent(sim.openKfId, who);
    const a = sim.customerSays({ text: '我要换个颜色' }).external_userid as string;
    await until(() => sent(a).length === 2, 'the fallback and its suggestion menu');
    expect(JSON.stringify(sent(a)[1])).toContain('"head_content":"您是不是想问："');
    sim.customerClicksMenu({ externalUserId: a, id: 'return_policy' });
    await until(() => sent(a).length === 3, 'the answer to the click');
    // A second customer asks the same, then writes something else before clicking: not a choice.
    const b = sim.customerSays({ text: '我要换个颜色！' }).external_userid as string;
    await until(() => sent(b).length === 2, 'the second suggestion menu');
    sim.customerSays({ externalUserId: b, text: '算了' });
    await until(() => sent(b).length === 4, 'the answer to 算了');
    sim.customerClicksMenu({ externalUserId: b, id: 'return_policy' });
    await until(() => sent(b).length === 5, 'the late click answered');
    await bot.app.work.idle();
    const rows = await bot.app.store.listUnanswered(0, 10);
    // Grouped in the FAQ's form (我要 is 我想), with the choice of the one customer who clicked at once.
    expect(rows.find((r) => r.text === '我想换个颜色')).toMatchObject({
      count: 2,
      chosen: { return_policy: 1 },
    });
    // Typed texts by how the FAQ fared: two suggestion menus, and 算了 near nothing (clicks are not typed).
    const metrics = await (await request(`${bot.app.url}/metrics`)).body.text();
    expect(metrics).toMatch(/^kfbot_faq_matches_total\{outcome="suggested"\} 2$/m);
    expect(metrics).toMatch(/^kfbot_faq_matches_total\{outcome="unmatched"\} 1$/m);
  });
});

describe('what counts as unanswered', () => {
  it('keeps a greeting no rule answered, as the help and .env.example say, under its own words', async () => {
    sim = await startSimulator();
    bot = await startInProcess(sim, { config: { unansweredRetentionMs: 86_400_000 } });
    const a = sim.customerSays({ text: '你好' }).external_userid as string;
    sim.customerSays({ externalUserId: a, text: '在吗' });
    await until(() => sim.sent(sim.openKfId, a).length >= 2, 'both answered');
    await bot.app.work.idle();
    const rows = await bot.app.store.listUnanswered(0, 10);
    expect(rows.map((r) => [r.text, r.example]).sort()).toEqual([
      ['你好', '你好'],
      ['在', '在吗'], // filler 吗 folded, as the FAQ folds it
    ]);
  });
});

describe('KFBOT_UNANSWERED_RETENTION=0 on a store a sandbox skipped ahead', () => {
  it('purges every kept group, also those last seen in the future', async () => {
    const { mkdtempSync } = await import('node:fs');
    const { tmpdir } = await import('node:os');
    const { join } = await import('node:path');
    const { SqliteStore } = await import('../../src/store/sqlite-store.ts');
    const path = join(mkdtempSync(join(tmpdir(), 'kfbot-future-')), 'kfbot.db');
    const seeded = new SqliteStore(path);
    // What /wait 168h in a sandbox with this store leaves: a row stamped a week ahead.
    await seeded.recordUnanswered({
      openKfId: 'wkA',
      text: '在吗',
      example: '在吗',
      at: Date.now() + 7 * 86_400_000,
      candidates: [],
    });
    await seeded.close();
    sim = await startSimulator();
    bot = await startInProcess(sim, { config: { unansweredRetentionMs: 0, store: `sqlite:${path}` } });
    expect(await bot.app.store.listUnanswered(0, 10)).toEqual([]);
  });
});
