import { describe, expect, it } from 'vitest';
import {
  checkSendContent,
  checkSendMsg,
  checkSendMsgOnEvent,
  errorsOnly,
} from '../../src/wecom/send-limits.ts';

const to = { touser: 'wmCustomer', open_kfid: 'wkAccount' };
const firstError = (problems: ReturnType<typeof checkSendMsg>) => errorsOnly(problems)[0];
const menu = (list: unknown[], extra: object = {}) => ({
  ...to,
  msgtype: 'msgmenu',
  msgmenu: { list, ...extra },
});
const click = (id: string, content = '查询订单') => ({ type: 'click', click: { id, content } });

describe('send_msg bodies WeCom accepts', () => {
  it.each([
    ['text', { text: { content: '你好' } }],
    ['image', { image: { media_id: 'm1' } }],
    ['voice', { voice: { media_id: 'm1' } }],
    ['video', { video: { media_id: 'm1' } }],
    ['file', { file: { media_id: 'm1' } }],
    ['link', { link: { title: '标题', desc: '说明', url: 'https://example.com', thumb_media_id: 'm1' } }],
    [
      'miniprogram',
      { miniprogram: { appid: 'wx1', title: '小程序', thumb_media_id: 'm1', pagepath: 'pages/i' } },
    ],
    ['location', { location: { name: '店', address: '路', latitude: 23.1, longitude: 113.3 } }],
    ['ca_link', { ca_link: { link_url: 'https://work.weixin.qq.com/ca/x' } }],
    ['business_card', { business_card: { userid: 'zhangsan' } }],
  ])('passes a well-formed %s', (msgtype, payload) => {
    expect(checkSendMsg({ ...to, msgid: 'kf_abc-123', msgtype, ...payload })).toEqual([]);
  });

  it('passes a menu with every item type at the 10-item limit', () => {
    const list = [
      click('1'),
      { type: 'view', view: { url: 'https://example.com', content: '看看' } },
      { type: 'miniprogram', miniprogram: { appid: 'wx1', pagepath: 'p', content: '打开' } },
      { type: 'text', text: { content: '纯文本', no_newline: 1 } },
      ...Array.from({ length: 6 }, (_, i) => click(`c${i}`)),
    ];
    expect(checkSendMsg(menu(list, { head_content: '您好', tail_content: '再见' }))).toEqual([]);
  });
});

