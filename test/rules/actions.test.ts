import { describe, expect, it } from 'vitest';
import { type ConversationState, emptyState } from '../../src/rules/conversation-state.ts';
import { Decider } from '../../src/rules/decider.ts';
import { loadRulesOrThrow } from '../../src/rules/load-rules.ts';
import { clientMsgid, mediaPlaceholder, planCalls } from '../../src/rules/plan-calls.ts';
import { decodeSyncItem } from '../../src/wecom/sync-item.ts';
import { ruleDir, textItem } from './helpers.ts';

const NOW = Date.parse('2026-11-26T10:00:00+08:00');

async function run(
  then: string,
  opts: { state?: Partial<ConversationState>; nickname?: string; files?: Record<string, Buffer> } = {},
) {
  const dir = ruleDir({
    'r.yaml': `menus:\n  m:\n    head: "{{nickname|亲}}请选"\n    items: [ { click: a, label: A, reply: x }, { view: "https://e.com", label: 看看 }, { text: 说明, no_newline: true } ]\n    tail: 尾\nrules:\n  - name: r\n    when: { text: { any: [go] } }\n    then: ${then}\n`,
    ...opts.files,
  });
  const it = textItem('go');
  const decision = await new Decider(loadRulesOrThrow(dir)).decide(it, {
    state: { ...emptyState(), ...opts.state },
    now: NOW,
    ...(opts.nickname && { nickname: opts.nickname }),
  });
  return {
    decision,
    plan: planCalls(it, decision, {
      ...(opts.nickname && { nickname: opts.nickname }),
      mediaId: mediaPlaceholder,
    }),
  };
}

const png = Buffer.concat([Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]), Buffer.alloc(16)]);

describe('replies become the exact send_msg bodies', () => {
  it.each([
    ['[ { reply: 你好 } ]', { msgtype: 'text', text: { content: '你好' } }],
    ['[ { reply: { image: MEDIA1 } } ]', { msgtype: 'image', image: { media_id: 'MEDIA1' } }],
    ['[ { reply: { voice: { media_id: V1 } } } ]', { msgtype: 'voice', voice: { media_id: 'V1' } }],
    ['[ { reply: { video: MV } } ]', { msgtype: 'video', video: { media_id: 'MV' } }],
    ['[ { reply: { file: F1 } } ]', { msgtype: 'file', file: { media_id: 'F1' } }],
    [
      '[ { reply: { link: { title: 标题, desc: 说明, url: "https://e.com", thumb: T1 } } } ]',
      { msgtype: 'link', link: { title: '标题', desc: '说明', url: 'https://e.com', thumb_media_id: 'T1' } },
    ],
    [
      '[ { reply: { miniprogram: { appid: wx1, title: 小程序, pagepath: p/i, thumb: T1 } } } ]',
      {
        msgtype: 'miniprogram',
        miniprogram: { appid: 'wx1', title: '小程序', thumb_media_id: 'T1', pagepath: 'p/i' },
      },
    ],
    [
      '[ { reply: { location: { name: 店, address: 路, latitude: 31.2, longitude: 121.4 } } } ]',
      { msgtype: 'location', location: { name: '店', address: '路', latitude: 31.2, longitude: 121.4 } },
    ],
    [
      '[ { reply: { ca_link: "https://work.weixin.qq.com/ca/x" } } ]',
      { msgtype: 'ca_link', ca_link: { link_url: 'https://work.weixin.qq.com/ca/x' } },
    ],
  ])('%s', async (then, content) => {
    const { plan } = await run(then);
    expect(plan.calls).toEqual([
      {
        api: 'kf/send_msg',
        step: 0,
        rule: 'r',
        body: { touser: 'wm1', open_kfid: 'wkA', msgid: clientMsgid('in-1', 0), ...content },
      },
    ]);
  });

  it('renders a menu with every item type and the nickname', async () => {
    const { plan } = await run('[ { reply: { menu: m } } ]', { nickname: '小明' });
    expect(plan.calls[0]?.body).toMatchObject({
      msgtype: 'msgmenu',
      msgmenu: {
        head_content: '小明请选',
        list: [
          { type: 'click', click: { id: 'a', content: 'A' } },
          { type: 'view', view: { url: 'https://e.com', content: '看看' } },
          { type: 'text', text: { content: '说明', no_newline: 1 } },
        ],
        tail_content: '尾',
      },
    });
  });

  it('uses a placeholder default when the nickname is unknown', async () => {
    const { plan } = await run('[ { reply: { menu: m } } ]');
    expect(plan.calls[0]?.body).toMatchObject({ msgmenu: { head_content: '亲请选' } });
  });

  it('fills variables and counters as the rule leaves them', async () => {
    const { plan, decision } = await run(
      '[ { set: { city: 上海 } }, { increment: { asked: 2 } }, { reply: "{{var.city}} 第{{counter.asked}}次 {{text}}" } ]',
      {
        state: { counters: { asked: 1 } },
      },
    );
    expect(plan.calls[0]?.body).toMatchObject({ text: { content: '上海 第3次 go' } });
    expect(decision.state.vars).toEqual({ city: '上海' });
  });

  it('refers to a local media file by the file it will upload', async () => {
    const { plan } = await run('[ { reply: { image: { file: media/qr.png } } } ]', {
      files: { 'media/qr.png': png },
    });
    expect(plan.calls[0]?.body).toMatchObject({ image: { media_id: '<upload media/qr.png>' } });
  });

  it('gives every step its own deterministic client msgid of 32 allowed characters', async () => {
    const { plan } = await run('[ { reply: a }, { reply: b } ]');
    const ids = plan.calls.map((c) => (c.body as { msgid: string }).msgid);
    expect(ids[0]).not.toBe(ids[1]);
    expect(ids[0]).toBe(clientMsgid('in-1', 0));
    for (const id of ids) expect(id).toMatch(/^[0-9A-Za-z_-]{32}$/);
  });
});

