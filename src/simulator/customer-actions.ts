/**
 * What a simulated WeChat customer can do (wecom-kf.md §4): open the chat, write, send any other
 * kind of message, click a menu item, recall a message. Each action appends the item WeCom would
 * put into sync_msg and moves the session as §5 and §7.1 say; the callback follows from the world.
 */
import { isObject, type JsonObject } from '../wecom/json-reader.ts';
import { isMediaType, SYNC_MEDIA_MAX_BYTES } from '../wecom/media-limits.ts';
import { MENU_CLICK_OPENS_SEND_WINDOW } from '../wecom/platform-choices.ts';
import { ORIGIN } from '../wecom/platform-enums.ts';
import { sampleMedia } from './sample-media.ts';
import { onCustomerMessage, SEND_WINDOW_MS } from './session.ts';
import { SimulatorUsageError } from './usage-error.ts';
import { customerItem, eventItem, type WireItem } from './wire-item.ts';
import type { WechatChannels, World } from './world.ts';

export interface CustomerRef {
  /** Default: the first KF account. */
  openKfId?: string;
  /** Default: a new customer. An unknown id creates that customer, with an invented profile. */
  externalUserId?: string;
}

export interface EnterOptions extends CustomerRef {
  /** §4.3: the add_contact_way scene, ≤32 bytes of [0-9a-zA-Z_-]. */
  scene?: string;
  /** §4.3: ≤128 bytes, returned as-is. */
  sceneParam?: string;
  wechatChannels?: WechatChannels;
}

export interface SendOptions extends CustomerRef {
  msgtype: string;
  /**
   * The payload under the msgtype key, as on the wire. For image/voice/video/file it may be left
   * out: the simulator stores `media` (or a small sample file) and fills in the media_id.
   */
  payload?: JsonObject;
  media?: { bytes: Uint8Array; filename?: string; contentType?: string };
}

/** Just the customer reference of a larger options object, without undefined keys. */
export function refOf(opts: CustomerRef): CustomerRef {
  return {
    ...(opts.openKfId !== undefined && { openKfId: opts.openKfId }),
    ...(opts.externalUserId !== undefined && { externalUserId: opts.externalUserId }),
  };
}

export function defaultAccount(world: World, openKfId: string | undefined): string {
  if (openKfId !== undefined) return world.account(openKfId).openKfId;
  const first = world.accounts.keys().next();
  if (first.done)
    throw new SimulatorUsageError('UNKNOWN_ACCOUNT', 'the simulated enterprise has no KF account');
  return first.value;
}

/**
 * The customer opens the chat: an enter_session event (origin 4). §4.3: welcome_code only if "the
 * user has received no welcome message in the past 48 h and has not sent the KF a message"
 * (within 48 h). §9.8: the session stays 4 (未开始) until the customer writes.
 */
export function customerEnters(world: World, opts: EnterOptions): WireItem {
  const openKfId = defaultAccount(world, opts.openKfId);
  if (opts.scene !== undefined && !/^[0-9a-zA-Z_-]{0,32}$/.test(opts.scene)) {
    throw new SimulatorUsageError('BAD_ARGUMENT', 'scene must be ≤32 bytes of [0-9a-zA-Z_-] (§4.3)');
  }
  if (opts.sceneParam !== undefined && Buffer.byteLength(opts.sceneParam) > 128) {
    throw new SimulatorUsageError('BAD_ARGUMENT', 'scene_param must be ≤128 bytes (§4.3)');
  }
  const customer = world.ensureCustomer(opts.externalUserId);
  const session = world.session(openKfId, customer.externalUserId);
  const now = world.now();
  const recent = (t: number | undefined) => t !== undefined && now - t < SEND_WINDOW_MS;
  const eligible = !recent(session.lastWelcomeAt) && !recent(session.lastCustomerMessageAt);
  const welcome = eligible ? world.codes.issue('welcome', session, now) : undefined;
  const context = {
    ...(opts.scene !== undefined && { scene: opts.scene }),
    ...(opts.sceneParam !== undefined && { scene_param: opts.sceneParam }),
    ...(opts.wechatChannels !== undefined && { wechat_channels: { ...opts.wechatChannels } }),
  };
  customer.enterSessionContext = context;
  const event = {
    event_type: 'enter_session',
    open_kfid: openKfId,
    external_userid: customer.externalUserId,
    ...context,
    ...(welcome && { welcome_code: welcome.code }),
  };
  const item = eventItem({ msgid: world.ids.eventMsgid(), sendTime: world.seconds(), event });
  world.append(openKfId, item);
  return item;
}

/** The customer types a text; with `menuId` it is a click on a msgmenu `click` item (§4.2, §5). */
export function customerSays(world: World, opts: CustomerRef & { text: string; menuId?: string }): WireItem {
  const payload = { content: opts.text, ...(opts.menuId !== undefined && { menu_id: opts.menuId }) };
  return customerSends(world, { ...refOf(opts), msgtype: 'text', payload });
}

