/**
 * One decoded `msg_list` item of kf/sync_msg (wecom-kf.md §4): a discriminated union on `kind`,
 * derived from the tables in message-kinds.ts. Decoding never throws: an unknown msgtype or
 * event_type, or a known one whose payload has the wrong shape, becomes an `UnknownItem` that keeps
 * the raw JSON and says why (§9.19 "parse leniently").
 */
import { isObject, type JsonObject, Reader, ShapeError } from './json-reader.ts';
import {
  EVENT_KINDS,
  type EventKind,
  type EventPayloadOf,
  isEventKind,
  isMessageKind,
  MESSAGE_KINDS,
  type MessageKind,
  type MessagePayloadOf,
} from './message-kinds.ts';
import { ORIGIN } from './platform-enums.ts';

interface CommonFields {
  msgid: string;
  /** For events, lifted from `event.open_kfid` (§9.7). */
  open_kfid: string;
  /** For events, lifted from `event.external_userid`; '' when the item concerns no customer. */
  external_userid: string;
  send_time: number;
  /** 3 customer · 4 system event · 5 a servicer typed it in the WeCom client (§4.1). */
  origin: number;
  /** Only for origin 5 (§4.1). */
  servicer_userid?: string;
  /** The item exactly as WeCom sent it. */
  raw: JsonObject;
}

/** A message item of kind K: its payload sits under the key named like the msgtype, as on the wire. */
export type MessageItem<K extends MessageKind = MessageKind> = {
  [P in K]: CommonFields & { kind: P; msgtype: P } & { [Q in P]: MessagePayloadOf<P> };
}[K];

/** An event item of event_type K: the payload stays under `event`, as on the wire. */
export type EventItem<K extends EventKind = EventKind> = {
  [P in K]: CommonFields & { kind: P; msgtype: 'event'; event: EventPayloadOf<P> };
}[K];

export interface UnknownItem extends CommonFields {
  kind: 'unknown';
  /** The msgtype as sent (for events, `event:<event_type>`). */
  msgtype: string;
  /** Why it could not be decoded: an unknown kind, or the first field with the wrong shape. */
  reason: string;
}

/**
 * Not from WeCom: the item kfbot makes when a `kind: idle` rule's time comes (the customer has been
 * silent `idle_for` since the bot's last message). It goes through the same step as a message, so
 * guards, budget, dedupe and records apply. Its msgid is derived from the customer, the silence and
 * the rule (idle-timers.ts): firing it again is recognisably the same item. The decoder never
 * produces one.
 */
export interface IdleItem extends CommonFields {
  kind: 'idle';
  msgtype: 'idle';
  idle: {
    /** The idle rule whose time came. */
    rule: string;
    /** Epoch ms the silence began: the bot's last message to the customer. */
    since: number;
  };
}

export type SyncItem = MessageItem | EventItem | UnknownItem | IdleItem;
export type KnownKind = MessageKind | EventKind;
/** The item type for one kind name: `ItemOf<'text'>` has `.text.content`. */
export type ItemOf<K extends SyncItem['kind']> = Extract<SyncItem, { kind: K }>;

function commonFields(r: Reader, raw: JsonObject, lifted?: Reader): CommonFields {
  const from = lifted ?? r;
  const servicer = r.optStr('servicer_userid');
  const common: CommonFields = {
    msgid: r.strOrNum('msgid'), // without it the item cannot be deduplicated: decode as unknown
    open_kfid: from.optStr('open_kfid') ?? r.optStr('open_kfid') ?? '',
    external_userid: from.optStr('external_userid') ?? r.optStr('external_userid') ?? '',
    send_time: r.optNum('send_time') ?? 0,
    // WeCom always sends origin (§4.1). An item without one (a hand-written item file, a minimal
    // fake) is read as what its kind nearly always is: an event pushed by the system (4), else a
    // customer's message (3); 0 would make every such message silently unanswered (§9.6).
    origin: r.optNum('origin') ?? (raw.msgtype === 'event' ? ORIGIN.system : ORIGIN.customer),
    raw,
  };
  if (servicer !== undefined) common.servicer_userid = servicer;
  return common;
}

function unknownItem(raw: JsonObject, msgtype: string, reason: string): UnknownItem {
  // Common fields are read as leniently as possible: an item we cannot decode still needs its
  // msgid (for dedupe) and its customer (for logs).
  const pick = (k: string) =>
    typeof raw[k] === 'string' || typeof raw[k] === 'number' ? String(raw[k]) : '';
  const ev = isObject(raw.event) ? raw.event : {};
  const evPick = (k: string) => (typeof ev[k] === 'string' ? (ev[k] as string) : '');
  const item: UnknownItem = {
    kind: 'unknown',
    msgtype,
    reason,
    msgid: pick('msgid'),
    open_kfid: pick('open_kfid') || evPick('open_kfid'),
    external_userid: pick('external_userid') || evPick('external_userid'),
    send_time: Number(pick('send_time')) || 0,
    origin: Number(pick('origin')) || 0,
    raw,
  };
  const servicer = pick('servicer_userid');
  if (servicer) item.servicer_userid = servicer;
  return item;
}

/** Decodes one sync_msg `msg_list` entry. Never throws. */
export function decodeSyncItem(value: unknown): SyncItem {
  if (!isObject(value)) return unknownItem({ value }, '', 'the item is not a JSON object');
  const raw = value;
  const msgtype = typeof raw.msgtype === 'string' ? raw.msgtype : '';
  try {
    const r = new Reader(raw, 'item');
    if (msgtype === 'event') {
      const ev = r.child('event');
      const eventType = ev.optStr('event_type') ?? '';
      if (!isEventKind(eventType)) {
        return unknownItem(raw, `event:${eventType}`, `unknown event_type "${eventType}"`);
      }
      const event = EVENT_KINDS[eventType].decode(ev);
      return { ...commonFields(r, raw, ev), kind: eventType, msgtype: 'event', event } as EventItem;
    }
    if (!isMessageKind(msgtype)) {
      return unknownItem(raw, msgtype, msgtype ? `unknown msgtype "${msgtype}"` : 'msgtype is missing');
    }
    // An opaque kind may arrive without its payload key (e.g. a bare "note"); treat that as {}.
    const payloadReader =
      r.has(msgtype) || !isOpaque(msgtype) ? r.child(msgtype) : new Reader({}, `item.${msgtype}`);
    const payload = MESSAGE_KINDS[msgtype].decode(payloadReader);
    return { ...commonFields(r, raw), kind: msgtype, msgtype, [msgtype]: payload } as MessageItem;
  } catch (err) {
    if (err instanceof ShapeError) return unknownItem(raw, msgtype, err.message);
    throw err; // a bug in a decoder, not bad input
  }
}

function isOpaque(kind: MessageKind): boolean {
  return kind === 'meeting' || kind === 'schedule' || kind === 'note';
}

export function isKind<K extends SyncItem['kind']>(item: SyncItem, kind: K): item is ItemOf<K> {
  return item.kind === kind;
}
