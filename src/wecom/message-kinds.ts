/**
 * The one table of sync_msg item kinds (wecom-kf.md §4). Every `msgtype` and every
 * `event.event_type` appears here exactly once, with the decoder for its payload. The decoder in
 * `decode-sync-item.ts`, the `Kind` names, the narrowing types and the rules schema all derive from
 * these two tables: adding a kind is one entry here plus a fixture under test/fixtures/sync-items/.
 */
import { compact, type JsonObject, Reader } from './json-reader.ts';

// ---------------------------------------------------------------------------------------------
// Message payloads (§4.2)

export interface TextPayload {
  content: string;
  /** Present when the text is a customer's click on a msgmenu `click` item (§5). */
  menu_id?: string;
}
export interface MediaPayload {
  media_id: string;
}
export interface LocationPayload {
  latitude: number;
  longitude: number;
  name?: string;
  address?: string;
}
export interface LinkPayload {
  title: string;
  desc?: string;
  url: string;
  pic_url?: string;
}
export interface BusinessCardPayload {
  userid: string;
}
export interface MiniprogramPayload {
  title?: string;
  appid: string;
  pagepath?: string;
  thumb_media_id?: string;
}
export type ReceivedMenuItem =
  | { type: 'click'; click: { id: string; content: string } }
  | { type: 'view'; view: { url: string; content: string } }
  | { type: 'miniprogram'; miniprogram: { appid: string; pagepath: string; content: string } }
  | { type: 'text'; text: { content: string; no_newline?: number } }
  /** An item type this version does not know; kept as it came. */
  | { type: 'unknown'; raw: JsonObject };
export interface MsgmenuPayload {
  head_content?: string;
  list: ReceivedMenuItem[];
  tail_content?: string;
}
/**
 * 视频号商品. §4.2 ⚠: sources disagree on `head_image`/`head_img`, `shop_head_image`/`shop_head_img`
 * and whether `sales_price` is a string or a number (分). Both spellings are read into the first
 * one; `sales_price` is kept as text because its unit is not confirmed.
 */
export interface ChannelsShopProductPayload {
  product_id: string;
  head_image?: string;
  title?: string;
  sales_price?: string;
  shop_nickname?: string;
  shop_head_image?: string;
}
export interface ChannelsShopOrderPayload {
  order_id: string;
  product_titles?: string;
  price_wording?: string;
  state?: string;
  image_url?: string;
  shop_nickname?: string;
}
export interface MergedMsgItem {
  send_time: number;
  /** §4.2 ⚠: a string in most sources, a number in GOWX; always text here. */
  msgtype: string;
  sender_name: string;
  /** The item's content exactly as sent: a JSON string shaped like an ordinary message. */
  msg_content: string;
  /** `msg_content` parsed, or undefined when it is not valid JSON. */
  content?: unknown;
}
export interface MergedMsgPayload {
  title: string;
  item: MergedMsgItem[];
}
export interface ChannelsPayload {
  /** 1 视频号动态 · 2 视频号直播 · 3 视频号名片 */
  sub_type: number;
  nickname?: string;
  /** Only for a 动态 (sub_type 1). */
  title?: string;
}
/** meeting / schedule / note: their fields are not documented (§4.2 ⚠); kept as they came. */
export type OpaquePayload = JsonObject;

// ---------------------------------------------------------------------------------------------
// Event payloads (§4.3). open_kfid / external_userid are also lifted onto the item itself (§9.7).

export interface EnterSessionEvent {
  event_type: 'enter_session';
  open_kfid: string;
  external_userid: string;
  scene?: string;
  scene_param?: string;
  /** Present only when a welcome may be sent; valid 20 s, usable once (§6). */
  welcome_code?: string;
  wechat_channels?: { nickname?: string; shop_nickname?: string; scene?: number };
}
export interface MsgSendFailEvent {
  event_type: 'msg_send_fail';
  open_kfid: string;
  external_userid: string;
  fail_msgid: string;
  /** See FAIL_TYPES (platform-enums.ts); unknown values mean "unknown" (§4.3 ⚠). */
  fail_type: number;
}
export interface ServicerStatusChangeEvent {
  event_type: 'servicer_status_change';
  open_kfid: string;
  servicer_userid: string;
  /** 1 接待中 · 2 停止接待 (the event's encoding; servicer/list uses 0/1, §9.20). */
  status: number;
  /** When stopped: 0 停止接待 · 1 暂时挂起. */
  stop_type?: number;
}
export interface SessionStatusChangeEvent {
  event_type: 'session_status_change';
  open_kfid: string;
  external_userid: string;
  /** 1 taken from the queue · 2 transferred · 3 ended · 4 re-joined. */
  change_type: number;
  old_servicer_userid?: string;
  new_servicer_userid?: string;
  /** Only for change_type 1 and 3: the code for send_msg_on_event (§6). */
  msg_code?: string;
}
export interface UserRecallMsgEvent {
  event_type: 'user_recall_msg';
  open_kfid: string;
  external_userid: string;
  recall_msgid: string;
}
export interface ServicerRecallMsgEvent {
  event_type: 'servicer_recall_msg';
  open_kfid: string;
  external_userid: string;
  recall_msgid: string;
  servicer_userid: string;
}
export interface RejectCustomerMsgSwitchChangeEvent {
  event_type: 'reject_customer_msg_switch_change';
  open_kfid: string;
  external_userid: string;
  servicer_userid: string;
  /** 1 the servicer now rejects the customer's messages · 0 the rejection was cancelled. */
  reject_switch: number;
}

