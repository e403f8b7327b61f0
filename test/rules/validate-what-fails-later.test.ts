/**
 * Rule files that used to pass `kfbot validate` and then failed with customers, and messages that
 * named the wrong thing. Each is now said by validate, at the line to fix, in its own words.
 */
import { describe, expect, it } from 'vitest';
import { runInProcess } from '../cli/run-cli.ts';
import { ruleDir } from './helpers.ts';

const validate = async (yaml: string) => {
  const dir = ruleDir({ 'rules.yaml': yaml });
  return runInProcess(['validate', `${dir}/rules.yaml`]);
};

describe('validate catches what WeCom would refuse later', () => {
  it('a reply after transfer: { to: end } is an error (95018 every time)', async () => {
    const r = await validate(`rules:
  - name: 结束
    when: { text: { any: [再见] } }
    then:
      - transfer: { to: end }
      - reply: 感谢您的咨询
`);
    expect(r.code).toBe(1);
    expect(r.stdout).toContain(
      'rules.yaml:6:9: error: reply: comes after transfer: { to: end } in rule "结束": the session has ended by then, and WeCom refuses it (95018)',
    );
  });

  it('an event_reply with a menu is an error: the code of a session taken from the queue takes text only (§6)', async () => {
    const r = await validate(`menus:
  m:
    items: [ { click: a, label: A, reply: x } ]
rules:
  - name: 接入语
    when: { kind: session_status_change, change_type: from_queue }
    then: [ { event_reply: { menu: m } } ]
`);
    expect(r.code).toBe(1);
    expect(r.stdout).toContain('rules.yaml:7:28: error: event_reply can only send text');
  });

  it('two idle rules that wait the same time with nothing else to tell them apart are a warning', async () => {
    const r = await validate(`rules:
  - name: 提醒一
    when: { kind: idle, idle_for: 10m }
    then: [{ reply: 您还在吗 }]
  - name: 提醒二
    when: { kind: idle, idle_for: 10m }
    then: [{ reply: 还需要帮助吗 }]
  - name: 工作时间外
    when: { kind: idle, idle_for: 10m, not: { time: { between: "09:00-18:00" } } }
    then: [{ reply: 已下班 }]
`);
    expect(r.code).toBe(0);
    const warnings = r.stdout.split('\n').filter((l) => l.includes(': warning:'));
    expect(warnings).toHaveLength(1);
    expect(warnings[0]).toMatch(
      /rules\.yaml:5:\d+: warning: idle rule "提醒二" waits as long as "提醒一" \(\S+:2\) with no other condition/,
    );
  });
});

describe('validate names the right thing', () => {
  it('a faq id used twice is named as a faq id, a blank question as empty', async () => {
    const r = await validate(`faq:
  - id: cancel
    questions: [怎么取消订单]
    reply: 可以取消
  - id: cancel
    questions: [能取消吗]
    reply: 可以取消
  - id: refund
    questions: [怎么退款, " "]
    reply: 原路退回
`);
    expect(r.stdout).toContain('faq id "cancel" is used twice');
    expect(r.stdout).not.toContain('rule name "faq → cancel"');
    expect(r.stdout).toContain('a question is empty (got " ")');
  });

  it('a threshold out of range is the only problem named, not a comparison with the default', async () => {
    const r = await validate(`settings:
  faq: { threshold: 1.5, suggest: 0.9 }
faq:
  - id: cancel
    questions: [怎么取消订单]
    reply: 可以取消
`);
    expect(r.stdout).toContain('settings.faq.threshold is a number from 0 to 1 (got number 1.5)');
    expect(r.stdout).not.toContain('is above threshold (0.5)');
  });
});