describe('state actions', () => {
  it('sets, unsets, increments and resets', async () => {
    const { decision, plan } = await run(
      '[ { set: { a: 1, b: true, c: 文本 } }, { unset: old }, { increment: n }, { reset: gone } ]',
      {
        state: { vars: { old: 'x' }, counters: { n: 4, gone: 9 } },
      },
    );
    expect(decision.state.vars).toEqual({ a: 1, b: true, c: '文本' });
    expect(decision.state.counters).toEqual({ n: 5 });
    expect(plan.calls).toEqual([]);
  });

  it('does nothing on purpose, and says so', async () => {
    const { decision, plan } = await run('[ { nothing: 人工处理中 } ]');
    expect(decision.actions[0]?.action).toMatchObject({ type: 'nothing', reason: '人工处理中' });
    expect(plan).toEqual({ calls: [], dropped: [] });
  });
});

describe('transfers', () => {
  it.each([
    ['[ { transfer: queue } ]', { service_state: 2 }],
    [
      '[ { transfer: { to: servicer, servicer: zhangsan } } ]',
      { service_state: 3, servicer_userid: 'zhangsan' },
    ],
    ['[ { transfer: { to: end } } ]', { service_state: 4 }],
  ])('%s calls service_state/trans', async (then, body) => {
    const { plan } = await run(then);
    expect(plan.calls[0]).toMatchObject({
      api: 'kf/service_state/trans',
      body: { open_kfid: 'wkA', external_userid: 'wm1', ...body },
    });
  });

  it('carries the notice to send with the msg_code the transfer returns', async () => {
    const { plan } = await run('[ { transfer: { to: queue, notice: 请稍候 } } ]');
    expect(plan.calls[0]).toMatchObject({
      notice: { msgid: clientMsgid('in-1', 0), content: { msgtype: 'text', text: { content: '请稍候' } } },
    });
  });
});

describe('event-code actions without a code', () => {
  it('drops a welcome when enter_session came without a welcome_code, saying why', async () => {
    const dir = ruleDir({
      'r.yaml': 'rules:\n  - { name: w, when: { kind: enter_session }, then: [ { welcome: 欢迎 } ] }\n',
    });
    const enter = decodeSyncItem({
      msgid: 'e1',
      send_time: 1,
      origin: 4,
      msgtype: 'event',
      event: { event_type: 'enter_session', open_kfid: 'wkA', external_userid: 'wm1' },
    });
    const decision = await new Decider(loadRulesOrThrow(dir)).decide(enter, {
      state: emptyState(),
      now: NOW,
    });
    const plan = planCalls(enter, decision, { mediaId: mediaPlaceholder });
    expect(plan.calls).toEqual([]);
    expect(plan.dropped[0]?.reason).toContain('no welcome_code');
  });
});