/** Any customer message (origin 3). Unknown msgtypes are allowed, to exercise lenient parsing (§9.19). */
export function customerSends(world: World, opts: SendOptions): WireItem {
  if (opts.msgtype === 'event') {
    throw new SimulatorUsageError(
      'BAD_ARGUMENT',
      'a customer cannot send msgtype "event"; use the event methods',
    );
  }
  const openKfId = defaultAccount(world, opts.openKfId);
  const customer = world.ensureCustomer(opts.externalUserId);
  const session = world.session(openKfId, customer.externalUserId);
  let msgtype = opts.msgtype;
  let payload: JsonObject = opts.payload ?? {};
  if (isMediaType(msgtype) && typeof payload.media_id !== 'string') {
    const sample = sampleMedia(msgtype);
    const bytes = opts.media ? Buffer.from(opts.media.bytes) : sample.bytes;
    if (bytes.length > SYNC_MEDIA_MAX_BYTES[msgtype]) {
      // §3: media over the sync limits "arrive as a text notice instead of the media".
      payload = { content: `[${msgtype}] 文件过大，请在手机上查看` };
      msgtype = 'text';
    } else {
      const media = world.media.put({
        type: msgtype,
        bytes,
        filename: opts.media?.filename ?? sample.filename,
        contentType: opts.media?.contentType ?? sample.contentType,
        createdAt: world.now(),
        source: 'customer',
      });
      payload = { ...payload, media_id: media.mediaId };
    }
  }
  const isMenuClick = msgtype === 'text' && payload.menu_id !== undefined;
  // §5 "用户发送消息 | 5条 | 48 小时"; a menu click per MENU_CLICK_OPENS_SEND_WINDOW (§5 ⚠ 95024).
  onCustomerMessage(session, world.now(), !isMenuClick || MENU_CLICK_OPENS_SEND_WINDOW);
  const item = customerItem({
    msgid: world.ids.messageMsgid(),
    openKfId,
    externalUserId: customer.externalUserId,
    sendTime: world.seconds(),
    msgtype,
    payload,
  });
  world.append(openKfId, item);
  return item;
}

/**
 * The customer taps a `click` item of the latest menu they received that has it (from the bot or
 * a servicer): a text with the item's content and `menu_id` = its id (§5).
 */
export function customerClicksMenu(
  world: World,
  opts: CustomerRef & { externalUserId: string; id: string },
): WireItem {
  const openKfId = defaultAccount(world, opts.openKfId);
  const menus: JsonObject[] = [
    ...world.sent
      .filter(
        (m) => m.openKfId === openKfId && m.externalUserId === opts.externalUserId && m.msgtype === 'msgmenu',
      )
      .map((m) => ({ at: m.at, menu: m.content.msgmenu })),
    ...world
      .log(openKfId)
      .entries()
      .filter(
        (e) =>
          e.item.origin === ORIGIN.servicer &&
          e.item.external_userid === opts.externalUserId &&
          e.item.msgtype === 'msgmenu',
      )
      .map((e) => ({ at: e.at, menu: e.item.msgmenu })),
  ]
    .sort((a, b) => b.at - a.at)
    .map((m) => (isObject(m.menu) ? m.menu : {}));
  for (const menu of menus) {
    const list = Array.isArray(menu.list) ? menu.list : [];
    for (const entry of list) {
      const click =
        isObject(entry) && entry.type === 'click' && isObject(entry.click) ? entry.click : undefined;
      if (click && click.id === opts.id && typeof click.content === 'string') {
        return customerSays(world, {
          openKfId,
          externalUserId: opts.externalUserId,
          text: click.content,
          menuId: opts.id,
        });
      }
    }
  }
  throw new SimulatorUsageError(
    'UNKNOWN_MESSAGE',
    `the customer received no menu with a click item "${opts.id}"`,
  );
}

/** user_recall_msg (§4.3): the customer withdraws one of their own messages. */
export function customerRecalls(
  world: World,
  opts: CustomerRef & { externalUserId: string; msgid: string },
): WireItem {
  const openKfId = defaultAccount(world, opts.openKfId);
  const own = world
    .log(openKfId)
    .entries()
    .some(
      (e) =>
        e.item.msgid === opts.msgid &&
        e.item.origin === ORIGIN.customer &&
        e.item.external_userid === opts.externalUserId,
    );
  if (!own)
    throw new SimulatorUsageError('UNKNOWN_MESSAGE', `${opts.msgid} is not a message this customer sent`);
  const event = {
    event_type: 'user_recall_msg',
    open_kfid: openKfId,
    external_userid: opts.externalUserId,
    recall_msgid: opts.msgid,
  };
  const item = eventItem({ msgid: world.ids.eventMsgid(), sendTime: world.seconds(), event });
  world.append(openKfId, item);
  return item;
}