// ---------------------------------------------------------------------------------------------
// The tables

type Decoder<P> = (r: Reader) => P;

function elementReader(parent: Reader, key: string, element: unknown, i: number): Reader {
  return Reader.of(element, `${parent.path}.${key}[${i}]`);
}
const kind = <P>(decode: Decoder<P>) => ({ decode });

const media = kind<MediaPayload>((r) => ({ media_id: r.str('media_id') }));
const opaque = kind<OpaquePayload>((r) => r.obj);

function decodeMenuItem(r: Reader): ReceivedMenuItem {
  const type = r.optStr('type');
  switch (type) {
    case 'click': {
      const c = r.child('click');
      return { type, click: { id: c.strOrNum('id'), content: c.str('content') } };
    }
    case 'view': {
      const v = r.child('view');
      return { type, view: { url: v.str('url'), content: v.str('content') } };
    }
    case 'miniprogram': {
      const m = r.child('miniprogram');
      return {
        type,
        miniprogram: { appid: m.str('appid'), pagepath: m.str('pagepath'), content: m.str('content') },
      };
    }
    case 'text': {
      const t = r.child('text');
      return { type, text: compact({ content: t.str('content'), no_newline: t.optNum('no_newline') }) };
    }
    default:
      return { type: 'unknown', raw: r.obj };
  }
}

function decodeMergedItem(r: Reader): MergedMsgItem {
  const msgContent = r.str('msg_content');
  let content: unknown;
  try {
    content = JSON.parse(msgContent);
  } catch {
    content = undefined; // kept raw in msg_content; a forwarded record is still readable as text
  }
  return compact({
    send_time: r.num('send_time'),
    msgtype: r.strOrNum('msgtype'),
    sender_name: r.optStr('sender_name') ?? '',
    msg_content: msgContent,
    content,
  });
}

/** msgtype → payload decoder. The payload sits under the key named like the msgtype (§4.2). */
export const MESSAGE_KINDS = {
  text: kind<TextPayload>((r) => compact({ content: r.str('content'), menu_id: r.optStrOrNum('menu_id') })),
  image: media,
  voice: media,
  video: media,
  file: media,
  location: kind<LocationPayload>((r) =>
    compact({
      latitude: r.num('latitude'),
      longitude: r.num('longitude'),
      name: r.optStr('name'),
      address: r.optStr('address'),
    }),
  ),
  link: kind<LinkPayload>((r) =>
    compact({
      title: r.str('title'),
      desc: r.optStr('desc'),
      url: r.str('url'),
      pic_url: r.optStr('pic_url'),
    }),
  ),
  business_card: kind<BusinessCardPayload>((r) => ({ userid: r.str('userid') })),
  miniprogram: kind<MiniprogramPayload>((r) =>
    compact({
      title: r.optStr('title'),
      appid: r.str('appid'),
      pagepath: r.optStr('pagepath'),
      thumb_media_id: r.optStr('thumb_media_id'),
    }),
  ),
  msgmenu: kind<MsgmenuPayload>((r) =>
    compact({
      head_content: r.optStr('head_content'),
      list: r.optArray('list').map((item, i) => decodeMenuItem(elementReader(r, 'list', item, i))),
      tail_content: r.optStr('tail_content'),
    }),
  ),
  channels_shop_product: kind<ChannelsShopProductPayload>((r) =>
    compact({
      product_id: r.strOrNum('product_id'),
      head_image: r.optStr('head_image') ?? r.optStr('head_img'),
      title: r.optStr('title'),
      sales_price: r.optStrOrNum('sales_price'),
      shop_nickname: r.optStr('shop_nickname'),
      shop_head_image: r.optStr('shop_head_image') ?? r.optStr('shop_head_img'),
    }),
  ),
  channels_shop_order: kind<ChannelsShopOrderPayload>((r) =>
    compact({
      order_id: r.strOrNum('order_id'),
      product_titles: r.optStr('product_titles'),
      price_wording: r.optStr('price_wording'),
      state: r.optStrOrNum('state'),
      image_url: r.optStr('image_url'),
      shop_nickname: r.optStr('shop_nickname'),
    }),
  ),
  merged_msg: kind<MergedMsgPayload>((r) => ({
    title: r.optStr('title') ?? '',
    item: r.optArray('item').map((item, i) => decodeMergedItem(elementReader(r, 'item', item, i))),
  })),
  channels: kind<ChannelsPayload>((r) =>
    compact({ sub_type: r.num('sub_type'), nickname: r.optStr('nickname'), title: r.optStr('title') }),
  ),
  meeting: opaque,
  schedule: opaque,
  note: opaque,
} as const satisfies Record<string, { decode: Decoder<unknown> }>;

