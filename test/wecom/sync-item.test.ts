import { readdirSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { WECOM_KIND_NAMES } from '../../src/wecom/message-kinds.ts';
import { decodeSyncItem, isKind, type SyncItem } from '../../src/wecom/sync-item.ts';
import { fixture } from '../fixtures/load.ts';

const item = (kind: string) => fixture<Record<string, unknown>>(`sync-items/${kind}.json`);

describe('every kind in the table', () => {
  it('has a fixture, and every fixture names a kind in the table', () => {
    const files = readdirSync(new URL('../fixtures/sync-items/', import.meta.url)).map((f) =>
      f.replace(/\.json$/, ''),
    );
    expect(files.sort()).toEqual([...WECOM_KIND_NAMES].sort());
  });

  it.each(WECOM_KIND_NAMES)('decodes its fixture %s to that kind, keeping the raw JSON', (kind) => {
    const raw = item(kind);
    const decoded = decodeSyncItem(raw);
    expect(decoded.kind, decoded.kind === 'unknown' ? decoded.reason : '').toBe(kind);
    expect(decoded.raw).toEqual(raw);
    expect(decoded.msgid).toBe(raw.msgid);
    expect(decoded.open_kfid).toBe('wkAJ2GCAAASSm4_FhToWMFea0xAFfd3Q');
  });
});

describe('message payloads', () => {
  it('reads a menu click as text with its menu_id', () => {
    const m = decodeSyncItem(item('text'));
    if (!isKind(m, 'text')) throw new Error(`expected text, got ${m.kind}`);
    expect(m.text).toEqual({ content: '你好，我想查一下订单', menu_id: '101' });
    expect(m.origin).toBe(3);
  });

  it('keeps location coordinates as floats', () => {
    const m = decodeSyncItem(item('location'));
    if (!isKind(m, 'location')) throw new Error(m.kind);
    expect(m.location.latitude).toBeCloseTo(23.1060218811035);
    expect(m.location.longitude).toBeCloseTo(113.320503234863);
  });

  it('reads channels_shop_product in both key spellings and either price type', () => {
    const head = decodeSyncItem(item('channels_shop_product'));
    const raw = item('channels_shop_product');
    const img = decodeSyncItem({
      ...raw,
      channels_shop_product: { product_id: 'P', head_img: 'H', shop_head_img: 'S', sales_price: 1990 },
    });
    if (!isKind(head, 'channels_shop_product') || !isKind(img, 'channels_shop_product'))
      throw new Error('kind');
    expect(head.channels_shop_product.head_image).toBe('PRODUCT_IMAGE_URL');
    expect(head.channels_shop_product.sales_price).toBe('SALES_PRICE');
    expect(img.channels_shop_product).toEqual({
      product_id: 'P',
      head_image: 'H',
      shop_head_image: 'S',
      sales_price: '1990',
    });
  });

  it('parses merged_msg items whose msg_content is a JSON string, and keeps bad JSON as text', () => {
    const raw = item('merged_msg');
    const ok = decodeSyncItem(raw);
    if (!isKind(ok, 'merged_msg')) throw new Error(ok.kind);
    expect(ok.merged_msg.item[0]?.content).toEqual({ msgtype: 'text', text: { content: '消息内容' } });

    const numeric = decodeSyncItem({
      ...raw,
      merged_msg: {
        title: 't',
        item: [{ send_time: 1, msgtype: 1, sender_name: 'a', msg_content: '{not json' }],
      },
    });
    if (!isKind(numeric, 'merged_msg')) throw new Error(numeric.kind);
    expect(numeric.merged_msg.item[0]).toEqual({
      send_time: 1,
      msgtype: '1',
      sender_name: 'a',
      msg_content: '{not json',
    });
  });

  it('decodes every msgmenu item type and keeps an unknown item type raw', () => {
    const raw = item('msgmenu');
    const m = decodeSyncItem({
      ...raw,
      msgmenu: { list: [...(raw.msgmenu as { list: unknown[] }).list, { type: 'future', future: { x: 1 } }] },
    });
    if (!isKind(m, 'msgmenu')) throw new Error(m.kind);
    expect(m.msgmenu.list.map((i) => i.type)).toEqual(['click', 'view', 'miniprogram', 'text', 'unknown']);
    expect(m.servicer_userid).toBe('zhangsan');
  });

  it('treats meeting, schedule and note as opaque, even without a payload key', () => {
    const raw = item('note');
    delete raw.note;
    const m = decodeSyncItem(raw);
    if (!isKind(m, 'note')) throw new Error(m.kind);
    expect(m.note).toEqual({});
  });
});

describe('events', () => {
  it('lifts open_kfid and external_userid from event.* onto the item', () => {
    const e = decodeSyncItem(item('enter_session'));
    if (!isKind(e, 'enter_session')) throw new Error(e.kind);
    expect(e.external_userid).toBe('wmAJ2GCAAAme1XQRC-NI-q0_ZM9ukoAw');
    expect(e.open_kfid).toBe('wkAJ2GCAAASSm4_FhToWMFea0xAFfd3Q');
    expect(e.event).toMatchObject({ welcome_code: 'aaaaaa', scene: '12345', scene_param: 'abc' });
    expect(e.event.wechat_channels).toEqual({ nickname: '进入会话的视频号名称', scene: 1 });
  });

  it('gives a servicer event no customer', () => {
    const e = decodeSyncItem(item('servicer_status_change'));
    expect(e.kind).toBe('servicer_status_change');
    expect(e.external_userid).toBe('');
  });

  it('reads the msg_code of a session_status_change', () => {
    const e = decodeSyncItem(item('session_status_change'));
    if (!isKind(e, 'session_status_change')) throw new Error(e.kind);
    expect(e.event.msg_code).toBe('MSG_CODE');
    expect(e.event.change_type).toBe(1);
  });
});

describe('what cannot be decoded becomes data, never an exception', () => {
  const base = item('text');
  const cases: [string, unknown, string][] = [
    ['an unknown msgtype', { ...base, msgtype: 'hologram', hologram: {} }, 'unknown msgtype "hologram"'],
    [
      'an unknown event_type',
      { ...item('enter_session'), event: { event_type: 'teleport' } },
      'unknown event_type',
    ],
    ['a text without content', { ...base, text: {} }, 'item.text.content should be a string'],
    ['a payload that is not an object', { ...base, text: 'hi' }, 'item.text should be an object'],
    ['an item without msgid', { ...base, msgid: undefined }, 'item.msgid should be a string'],
    ['a missing msgtype', { ...base, msgtype: undefined }, 'msgtype is missing'],
    [
      'an event without an event object',
      { ...item('enter_session'), event: 3 },
      'item.event should be an object',
    ],
    [
      'a bad location',
      { ...item('location'), location: { latitude: 'north' } },
      'latitude should be a number',
    ],
    ['a list entry that is not an object', 'text', 'not a JSON object'],
  ];
  it.each(cases)('decodes %s to unknown with a reason', (_name, raw, reason) => {
    const decoded: SyncItem = decodeSyncItem(raw);
    expect(decoded.kind).toBe('unknown');
    if (decoded.kind !== 'unknown') return;
    expect(decoded.reason).toContain(reason);
  });

  it('keeps the customer and msgid of an undecodable item for logs and dedupe', () => {
    const decoded = decodeSyncItem({ ...base, msgtype: 'hologram' });
    expect(decoded).toMatchObject({
      kind: 'unknown',
      msgid: base.msgid,
      external_userid: base.external_userid,
    });
  });
});
