/**
 * The activity log fed by the real app against the simulator: rule hits and misses, messages no
 * rule matched, satisfaction scores (one per session), session ends and hand-overs by how. A store
 * that cannot record them still answers the customer.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { partlyText, ruleRows } from '../../src/reports/rule-rows.ts';
import { ManualClock, MINUTE, startSimulator, type WeComSimulator } from '../../src/simulator/index.ts';
import { daysQuery } from '../../src/store/activity-days.ts';
import type { ActivityQuery } from '../../src/store/activity-log.ts';
import { ruleDir } from '../rules/helpers.ts';
import { type InProcessKfbot, startInProcess } from '../support/in-process-kfbot.ts';

const RULES = `
menus:
  rate:
    head: 请为本次服务打分：
    items:
      - { click: rate_5, label: 非常满意, score: 5, reply: 感谢您的好评！ }
      - { click: rate_3, label: 一般, score: 3, reply: 谢谢反馈 }
      - { click: rate_1, label: 不满意, score: 1, reply: 非常抱歉 }
      - { click: more, label: 还有问题, reply: 请直接输入问题 }
rules:
  - name: 人工接待中
    priority: 1000
    when: { service_state: [queued, human] }
    then: [ { nothing: 人工处理中 } ]
  - name: 结束语
    when: { kind: session_status_change, change_type: ended }
    then: [ { closing: { menu: rate } } ]
  - name: 转人工
    when: { text: 人工 }
    then: [ { transfer: queue } ]
  - name: 再见
    when: { text: 再见 }
    then: [ { transfer: { to: end, notice: 再见 } } ]
  - name: 六连
    when: { text: 六 }
    then: [ { reply: "1" }, { reply: "2" }, { reply: "3" }, { reply: "4" }, { reply: "5" }, { reply: "6" } ]
  - name: 复述
    when: { text: { any: [echo] } }
    then: [ { reply: 收到 } ]
`;

let sim: WeComSimulator;
let bot: InProcessKfbot;

afterEach(async () => {
  await bot.close();
  await sim.close();
});

async function start(rules = RULES, clock?: ManualClock): Promise<void> {
  sim = await startSimulator(clock && { clock });
  bot = await startInProcess(sim, {
    config: { rules: ruleDir({ 'rules.yaml': rules }) },
    ...(clock && { now: () => clock.now() }),
  });
}

/** Polls `check`, doing `meanwhile` (a nudge) before each look. */
async function until(check: () => boolean, what: string, meanwhile = () => {}): Promise<void> {
  const deadline = Date.now() + 15_000;
  for (meanwhile(); !check(); meanwhile()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

/** Waits for every owed pull, so what the messages recorded is in the store. */
async function settled(): Promise<void> {
  await sim.idle();
  await bot.app.work.idle();
}

const today = (): ActivityQuery => daysQuery('UTC', new Date().toISOString().slice(0, 10));
const sentTo = (customer: string) => sim.sent(sim.openKfId, customer);

describe('the activity kfbot records for the reports', () => {
  it('counts each matched rule once per message, a reply a guard cut short as partly delivered, and messages no rule matched', async () => {
    await start();
    const customer = sim.customerSays({ text: 'echo 你好' }).external_userid as string;
    await until(() => sentTo(customer).length === 1, 'the echo');
    sim.customerSays({ externalUserId: customer, text: '六' });
    await until(() => sentTo(customer).length === 6, 'five of the six replies');
    sim.customerSays({ externalUserId: customer, text: '今天天气如何' });
    await settled();
    expect(await bot.app.store.activity.listRuleOutcomes(today())).toEqual([
      expect.objectContaining({ openKfId: sim.openKfId, rule: '六连', hits: 1, misses: 0 }),
      expect.objectContaining({ openKfId: sim.openKfId, rule: '复述', hits: 1, misses: 0 }),
    ]);
    // The 5-reply quota (§9.10) let 5 of its 6 replies through: partly delivered, not undelivered.
    expect(await bot.app.store.activity.listPartlyDelivered(today())).toEqual([
      expect.objectContaining({ openKfId: sim.openKfId, rule: '六连', messages: 1, sent: 5, parts: 6 }),
    ]);
    expect(await bot.app.store.activity.listUnmatched(today())).toEqual([
      expect.objectContaining({ openKfId: sim.openKfId, messages: 1 }),
    ]);
  });

  it('reports a long text cut short after its first part as partly delivered, 1 of 3 parts', async () => {
    const part = (n: string) => `第${n}部分：${'本店支持七天无理由退货，请保持商品完好。'.repeat(27)}`;
    const policy = [part('一'), part('二'), part('三')].join('\n\n');
    await start(`
rules:
  - name: 退货政策
    when: { text: 退货 }
    then: [ { reply: ${JSON.stringify(policy)} } ]
  - name: 复述
    when: { text: { any: [echo] } }
    then: [ { reply: 收到 } ]
`);
    // WeCom refuses part 2 (the 48 h window closed, §9.10): part 3 is not tried.
    sim.faults.inject({
      api: 'kf/send_msg',
      errcode: 95002,
      match: (body) => JSON.stringify(body).includes('第二部分'),
    });
    const customer = sim.customerSays({ text: '退货' }).external_userid as string;
    sim.customerSays({ externalUserId: customer, text: 'echo 你好' });
    await until(() => sentTo(customer).length === 2, 'part 1 and the echo');
    await settled();
    const q = today();
    const [outcomes, unmatched, partly] = await Promise.all([
      bot.app.store.activity.listRuleOutcomes(q),
      bot.app.store.activity.listUnmatched(q),
      bot.app.store.activity.listPartlyDelivered(q),
    ]);
    const rows = ruleRows(outcomes, unmatched, partly);
    const policyRow = rows.find((r) => r.rule === '退货政策');
    expect(policyRow).toMatchObject({
      hits: 1,
      delivered: 0,
      partly: 1,
      partlySent: 1,
      partlyOf: 3,
      undelivered: 0,
    });
    expect(rows.find((r) => r.rule === '复述')).toMatchObject({
      hits: 1,
      delivered: 1,
      partly: 0,
      undelivered: 0,
    });
    expect(policyRow && partlyText(policyRow)).toBe('1 (1 of 3 parts)');
  });

  it('counts a reply WeCom accepted but could not deliver (msg_send_fail) as a miss of its rule, once', async () => {
    await start();
    const customer = sim.customerSays({ text: 'echo 你好' }).external_userid as string;
    await until(() => sentTo(customer).length === 1, 'the echo');
    const [reply] = sentTo(customer);
    sim.sendFailure({ msgid: reply?.msgid as string, failType: 4 });
    await settled();
    expect(await bot.app.store.activity.listRuleOutcomes(today())).toEqual([
      expect.objectContaining({ openKfId: sim.openKfId, rule: '复述', hits: 1, misses: 1 }),
    ]);
  });

  it('keeps the score a click on a scored item gives, one per session, the later click replacing the earlier', async () => {
    await start();
    const customer = sim.customerSays({ text: '人工' }).external_userid as string;
    await until(() => sim.session({ externalUserId: customer }).state === 2, 'the hand-over');
    sim.servicerEnds({ externalUserId: customer });
    await until(() => sentTo(customer).length === 1, 'the closing menu');
    const firstClick = sim.customerClicksMenu({ externalUserId: customer, id: 'rate_3' });
    await until(() => sentTo(customer).length === 2, 'the answer to the first click');
    sim.customerClicksMenu({ externalUserId: customer, id: 'more' });
    sim.customerClicksMenu({ externalUserId: customer, id: 'rate_5' });
    await until(() => sentTo(customer).length === 4, 'the answer to the last click');
    await settled();
    const scores = await bot.app.store.activity.listScores(today());
    expect(scores).toEqual([
      expect.objectContaining({
        openKfId: sim.openKfId,
        externalUserId: customer,
        score: 5,
        clickId: 'rate_5',
      }),
    ]);
    // The first click after the end opened the session the score is kept under (§7.1: 4 → 0).
    expect(scores[0]?.sessionStartedAt).toBe(firstClick.send_time * 1000);
  });

  it('keeps the score a typed rating gives, as a click would, and none for a question that only mentions one', async () => {
    // 相似问法 on one item turn on typed matching for every labelled item.
    await start(RULES.replace('score: 5,', 'score: 5, questions: [很满意],'));
    const customer = sim.customerSays({ text: '人工' }).external_userid as string;
    await until(() => sim.session({ externalUserId: customer }).state === 2, 'the hand-over');
    sim.servicerEnds({ externalUserId: customer });
    await until(() => sentTo(customer).length === 1, 'the closing menu');
    // Not a rating: the words of 一般 are a small part of the message, so it is left to the rules.
    sim.customerSays({ externalUserId: customer, text: '一般要几天才能到货啊' });
    const rating = sim.customerSays({ externalUserId: customer, text: '非常满意！' });
    await until(() => sentTo(customer).some((m) => JSON.stringify(m).includes('感谢您的好评')), 'the answer');
    await settled();
    const scores = await bot.app.store.activity.listScores(today());
    expect(scores).toEqual([
      expect.objectContaining({
        externalUserId: customer,
        score: 5,
        clickId: 'rate_5',
        at: rating.send_time * 1000,
      }),
    ]);
  });

  it('records a servicer’s end, the bot’s end and a hand-over, each with how', async () => {
    await start();
    const a = sim.customerSays({ text: '人工' }).external_userid as string;
    const b = sim.customerSays({ text: '再见' }).external_userid as string;
    await until(() => sim.session({ externalUserId: a }).state === 2, 'the hand-over');
    await until(() => sim.session({ externalUserId: b }).state === 4, 'the bot’s end');
    sim.servicerEnds({ externalUserId: a });
    await until(() => sentTo(a).length === 1, 'the closing menu');
    await settled();
    const counts = await bot.app.store.activity.countSessionEnds(today());
    expect(counts.map((c) => [c.how, c.count])).toEqual([
      ['bot', 1],
      ['handover', 1],
      ['servicer', 1],
    ]);
  });

  it('records the end an idle rule makes as a timeout', async () => {
    const clock = new ManualClock(Date.now());
    await start(
      `${RULES}
  - name: 超时结束
    when: { kind: idle, idle_for: 30m }
    then: [ { transfer: { to: end, notice: 本次会话已结束 } } ]
`,
      clock,
    );
    const customer = sim.customerSays({ text: 'echo 你好' }).external_userid as string;
    await until(() => sentTo(customer).length === 1, 'the echo');
    await settled();
    clock.advance(31 * MINUTE);
    await until(
      () => sim.session({ externalUserId: customer }).state === 4,
      'the idle rule’s end',
      () => bot.app.idle.wake(),
    );
    await settled();
    const counts = await bot.app.store.activity.countSessionEnds(daysQuery('UTC', '2000-01-01'));
    expect(counts.map((c) => [c.openKfId, c.how, c.count])).toEqual([[sim.openKfId, 'timeout', 1]]);
    expect(await bot.app.store.activity.listRuleOutcomes(daysQuery('UTC', '2000-01-01'))).toContainEqual(
      expect.objectContaining({ rule: '超时结束', hits: 1, misses: 0 }),
    );
  });

  it('answers the customer when the activity cannot be recorded, and says so in the log', async () => {
    await start();
    const activity = bot.app.store.activity;
    activity.recordRuleOutcomes = async () => {
      throw new Error('disk full');
    };
    const customer = sim.customerSays({ text: 'echo 在吗' }).external_userid as string;
    await until(() => sentTo(customer).length === 1, 'the echo');
    await settled();
    const warning = bot.logs().find((l) => l.msg === 'could not record rule outcomes for the reports');
    expect(warning).toMatchObject({ err: 'disk full', msgid: expect.any(String) });
  });
});