/** event_type → decoder of the `event` object (§4.3). */
export const EVENT_KINDS = {
  enter_session: kind<EnterSessionEvent>((r) => {
    const ch = r.optChild('wechat_channels');
    return compact({
      event_type: 'enter_session' as const,
      open_kfid: r.str('open_kfid'),
      external_userid: r.str('external_userid'),
      scene: r.optStrOrNum('scene'),
      scene_param: r.optStr('scene_param'),
      welcome_code: r.optStr('welcome_code'),
      wechat_channels: ch
        ? compact({
            nickname: ch.optStr('nickname'),
            shop_nickname: ch.optStr('shop_nickname'),
            scene: ch.optNum('scene'),
          })
        : undefined,
    });
  }),
  msg_send_fail: kind<MsgSendFailEvent>((r) => ({
    event_type: 'msg_send_fail',
    open_kfid: r.str('open_kfid'),
    external_userid: r.str('external_userid'),
    fail_msgid: r.str('fail_msgid'),
    fail_type: r.optNum('fail_type') ?? 0,
  })),
  servicer_status_change: kind<ServicerStatusChangeEvent>((r) =>
    compact({
      event_type: 'servicer_status_change' as const,
      open_kfid: r.str('open_kfid'),
      servicer_userid: r.str('servicer_userid'),
      status: r.num('status'),
      stop_type: r.optNum('stop_type'),
    }),
  ),
  session_status_change: kind<SessionStatusChangeEvent>((r) =>
    compact({
      event_type: 'session_status_change' as const,
      open_kfid: r.str('open_kfid'),
      external_userid: r.str('external_userid'),
      change_type: r.num('change_type'),
      old_servicer_userid: r.optStr('old_servicer_userid'),
      new_servicer_userid: r.optStr('new_servicer_userid'),
      msg_code: r.optStr('msg_code'),
    }),
  ),
  user_recall_msg: kind<UserRecallMsgEvent>((r) => ({
    event_type: 'user_recall_msg',
    open_kfid: r.str('open_kfid'),
    external_userid: r.str('external_userid'),
    recall_msgid: r.str('recall_msgid'),
  })),
  servicer_recall_msg: kind<ServicerRecallMsgEvent>((r) => ({
    event_type: 'servicer_recall_msg',
    open_kfid: r.str('open_kfid'),
    external_userid: r.str('external_userid'),
    recall_msgid: r.str('recall_msgid'),
    servicer_userid: r.str('servicer_userid'),
  })),
  reject_customer_msg_switch_change: kind<RejectCustomerMsgSwitchChangeEvent>((r) => ({
    event_type: 'reject_customer_msg_switch_change',
    open_kfid: r.str('open_kfid'),
    external_userid: r.str('external_userid'),
    servicer_userid: r.str('servicer_userid'),
    reject_switch: r.num('reject_switch'),
  })),
} as const satisfies Record<string, { decode: Decoder<{ event_type: string; open_kfid: string }> }>;

export type MessageKind = keyof typeof MESSAGE_KINDS;
export type EventKind = keyof typeof EVENT_KINDS;
/**
 * kfbot's own kinds: items it makes itself, never decoded from WeCom (a `kind: idle` rule's timer,
 * conversation/idle-timers.ts). Rules name them like WeCom's kinds.
 */
export const BOT_KIND_NAMES = ['idle'] as const;
export type BotKind = (typeof BOT_KIND_NAMES)[number];
/** Every kind name: a msgtype, the event_type of a msgtype "event" item, or one of kfbot's own. */
export type Kind = MessageKind | EventKind | BotKind;

export type MessagePayloadOf<K extends MessageKind> = ReturnType<(typeof MESSAGE_KINDS)[K]['decode']>;
export type EventPayloadOf<K extends EventKind> = ReturnType<(typeof EVENT_KINDS)[K]['decode']>;

export const MESSAGE_KIND_NAMES = Object.keys(MESSAGE_KINDS) as MessageKind[];
export const EVENT_KIND_NAMES = Object.keys(EVENT_KINDS) as EventKind[];
/** The kinds WeCom sends: what the decoder can produce (besides `unknown`). */
export const WECOM_KIND_NAMES: readonly (MessageKind | EventKind)[] = [
  ...MESSAGE_KIND_NAMES,
  ...EVENT_KIND_NAMES,
];
/** Every kind a rule can name. */
export const KIND_NAMES: readonly Kind[] = [...WECOM_KIND_NAMES, ...BOT_KIND_NAMES];

export function isMessageKind(name: string): name is MessageKind {
  return Object.hasOwn(MESSAGE_KINDS, name);
}
export function isEventKind(name: string): name is EventKind {
  return Object.hasOwn(EVENT_KINDS, name);
}