describe('send_msg bodies WeCom rejects, with the errcode it would answer', () => {
  it('rejects an empty text with 44004', () => {
    expect(firstError(checkSendMsg({ ...to, msgtype: 'text', text: { content: '' } }))?.errcode).toBe(44004);
  });

  it('counts the 2048-byte text limit in UTF-8 bytes, not characters', () => {
    const ok = '好'.repeat(682); // 2046 bytes
    const tooLong = '好'.repeat(683); // 2049 bytes, only 683 characters
    expect(checkSendMsg({ ...to, msgtype: 'text', text: { content: ok } })).toEqual([]);
    const p = firstError(checkSendMsg({ ...to, msgtype: 'text', text: { content: tooLong } }));
    expect(p).toMatchObject({ errcode: 45002, field: 'text.content' });
    expect(p?.message).toContain('2049 bytes');
  });

  it('rejects an 11-item menu with 95008', () => {
    const list = Array.from({ length: 11 }, (_, i) => click(String(i)));
    expect(firstError(checkSendMsg(menu(list)))?.errcode).toBe(95008);
  });

  it('rejects an unknown menu item type with 95009', () => {
    expect(firstError(checkSendMsg(menu([{ type: 'button', button: {} }])))).toMatchObject({
      errcode: 95009,
      field: 'msgmenu.list[0].type',
    });
  });

  it.each([
    ['a click id over 64 bytes', [click('x'.repeat(65))], 'msgmenu.list[0].click.id'],
    ['an empty click id', [click('')], 'msgmenu.list[0].click.id'],
    ['click content over 128 bytes', [click('1', '问'.repeat(43))], 'msgmenu.list[0].click.content'],
    [
      'a view url without http',
      [{ type: 'view', view: { url: 'example.com', content: 'x' } }],
      'msgmenu.list[0].view.url',
    ],
    [
      'a text item over 256 bytes',
      [{ type: 'text', text: { content: 'x'.repeat(257) } }],
      'msgmenu.list[0].text.content',
    ],
    [
      'a no_newline of 2',
      [{ type: 'text', text: { content: 'x', no_newline: 2 } }],
      'msgmenu.list[0].text.no_newline',
    ],
  ])('rejects %s', (_name, list, field) => {
    expect(firstError(checkSendMsg(menu(list)))).toMatchObject({ errcode: 40058, field });
  });

  it('rejects a menu head over 1024 bytes', () => {
    expect(firstError(checkSendMsg(menu([click('1')], { head_content: '头'.repeat(342) })))?.field).toBe(
      'msgmenu.head_content',
    );
  });

  it('rejects an unknown msgtype with 40008', () => {
    expect(firstError(checkSendMsg({ ...to, msgtype: 'sticker', sticker: {} }))?.errcode).toBe(40008);
  });

  it.each([
    ['an empty msgid', ''],
    ['a msgid with a space', 'a b'],
    ['a msgid over 32 bytes', 'a'.repeat(33)],
    ['a msgid in Chinese', '消息'],
  ])('rejects %s', (_name, msgid) => {
    expect(firstError(checkSendMsg({ ...to, msgid, msgtype: 'text', text: { content: 'x' } }))?.field).toBe(
      'msgid',
    );
  });

  it('rejects a missing touser, and out-of-range coordinates', () => {
    expect(
      firstError(checkSendMsg({ open_kfid: 'wk', msgtype: 'text', text: { content: 'x' } }))?.field,
    ).toBe('touser');
    expect(
      firstError(checkSendMsg({ ...to, msgtype: 'location', location: { latitude: 91, longitude: 0 } }))
        ?.field,
    ).toBe('location.latitude');
  });

  it('lists every problem, not just the first', () => {
    const problems = checkSendMsg({ msgtype: 'msgmenu', msgmenu: { list: [click(''), click('2', '')] } });
    expect(problems.map((p) => p.field)).toEqual([
      'touser',
      'open_kfid',
      'msgmenu.list[0].click.id',
      'msgmenu.list[1].click.content',
    ]);
  });

  it('rejects a body that is not an object', () => {
    expect(checkSendMsg('text')[0]?.errcode).toBe(40058);
  });
});

describe('fields WeCom accepts but cuts', () => {
  it('warns that a link title over 128 bytes will be truncated', () => {
    const problems = checkSendMsg({
      ...to,
      msgtype: 'link',
      link: { title: '标'.repeat(50), url: 'https://e.com', thumb_media_id: 'm' },
    });
    expect(errorsOnly(problems)).toEqual([]);
    expect(problems[0]).toMatchObject({ severity: 'truncated', field: 'link.title' });
  });
});

describe('send_msg_on_event', () => {
  it('accepts a welcome menu with a code', () => {
    expect(checkSendMsgOnEvent({ code: 'c', msgtype: 'msgmenu', msgmenu: { list: [click('1')] } })).toEqual(
      [],
    );
  });

  it('allows only text and msgmenu', () => {
    expect(
      firstError(checkSendMsgOnEvent({ code: 'c', msgtype: 'image', image: { media_id: 'm' } }))?.errcode,
    ).toBe(40008);
  });

  it('requires the code', () => {
    expect(firstError(checkSendMsgOnEvent({ msgtype: 'text', text: { content: 'x' } }))?.field).toBe('code');
  });
});

describe('content alone (for rules validation)', () => {
  it('checks the content without recipient fields', () => {
    expect(checkSendContent({ msgtype: 'text', text: { content: 'hi' } })).toEqual([]);
    expect(
      checkSendContent({ msgtype: 'image', image: { media_id: 'm' } }, 'send_msg_on_event')[0]?.errcode,
    ).toBe(40008);
  });
});
