/**
 * Actions take effect in the order they are written: a reply placed before a state change shows
 * the state before it, a reply placed after shows the state after. One case per action kind.
 */
import { describe, expect, it } from 'vitest';
import { type ConversationState, emptyState } from '../../src/rules/conversation-state.ts';
import { Decider } from '../../src/rules/decider.ts';
import { loadRulesOrThrow } from '../../src/rules/load-rules.ts';
import { mediaPlaceholder, planCalls } from '../../src/rules/plan-calls.ts';
import { decodeSyncItem, type SyncItem } from '../../src/wecom/sync-item.ts';
import { fixture } from '../fixtures/load.ts';
import { ruleDir, textItem } from './helpers.ts';

const NOW = Date.parse('2026-11-26T10:00:00+08:00');
const text = textItem();
const enter = decodeSyncItem(fixture('sync-items/enter_session.json'));
const fromQueue = decodeSyncItem(fixture('sync-items/session_status_change.json'));

/** The texts kfbot would send, in order (send_msg, send_msg_on_event and transfer notices). */
async function sentTexts(
  item: SyncItem,
  when: string,
  then: string,
  state: Partial<ConversationState> = {},
): Promise<string[]> {
  const dir = ruleDir({ 'r.yaml': `rules:\n  - name: r\n    when: ${when}\n    then: ${then}\n` });
  const decision = await new Decider(loadRulesOrThrow(dir)).decide(item, {
    state: { ...emptyState(), ...state },
    now: NOW,
  });
  return planCalls(item, decision, { mediaId: mediaPlaceholder }).calls.map((c) => {
    const body = (c.api === 'kf/service_state/trans' ? c.notice?.content : c.body) as {
      text?: { content: string };
    };
    return body.text?.content ?? '';
  });
}

const onText = '{ text: go }';

describe('a reply shows the state as the actions written before it left it', () => {
  it('the issue’s rule: before shows 0 and the default, after shows 1 and the value', async () => {
    expect(
      await sentTexts(
        text,
        onText,
        '[ { reply: "before {{counter.x}} {{var.v|空}}" }, { increment: x }, { set: { v: 设了 } }, { reply: "after {{counter.x}} {{var.v|空}}" } ]',
      ),
    ).toEqual(['before 0 空', 'after 1 设了']);
  });

  it.each([
    ['set', '{ set: { v: new } }', { vars: { v: 'old' } }, 'v={{var.v}}', ['v=old', 'v=new']],
    ['unset', '{ unset: v }', { vars: { v: 'old' } }, '{{var.v|none}}', ['old', 'none']],
    ['increment', '{ increment: { n: 2 } }', { counters: { n: 1 } }, '{{counter.n}}', ['1', '3']],
    ['reset', '{ reset: n }', { counters: { n: 4 } }, '{{counter.n}}', ['4', '0']],
    ['nothing', '{ nothing: pause }', { counters: { n: 4 } }, '{{counter.n}}', ['4', '4']],
  ])('%s takes effect only for the actions after it', async (_kind, change, state, shown, expected) => {
    expect(
      await sentTexts(text, onText, `[ { reply: "${shown}" }, ${change}, { reply: "${shown}" } ]`, state),
    ).toEqual(expected);
  });

  it('a set: whose value uses a placeholder sees the set: before it', async () => {
    expect(
      await sentTexts(
        text,
        onText,
        '[ { set: { a: 1 } }, { set: { b: "a={{var.a}}" } }, { set: { a: 2 } }, { reply: "{{var.b}} {{var.a}}" } ]',
      ),
    ).toEqual(['a=1 2']);
  });

  it('welcome: is rendered in its place', async () => {
    expect(
      await sentTexts(
        enter,
        '{ kind: enter_session }',
        '[ { welcome: "visit {{counter.visits}}" }, { increment: visits } ]',
      ),
    ).toEqual(['visit 0']);
  });

  it('closing: and event_reply: are rendered in their place', async () => {
    expect(
      await sentTexts(
        fromQueue,
        '{ kind: session_status_change }',
        '[ { set: { who: a } }, { event_reply: "by {{var.who}}" }, { set: { who: b } } ]',
      ),
    ).toEqual(['by a']);
    expect(
      await sentTexts(
        fromQueue,
        '{ kind: session_status_change }',
        '[ { closing: "{{var.who|nobody}}" }, { set: { who: b } } ]',
      ),
    ).toEqual(['nobody']);
  });

  it('a transfer notice is rendered in its place', async () => {
    expect(
      await sentTexts(
        text,
        onText,
        '[ { increment: q }, { transfer: { to: queue, notice: "第{{counter.q}}位" } }, { increment: q } ]',
      ),
    ).toEqual(['第1位']);
  });

  it('an unset counter shows 0 even when no rule counts it', async () => {
    expect(await sentTexts(text, onText, '[ { reply: "{{counter.never}}" } ]')).toEqual(['0']);
  });
});
