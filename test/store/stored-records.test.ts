import { describe, expect, it } from 'vitest';
import type { Conversation } from '../../src/store/store.ts';
import {
  decodeConversation,
  decodeMessage,
  decodePlan,
  encodeConversation,
  encodeMessage,
  encodePlan,
  NewerRecordError,
  RECORD_FORMAT,
  UnreadableRecordError,
} from '../../src/store/stored-records.ts';

const plan = {
  calls: [
    {
      api: 'kf/send_msg' as const,
      step: 0,
      rule: '复述',
      body: {
        touser: 'wm1',
        open_kfid: 'wk1',
        msgid: 'kf1',
        msgtype: 'text' as const,
        text: { content: '收到' },
      },
    },
  ],
  dropped: [{ step: 1, rule: '欢迎语', reason: 'no welcome_code' }],
};
const conversation: Conversation = {
  state: {
    vars: { city: '上海', vip: true },
    counters: { asked: 2 },
    misses: 1,
    last_menu: 'main',
    service_state: 1,
  },
  quotaUsed: 2,
  quotaSince: 'from_msgid_1',
  lastCustomerAt: 1_700_000_000_000,
};

function failure(fn: () => unknown): unknown {
  try {
    fn();
  } catch (err) {
    return err;
  }
  throw new Error('expected a failure');
}

describe('stored plans and conversations', () => {
  it('are written with the format version and read back as they were', () => {
    expect(JSON.parse(encodePlan(plan)).v).toBe(RECORD_FORMAT);
    expect(decodePlan('msg:m1', encodePlan(plan))).toEqual(plan);
    expect(decodeConversation('conv:wk1:wm1', encodeConversation(conversation))).toEqual(conversation);
    const message = {
      msgid: 'm1',
      openKfId: 'wk1',
      externalUserId: 'wm1',
      status: 'planned' as const,
      createdAt: 5,
    };
    expect(decodeMessage('msg:m1', encodeMessage(message))).toEqual(message);
  });

  it('read records written before versioning (no v) as they were written', () => {
    expect(decodePlan('msg:m1', JSON.stringify(plan))).toEqual(plan);
    expect(decodeConversation('conv:wk1:wm1', JSON.stringify(conversation))).toEqual(conversation);
  });

  it.each([
    ['not JSON', '{"calls":', 'it is not JSON'],
    ['calls that are not a list', '{"calls":{},"dropped":[]}', 'calls is not a list'],
    [
      'a call to an API kfbot never plans',
      '{"calls":[{"api":"kf/delete","step":0,"rule":"r","body":{}}],"dropped":[]}',
      'call 0 has an unknown api kf/delete',
    ],
    [
      'a call without a body',
      '{"calls":[{"api":"kf/send_msg","step":0,"rule":"r"}],"dropped":[]}',
      'call 0 has no body',
    ],
  ])('refuse a plan with %s, naming the key and keeping the text', (_name, raw, reason) => {
    const err = failure(() => decodePlan('msg:m9', raw)) as UnreadableRecordError;
    expect(err).toBeInstanceOf(UnreadableRecordError);
    expect(err.key).toBe('msg:m9');
    expect(err.reason).toBe(reason);
    expect(err.raw).toBe(raw);
    expect(err.message).not.toContain(raw); // the text may hold customer data; logs get the reason
  });

  it.each([
    ['a quota that is not a number', { ...conversation, quotaUsed: 'two' }, 'quotaUsed is not a number'],
    [
      'a variable that is not a scalar',
      { ...conversation, state: { ...conversation.state, vars: { a: {} } } },
      'variable a is not a scalar',
    ],
    [
      'a service state WeCom does not have',
      { ...conversation, state: { ...conversation.state, service_state: 7 } },
      'state.service_state 7 is not 0-4',
    ],
  ])('refuse a conversation with %s', (_name, value, reason) => {
    const err = failure(() =>
      decodeConversation('conv:wk1:wm1', JSON.stringify(value)),
    ) as UnreadableRecordError;
    expect(err).toBeInstanceOf(UnreadableRecordError);
    expect(err.reason).toBe(reason);
  });

  it('leave a record from a newer kfbot alone, saying so', () => {
    const err = failure(() => decodePlan('msg:m1', JSON.stringify({ ...plan, v: RECORD_FORMAT + 1 })));
    expect(err).toBeInstanceOf(NewerRecordError);
    expect((err as Error).message).toContain('a newer kfbot wrote it');
  });
});
