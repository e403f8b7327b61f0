import { describe, expect, it } from 'vitest';
import type { Conversation } from '../../src/conversation/conversation.ts';
import { applyGuards, serviceStateAfter } from '../../src/conversation/platform-guards.ts';
import { emptyState } from '../../src/rules/conversation-state.ts';
import type { Plan, PlannedCall } from '../../src/rules/plan-calls.ts';
import type { RuleModel } from '../../src/rules/rule-model.ts';
import { decodeSyncItem } from '../../src/wecom/sync-item.ts';

const NOW = 1_800_000_000_000;
const text = decodeSyncItem({
  msgid: 'm',
  open_kfid: 'wk',
  external_userid: 'wm',
  send_time: NOW / 1000,
  origin: 3,
  msgtype: 'text',
  text: { content: 'x' },
});
const send = (step: number): PlannedCall => ({
  api: 'kf/send_msg',
  step,
  rule: 'r',
  body: { touser: 'wm', open_kfid: 'wk', msgtype: 'text', text: { content: String(step) } },
});
const plan = (calls: PlannedCall[]): Plan => ({ calls, dropped: [] });
const conv = (
  over: Partial<Conversation> = {},
  state: Partial<Conversation['state']> = {},
): Conversation => ({
  state: { ...emptyState(), service_state: 1, ...state },
  quotaUsed: 0,
  lastCustomerAt: NOW,
  ...over,
});
const rules = new Map<string, RuleModel>();

describe('platform guards', () => {
  it('lets through what WeCom accepts', () => {
    const g = applyGuards(plan([send(0), send(1)]), { item: text, conversation: conv(), rules, now: NOW });
    expect(g.calls).toHaveLength(2);
    expect(g.quotaSpent).toBe(2);
  });

  it('drops the sixth send_msg for one customer message, naming the rule and the reason', () => {
    const g = applyGuards(plan([send(0), send(1), send(2)]), {
      item: text,
      conversation: conv({ quotaUsed: 3 }),
      rules,
      now: NOW,
    });
    expect(g.calls.map((c) => c.step)).toEqual([0, 1]);
    expect(g.dropped).toEqual([{ step: 2, rule: 'r', reason: expect.stringContaining('5-message quota') }]);
  });

  it('drops send_msg 48 h after the customer last wrote', () => {
    const g = applyGuards(plan([send(0)]), {
      item: text,
      conversation: conv({ lastCustomerAt: NOW - 49 * 3600_000 }),
      rules,
      now: NOW,
    });
    expect(g.dropped[0]?.reason).toContain('95002');
  });

  it('drops send_msg to a customer who has not written yet, as WeCom would (§9.8: the session is 4 未开始, 95018)', () => {
    const g = applyGuards(plan([send(0)]), {
      item: text,
      conversation: (({ lastCustomerAt: _, ...rest }) => rest)(conv({}, { service_state: 4 })),
      rules: new Map([['r', { ignoreServiceState: true } as RuleModel]]),
      now: NOW,
    });
    expect(g.dropped[0]?.reason).toContain('has not written');
    expect(g.dropped[0]?.reason).toContain('95018');
  });

  it('drops send_msg while a human has the session, unless the rule says to ignore the state', () => {
    const human = conv({}, { service_state: 3 });
    expect(
      applyGuards(plan([send(0)]), { item: text, conversation: human, rules, now: NOW }).dropped[0]?.reason,
    ).toContain('with a human servicer');
    const forced = new Map([['r', { ignoreServiceState: true } as RuleModel]]);
    expect(
      applyGuards(plan([send(0)]), { item: text, conversation: human, rules: forced, now: NOW }).calls,
    ).toHaveLength(1);
  });

  it('drops a welcome whose 20-second code has run out', () => {
    const enter = decodeSyncItem({
      msgid: 'e',
      send_time: (NOW - 25_000) / 1000,
      origin: 4,
      msgtype: 'event',
      event: { event_type: 'enter_session', open_kfid: 'wk', external_userid: 'wm', welcome_code: 'W' },
    });
    const welcome: PlannedCall = {
      api: 'kf/send_msg_on_event',
      step: 0,
      rule: '欢迎语',
      body: { code: 'W', msgtype: 'text', text: { content: 'hi' } },
    };
    const g = applyGuards(plan([welcome]), { item: enter, conversation: conv(), rules, now: NOW });
    expect(g.dropped[0]?.reason).toBe('the welcome_code is 25 s old; it is valid for 20 s');
  });
});

