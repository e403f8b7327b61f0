/** When a customer's session starts, as the conversation step records it (the key a satisfaction score is kept under). */
import { describe, expect, it } from 'vitest';
import { type Conversation, newConversation } from '../../src/conversation/conversation.ts';
import { decideStep, type StepLookups, type StepRules } from '../../src/conversation/conversation-step.ts';
import { Decider } from '../../src/rules/decider.ts';
import { loadRules } from '../../src/rules/load-rules.ts';
import type { ServiceState } from '../../src/wecom/platform-enums.ts';
import { decodeSyncItem } from '../../src/wecom/sync-item.ts';
import { ruleDir } from '../rules/helpers.ts';

const ruleSet = loadRules(
  ruleDir({ 'rules.yaml': 'rules:\n  - name: 兜底\n    fallback: true\n    then: [ { reply: 您好 } ]\n' }),
).ruleSet;
if (!ruleSet) throw new Error('the test rules do not load');
const rules: StepRules = {
  decider: new Decider(ruleSet),
  byName: new Map(ruleSet.rules.map((r) => [r.name, r])),
};

const T = 1_800_000_000;
const customerSays = (sendTime: number) =>
  decodeSyncItem({
    msgid: `m${sendTime}`,
    open_kfid: 'wk',
    external_userid: 'wm',
    send_time: sendTime,
    origin: 3,
    msgtype: 'text',
    text: { content: '在吗' },
  });
const servicerEnds = decodeSyncItem({
  msgid: 'end',
  send_time: T + 50,
  origin: 4,
  msgtype: 'event',
  event: { event_type: 'session_status_change', open_kfid: 'wk', external_userid: 'wm', change_type: 3 },
});

async function afterMessage(
  conversation: Conversation,
  sendTime: number,
  lookups: StepLookups = {},
): Promise<Conversation> {
  const item = customerSays(sendTime);
  return (await decideStep({ item, conversation, rules, now: sendTime * 1000, lookups })).conversation;
}
const inState = (service_state: ServiceState | undefined, sessionStartedAt?: number): Conversation => ({
  ...newConversation(),
  state: { ...newConversation().state, ...(service_state !== undefined && { service_state }) },
  ...(sessionStartedAt !== undefined && { sessionStartedAt }),
});

describe('the session start a conversation keeps', () => {
  it('is the send_time of the message that opened the session, kept while the session goes on', async () => {
    const first = await afterMessage(newConversation(), T);
    expect(first.sessionStartedAt).toBe(T * 1000);
    const second = await afterMessage({ ...first, state: { ...first.state, service_state: 1 } }, T + 30);
    expect(second.sessionStartedAt).toBe(T * 1000);
  });

  it('moves when a customer writes after the session ended (state 4 → 0)', async () => {
    const ended = (
      await decideStep({
        item: servicerEnds,
        conversation: inState(3, T * 1000),
        rules,
        now: (T + 50) * 1000,
        lookups: {},
      })
    ).conversation;
    expect(ended).toMatchObject({ state: { service_state: 4 }, sessionStartedAt: T * 1000 });
    expect((await afterMessage(ended, T + 60)).sessionStartedAt).toBe((T + 60) * 1000);
  });

  it('stays when kfbot forgot the state and WeCom says the session goes on', async () => {
    const forgotten = inState(undefined, T * 1000);
    expect((await afterMessage(forgotten, T + 90, { serviceState: 1 })).sessionStartedAt).toBe(T * 1000);
    expect((await afterMessage(forgotten, T + 90, { serviceState: 0 })).sessionStartedAt).toBe(
      (T + 90) * 1000,
    );
  });

  it('starts at the first message kfbot sees of a session it did not see open', async () => {
    expect((await afterMessage(inState(3), T + 120)).sessionStartedAt).toBe((T + 120) * 1000);
  });
});
