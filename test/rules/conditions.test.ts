import { describe, expect, it } from 'vitest';
import { type ConversationState, emptyState } from '../../src/rules/conversation-state.ts';
import { Decider } from '../../src/rules/decider.ts';
import { loadRulesOrThrow } from '../../src/rules/load-rules.ts';
import { decodeSyncItem } from '../../src/wecom/sync-item.ts';
import { ruleDir } from './helpers.ts';

const base = { msgid: 'm1', open_kfid: 'wkA', external_userid: 'wm1', send_time: 1, origin: 3 };
const text = (content: string, menu_id?: string) => ({
  ...base,
  msgtype: 'text',
  text: { content, ...(menu_id && { menu_id }) },
});
const event = (payload: Record<string, unknown>) => ({
  msgid: 'e1',
  send_time: 1,
  origin: 4,
  msgtype: 'event',
  event: { open_kfid: 'wkA', external_userid: 'wm1', ...payload },
});
const THU_10 = Date.parse('2026-11-26T10:00:00+08:00');
const THU_20 = Date.parse('2026-11-26T20:00:00+08:00');
const HOLIDAY = Date.parse('2026-10-01T10:00:00+08:00');

/** Does a rule with this `when` (flow-style YAML) match the item? */
async function matches(
  when: string,
  item: object,
  opts: { state?: Partial<ConversationState>; now?: number } = {},
): Promise<boolean> {
  const yaml = `settings:
  holidays: [2026-10-01]
  schedules:
    office: { mon-fri: "09:00-18:00" }
menus:
  main: { items: [ { view: "https://e.com", label: 看看 } ] }
rules:
  - name: under test
    when: ${when}
    then: [ { nothing: test } ]
`;
  const decider = new Decider(loadRulesOrThrow(ruleDir({ 'r.yaml': yaml })));
  const d = await decider.decide(decodeSyncItem(item), {
    state: { ...emptyState(), ...opts.state },
    now: opts.now ?? THU_10,
  });
  return d.matched.length === 1;
}

describe('conditions on what a message says', () => {
  it.each([
    ['{ text: 你好 }', text('你好'), true],
    ['{ text: 你好 }', text('你好呀'), false],
    ['{ text: HELLO }', text('  ｈｅｌｌｏ  '), true],
    ['{ text: [hi, 你好] }', text('hi'), true],
    ['{ text: { not_equals: 你好 } }', text('再见'), true],
    ['{ text: { not_in: [a, b] } }', text('a'), false],
    ['{ text: { contains: 退款 } }', text('我要退款了'), true],
    ['{ text: { any: [退款, 退货] } }', text('能退货吗'), true],
    ['{ text: { any: [退款, 退货] } }', text('能换货吗'), false],
    ["{ text: { regex: '^\\d{6}$' } }", text('123456'), true],
    ["{ text: { regex: '^\\d{6}$' } }", text('1234567'), false],
    ['{ text: { exists: true } }', text('x'), true],
    ['{ menu_id: order }', text('查询订单', 'order'), true],
    ['{ menu_id: { exists: false } }', text('查询订单'), true],
    ['{ kind: image }', { ...base, msgtype: 'image', image: { media_id: 'M' } }, true],
    ['{ kind: [image, voice] }', text('x'), false],
    ['{ open_kfid: wkA }', text('x'), true],
    ['{ open_kfid: wkB }', text('x'), false],
  ])('%s on %j → %s', async (when, item, expected) => {
    expect(await matches(when, item)).toBe(expected);
  });
});

describe('conditions on events', () => {
  it.each([
    ['{ kind: enter_session, scene: live }', event({ event_type: 'enter_session', scene: 'live' }), true],
    [
      '{ scene_param: { contains: vip } }',
      event({ event_type: 'enter_session', scene_param: 'from=vip' }),
      true,
    ],
    ['{ change_type: ended }', event({ event_type: 'session_status_change', change_type: 3 }), true],
    [
      '{ change_type: [from_queue, 2] }',
      event({ event_type: 'session_status_change', change_type: 2 }),
      true,
    ],
    [
      '{ new_servicer: zhangsan }',
      event({ event_type: 'session_status_change', change_type: 1, new_servicer_userid: 'zhangsan' }),
      true,
    ],
    [
      '{ fail_type: { gte: 4 } }',
      event({ event_type: 'msg_send_fail', fail_msgid: 'x', fail_type: 6 }),
      true,
    ],
    [
      '{ kind: msg_send_fail, fail_type: 4 }',
      event({ event_type: 'msg_send_fail', fail_msgid: 'x', fail_type: 6 }),
      false,
    ],
    ['{ origin: system }', event({ event_type: 'user_recall_msg', recall_msgid: 'r' }), false],
    [
      '{ kind: user_recall_msg, origin: system }',
      event({ event_type: 'user_recall_msg', recall_msgid: 'r' }),
      true,
    ],
  ])('%s on %j → %s', async (when, item, expected) => {
    expect(await matches(when, item)).toBe(expected);
  });

  it('does not let a rule without a kind answer events', async () => {
    expect(
      await matches('{ service_state: ended }', event({ event_type: 'enter_session' }), {
        state: { service_state: 4 },
      }),
    ).toBe(false);
  });
});

describe('conditions on time', () => {
  it.each([
    ['{ time: office }', THU_10, true],
    ['{ time: office }', THU_20, false],
    ['{ time: { closed: office } }', THU_20, true],
    ['{ time: office }', HOLIDAY, false],
    ['{ holiday: true }', HOLIDAY, true],
    ['{ time: { between: "19:00-21:00" } }', THU_20, true],
    ['{ time: { between: "19:00-21:00", days: [sat, sun] } }', THU_20, false],
  ])('%s at %s → %s', async (when, now, expected) => {
    expect(await matches(when, text('x'), { now })).toBe(expected);
  });
});

describe('conditions on the conversation', () => {
  it.each([
    ['{ var.city: 上海 }', { vars: { city: '上海' } }, true],
    ['{ var.city: { exists: false } }', { vars: {} }, true],
    ['{ var.vip: true }', { vars: { vip: true } }, true],
    ['{ counter.asked: { gte: 2 } }', { counters: { asked: 2 } }, true],
    ['{ counter.asked: 0 }', {}, true],
    ['{ counter.asked: { lt: 1 } }', { counters: { asked: 1 } }, false],
    ['{ misses: { gt: 1 } }', { misses: 2 }, true],
    ['{ last_menu: main }', { last_menu: 'main' }, true],
    ['{ service_state: [new, bot] }', { service_state: 1 as const }, true],
    ['{ service_state: human }', { service_state: 1 as const }, false],
  ])('%s with %j → %s', async (when, state, expected) => {
    expect(await matches(when, text('x'), { state })).toBe(expected);
  });
});

describe('composition', () => {
  it.each([
    ['{ all: [ { text: { contains: a } }, { text: { contains: b } } ] }', 'ab', true],
    ['{ all: [ { text: { contains: a } }, { text: { contains: b } } ] }', 'a', false],
    ['{ any: [ { text: a }, { text: b } ] }', 'b', true],
    ['{ not: { text: a } }', 'a', false],
    ['{ not: { any: [ { text: a }, { text: b } ] } }', 'c', true],
    ['{ text: { contains: a }, not: { text: { contains: x } } }', 'ax', false],
  ])('%s on %s → %s', async (when, content, expected) => {
    expect(await matches(when, text(content))).toBe(expected);
  });
});