describe('a reply sent as several messages spends one of the 5 per message (§9.10)', () => {
  /** A 3-part text of step 1, 2,000 bytes each part (the last part 1,000). */
  const parts = (): PlannedCall[] =>
    [2000, 2000, 1000].map((size, i) => ({
      api: 'kf/send_msg',
      step: 1,
      rule: '长回答',
      body: { touser: 'wm', open_kfid: 'wk', msgtype: 'text', text: { content: 'x'.repeat(size) } },
      part: { index: i + 1, of: 3, bytes: 5000 },
    }));
  const textOf = (c: PlannedCall | undefined) =>
    c?.api === 'kf/send_msg' && c.body.msgtype === 'text' ? c.body.text.content : undefined;

  it('counts every part against the quota', () => {
    const g = applyGuards(plan([send(0), ...parts()]), { item: text, conversation: conv(), rules, now: NOW });
    expect(g.calls).toHaveLength(4);
    expect(g.quotaSpent).toBe(4);
    expect(g.dropped).toEqual([]);
  });

  it('sends the parts that fit, the last ending with …, and says in one entry which parts were not sent', () => {
    const all = parts();
    const g = applyGuards(plan([send(0), ...all, send(2)]), {
      item: text,
      conversation: conv({ quotaUsed: 2 }),
      rules,
      now: NOW,
    });
    expect(g.calls.map((c) => [c.step, c.api === 'kf/send_msg' ? c.part?.index : undefined])).toEqual([
      [0, undefined],
      [1, 1],
      [1, 2],
    ]);
    expect(g.quotaSpent).toBe(3);
    expect(textOf(g.calls[1])).toBe(textOf(all[0]));
    expect(textOf(g.calls[2])).toBe(`${textOf(all[1])}…`);
    expect(g.dropped).toEqual([
      {
        step: 1,
        rule: '长回答',
        reason:
          'the 5-message quota for this customer message is used up; WeCom would refuse with 95001; its 5000-byte text went out as 2 of the 3 messages it was split into, the last ending with "…"; message 3 (1000 bytes) not sent',
      },
      { step: 2, rule: 'r', reason: expect.stringContaining('5-message quota') },
    ]);
  });

  it('says so when none of the parts can be sent', () => {
    const g = applyGuards(plan(parts()), {
      item: text,
      conversation: conv({ quotaUsed: 5 }),
      rules,
      now: NOW,
    });
    expect(g.calls).toEqual([]);
    expect(g.dropped).toHaveLength(1);
    expect(g.dropped[0]?.reason).toContain(
      'none of the 3 messages its 5000-byte text was split into were sent',
    );
  });
});

describe('service state tracking', () => {
  const event = (payload: object) =>
    decodeSyncItem({
      msgid: 'e',
      send_time: 1,
      origin: 4,
      msgtype: 'event',
      event: { open_kfid: 'wk', external_userid: 'wm', ...payload },
    });
  it.each([
    [undefined, text, 0],
    [4, text, 0],
    [3, text, 3],
    [1, event({ event_type: 'session_status_change', change_type: 1 }), 3],
    [3, event({ event_type: 'session_status_change', change_type: 3 }), 4],
    [
      undefined,
      decodeSyncItem({
        msgid: 's',
        open_kfid: 'wk',
        external_userid: 'wm',
        send_time: 1,
        origin: 5,
        msgtype: 'text',
        text: { content: 'x' },
      }),
      3,
    ],
  ] as const)('from %s after %j is %s', (before, item, after) => {
    expect(serviceStateAfter(before, item)).toBe(after);
  });
});
