/**
 * sync_msg `msg_list` items exactly as WeCom puts them on the wire (wecom-kf.md §4). The simulator
 * keeps these raw objects in its message log; kfbot's decoder (src/wecom/sync-item.ts) reads them.
 */
import type { JsonObject } from '../wecom/json-reader.ts';

/** §4.1 origin: 3 the customer · 4 a system event · 5 a servicer in the WeCom client. */
export type Origin = 3 | 4 | 5;

/** The `event` object of an origin-4 item (§4.3); which fields appear depends on event_type. */
export interface WireEvent {
  event_type: string;
  open_kfid?: string;
  external_userid?: string;
  servicer_userid?: string;
  welcome_code?: string;
  msg_code?: string;
  change_type?: number;
  old_servicer_userid?: string;
  new_servicer_userid?: string;
  [field: string]: unknown;
}

export interface WireItem {
  msgid: string;
  /** §4.1: not returned when msgtype is event. */
  open_kfid?: string;
  /** §4.1: not returned when msgtype is event. */
  external_userid?: string;
  send_time: number;
  origin: Origin;
  /** §4.1: only for origin 5. */
  servicer_userid?: string;
  msgtype: string;
  /** Only for msgtype "event". */
  event?: WireEvent;
  /** The payload, under the key named like the msgtype (§4.2). */
  [payload: string]: unknown;
}

export interface MessageItemInit {
  msgid: string;
  openKfId: string;
  externalUserId: string;
  sendTime: number;
  msgtype: string;
  payload: JsonObject;
}

/** A customer's message (origin 3). */
export function customerItem(init: MessageItemInit): WireItem {
  return {
    msgid: init.msgid,
    open_kfid: init.openKfId,
    external_userid: init.externalUserId,
    send_time: init.sendTime,
    origin: 3,
    msgtype: init.msgtype,
    [init.msgtype]: init.payload,
  };
}

/** A message a servicer typed in the WeCom client (origin 5, with servicer_userid, §4.1). */
export function servicerItem(init: MessageItemInit & { servicerUserId: string }): WireItem {
  return {
    msgid: init.msgid,
    open_kfid: init.openKfId,
    external_userid: init.externalUserId,
    send_time: init.sendTime,
    origin: 5,
    servicer_userid: init.servicerUserId,
    msgtype: init.msgtype,
    [init.msgtype]: init.payload,
  };
}

/**
 * An event (origin 4). §4.1: no top-level open_kfid / external_userid / servicer_userid; they are
 * inside `event` (§9.7).
 */
export function eventItem(init: { msgid: string; sendTime: number; event: WireEvent }): WireItem {
  return { msgid: init.msgid, send_time: init.sendTime, origin: 4, msgtype: 'event', event: init.event };
}

/** The open_kfid an item belongs to, wherever §4.1 puts it. */
export function itemOpenKfId(item: WireItem): string | undefined {
  if (item.open_kfid !== undefined) return item.open_kfid;
  return item.event?.open_kfid;
}

/** The customer an item concerns, wherever §4.1 puts it. */
export function itemExternalUserId(item: WireItem): string | undefined {
  if (item.external_userid !== undefined) return item.external_userid;
  return item.event?.external_userid;
}
