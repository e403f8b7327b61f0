/**
 * A text a placeholder made longer than WeCom's 2048 bytes (§5: 45002), planned: a reply becomes
 * consecutive send_msg calls, each with its own client msgid; a welcome or a transfer notice,
 * one message on a single-use code (§6), is cut short with "…".
 */
import { describe, expect, it } from 'vitest';
import { emptyState } from '../../src/rules/conversation-state.ts';
import { Decider } from '../../src/rules/decider.ts';
import { loadRulesOrThrow } from '../../src/rules/load-rules.ts';
import { clientMsgid, mediaPlaceholder, type PlannedCall, planCalls } from '../../src/rules/plan-calls.ts';
import { byteLength } from '../../src/wecom/send-limits.ts';
import { decodeSyncItem, type SyncItem } from '../../src/wecom/sync-item.ts';
import { fixture } from '../fixtures/load.ts';
import { ruleDir, textItem } from './helpers.ts';

const NOW = Date.parse('2026-11-26T10:00:00+08:00');
const text = textItem();
const enter = decodeSyncItem(fixture('sync-items/enter_session.json'));
/** 5,000 bytes of Chinese in sentences, as a customer's name would never be but a lookup's result may. */
const LONG = '您的订单已发货，预计明天送达。'.repeat(111);

async function plan(rules: string, item: SyncItem, nickname = LONG) {
  const decision = await new Decider(loadRulesOrThrow(ruleDir({ 'r.yaml': rules }))).decide(item, {
    state: emptyState(),
    now: NOW,
    nickname,
  });
  return planCalls(item, decision, { nickname, mediaId: mediaPlaceholder });
}

const textOf = (c: PlannedCall) =>
  c.api === 'kf/send_msg' && c.body.msgtype === 'text' ? c.body.text.content : undefined;

describe('a reply a placeholder made longer than 2048 bytes', () => {
  it('becomes consecutive send_msg calls of at most 2048 bytes that together are the text', async () => {
    const p = await plan(
      'rules:\n  - { name: r, when: { text: go }, then: [ { reply: "{{nickname|亲}}" }, { reply: 完 } ] }\n',
      text,
    );
    expect(byteLength(LONG)).toBe(4995);
    expect(p.calls.map((c) => [c.api, c.step])).toEqual([
      ['kf/send_msg', 0],
      ['kf/send_msg', 0],
      ['kf/send_msg', 0],
      ['kf/send_msg', 1],
    ]);
    const parts = p.calls.slice(0, 3).map((c) => textOf(c) ?? '');
    expect(parts.join('')).toBe(LONG);
    for (const t of parts) expect(byteLength(t)).toBeLessThanOrEqual(2048);
    expect(p.calls.map((c) => (c.api === 'kf/send_msg' ? c.part : undefined))).toEqual([
      { index: 1, of: 3, bytes: 4995 },
      { index: 2, of: 3, bytes: 4995 },
      { index: 3, of: 3, bytes: 4995 },
      undefined,
    ]);
    expect(textOf(p.calls[3] as PlannedCall)).toBe('完');
  });

  it('gives each part its own client msgid, the first the one a reply in one message has', async () => {
    const rules = 'rules:\n  - { name: r, when: { text: go }, then: [ { reply: "{{nickname|亲}}" } ] }\n';
    const first = await plan(rules, text);
    const ids = first.calls.map((c) => (c.api === 'kf/send_msg' ? c.body.msgid : ''));
    expect(ids[0]).toBe(clientMsgid('in-1', 0));
    expect(new Set(ids).size).toBe(3);
    for (const id of ids) expect(id).toMatch(/^[0-9a-zA-Z_-]{1,32}$/);
    // Planned again (a resumed or re-decided message), the parts carry the same msgids.
    const again = await plan(rules, text);
    expect(again.calls.map((c) => (c.api === 'kf/send_msg' ? c.body.msgid : ''))).toEqual(ids);
    // A short text is still one call with the step's msgid.
    const short = await plan(rules, text, '张三');
    expect(short.calls).toEqual([
      expect.objectContaining({ body: expect.objectContaining({ msgid: ids[0] }) }),
    ]);
  });
});

describe('an event text a placeholder made longer than 2048 bytes (one code, one message)', () => {
  it('sends the welcome cut to 2048 bytes ending with …, and says by how much', async () => {
    const p = await plan(
      'rules:\n  - { name: 欢迎, when: { kind: enter_session }, then: [ { welcome: "{{nickname|亲}}" } ] }\n',
      enter,
    );
    expect(p.calls).toHaveLength(1);
    const [call] = p.calls;
    if (call?.api !== 'kf/send_msg_on_event' || call.body.msgtype !== 'text')
      throw new Error('not a text welcome');
    expect(call.shortenedFrom).toBe(4995);
    expect(byteLength(call.body.text.content)).toBeLessThanOrEqual(2048);
    expect(call.body.text.content.endsWith('。…')).toBe(true);
    expect(LONG.startsWith(call.body.text.content.slice(0, -1))).toBe(true);
  });

  it('cuts a transfer notice the same way', async () => {
    const p = await plan(
      'rules:\n  - { name: 转, when: { text: go }, then: [ { transfer: { to: queue, notice: "{{nickname|亲}}" } } ] }\n',
      text,
    );
    const [call] = p.calls;
    if (call?.api !== 'kf/service_state/trans' || !call.notice) throw new Error('no notice');
    expect(call.notice.shortenedFrom).toBe(4995);
    const notice = call.notice.content;
    expect(notice.msgtype === 'text' && byteLength(notice.text.content)).toBeLessThanOrEqual(2048);
  });
});
