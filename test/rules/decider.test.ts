import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { compileRuleSources } from '../../src/rules/compile-rules.ts';
import { emptyState } from '../../src/rules/conversation-state.ts';
import { Decider } from '../../src/rules/decider.ts';
import type { RuleSet } from '../../src/rules/rule-model.ts';
import { readRuleSources } from '../../src/rules/rule-source.ts';
import { decodeSyncItem } from '../../src/wecom/sync-item.ts';

const SHOP = `
settings:
  timezone: Asia/Shanghai
  schedules:
    business_hours: { mon-fri: "09:00-18:00" }
menus:
  main:
    head: "{{nickname|亲}}您好，请选择："
    items:
      - click: order
        label: 查询订单
        reply: 请发送订单号
      - click: refund
        label: 退款说明
        menu: refund
  refund:
    items:
      - click: refund_time
        label: 多久到账
        reply: 1-3 个工作日到账
rules:
  - name: 欢迎语
    when: { kind: enter_session }
    then:
      - welcome: { menu: main }
  - name: 退款关键词
    when: { text: { any: [退款, 退货] } }
    then:
      - reply: { menu: refund }
  - name: 营业时间外
    priority: 10
    continue: true
    when: { time: { closed: business_hours } }
    then:
      - reply: 现在是非工作时间，我们明天回复您
  - name: 结束语
    when: { change_type: ended }
    then:
      - closing: 感谢咨询，再见！
  - name: 兜底转人工
    fallback: true
    when: { misses: { gte: 1 } }
    then:
      - transfer: { to: queue, notice: 正在为您转接人工客服 }
  - name: 兜底
    fallback: true
    then:
      - reply: 没听懂，请点击菜单
`;

function load(yaml: string): RuleSet {
  const dir = mkdtempSync(join(tmpdir(), 'kfbot-rules-'));
  writeFileSync(join(dir, 'shop.yaml'), yaml);
  const result = compileRuleSources(readRuleSources(dir));
  if (!result.ruleSet) throw new Error(result.problems.map((p) => p.message).join('\n'));
  return result.ruleSet;
}

const base = { msgid: 'm1', open_kfid: 'wk1', external_userid: 'wm1', send_time: 1, origin: 3 };
const text = (content: string, menu_id?: string) =>
  decodeSyncItem({ ...base, msgtype: 'text', text: { content, ...(menu_id && { menu_id }) } });
// Thursday 2026-11-26 10:00 in Shanghai, and 22:00 the same day.
const OPEN = Date.parse('2026-11-26T02:00:00Z');
const CLOSED = Date.parse('2026-11-26T14:00:00Z');

describe('deciding one message', () => {
  const decider = new Decider(load(SHOP));

  it('welcomes with the main menu on enter_session', async () => {
    const item = decodeSyncItem({
      msgid: 'e1',
      send_time: 1,
      origin: 4,
      msgtype: 'event',
      event: { event_type: 'enter_session', open_kfid: 'wk1', external_userid: 'wm1', welcome_code: 'W' },
    });
    const d = await decider.decide(item, { state: emptyState(), now: OPEN });
    expect(d.matched.map((r) => r.name)).toEqual(['欢迎语']);
    expect(d.actions[0]?.action).toMatchObject({ type: 'send_on_event', code: 'welcome_code' });
    expect(d.state.last_menu).toBe('main');
  });

  it('answers a menu click with the click item’s reply', async () => {
    const d = await decider.decide(text('查询订单', 'order'), { state: emptyState(), now: OPEN });
    expect(d.matched.map((r) => r.name)).toEqual(['main → 查询订单']);
  });

  it('matches keywords after full-width normalisation', async () => {
    const d = await decider.decide(text('我想ＴＵＩ 退款！'), { state: emptyState(), now: OPEN });
    expect(d.matched.map((r) => r.name)).toEqual(['退款关键词']);
  });

  it('lets a continue rule add its reply before the rule that answers', async () => {
    const d = await decider.decide(text('退货'), { state: emptyState(), now: CLOSED });
    expect(d.matched.map((r) => r.name)).toEqual(['营业时间外', '退款关键词']);
  });

  it('falls back, then hands off to a human on the second miss', async () => {
    const first = await decider.decide(text('天气如何'), { state: emptyState(), now: OPEN });
    expect(first.matched.map((r) => r.name)).toEqual(['兜底']);
    expect(first.state.misses).toBe(1);
    const second = await decider.decide(text('还是不懂'), { state: first.state, now: OPEN });
    expect(second.matched.map((r) => r.name)).toEqual(['兜底转人工']);
    expect(second.state.misses).toBe(2);
    const answered = await decider.decide(text('退款'), { state: second.state, now: OPEN });
    expect(answered.state.misses).toBe(0);
  });

  it('sends the closing remark when a servicer ends the session', async () => {
    const item = decodeSyncItem({
      msgid: 'e2',
      send_time: 1,
      origin: 4,
      msgtype: 'event',
      event: {
        event_type: 'session_status_change',
        open_kfid: 'wk1',
        external_userid: 'wm1',
        change_type: 3,
        msg_code: 'C',
      },
    });
    const d = await decider.decide(item, { state: emptyState(), now: OPEN });
    expect(d.matched.map((r) => r.name)).toEqual(['结束语']);
  });

  it('never answers a servicer’s own message', async () => {
    const item = decodeSyncItem({
      ...base,
      origin: 5,
      servicer_userid: 'zhangsan',
      msgtype: 'text',
      text: { content: '退款' },
    });
    const d = await decider.decide(item, { state: emptyState(), now: OPEN });
    expect(d.skipped).toContain('origin 5');
    expect(d.actions).toEqual([]);
  });

  it('explains which conditions held', async () => {
    const d = await decider.decide(text('退款'), { state: emptyState(), now: OPEN });
    const ev = d.evaluations.find((e) => e.rule.name === '退款关键词');
    expect(ev?.conditions[0]).toMatchObject({
      label: 'text contains any of ["退款","退货"]',
      result: true,
      factValue: '退款',
    });
  });
});
