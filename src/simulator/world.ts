/**
 * The simulated platform's state: one enterprise, its KF accounts and servicers, the customers
 * who wrote to it, their sessions, the per-account message logs sync_msg reads, issued codes and
 * tokens, uploaded media, and what the customers actually received. The API handlers and the
 * driver both work on this one object; it enforces nothing by itself.
 */
import type { JsonObject } from '../wecom/json-reader.ts';
import { AccessTokenBook } from './access-tokens.ts';
import { CallbackTokenBook } from './callback-tokens.ts';
import type { Clock } from './clock.ts';
import { EventCodeBook, type EventCodeKind } from './event-codes.ts';
import { MediaStore } from './media-store.ts';
import { CursorBook, type LogEntry, MessageLog } from './message-log.ts';
import { type Gender, inventAvatar, inventProfile } from './nicknames.ts';
import type { IdFactory } from './random-ids.ts';
import { applyTimeout, newSession, type Session } from './session.ts';
import { Signal } from './signal.ts';
import { SimulatorUsageError } from './usage-error.ts';
import type { WireItem } from './wire-item.ts';

export interface Account {
  readonly openKfId: string;
  name: string;
  avatar: string;
  /** §7.3: whether the calling app may manage this account. */
  managePrivilege: boolean;
}

/** 接待中, 停止接待, or 暂时挂起 (§4.3 servicer_status_change: status 1/2, stop_type 0/1). */
export type ServicerStatus = 'receiving' | 'stopped' | 'suspended';

export interface Servicer {
  readonly userid: string;
  name: string;
  status: ServicerStatus;
  /** The KF accounts this servicer receives for. */
  readonly openKfIds: Set<string>;
}

export interface WechatChannels {
  nickname?: string;
  shop_nickname?: string;
  scene?: number;
}

/** §7.2 enter_session_context. */
export interface EnterSessionContext {
  scene?: string;
  scene_param?: string;
  wechat_channels?: WechatChannels;
}

export interface Customer {
  readonly externalUserId: string;
  nickname: string;
  avatar: string;
  gender: Gender;
  /** §7.2: only with a bound WeChat developer account. */
  unionid: string | undefined;
  enterSessionContext: EnterSessionContext | undefined;
}

export type SendApi = 'kf/send_msg' | 'kf/send_msg_on_event';

/** A message the bot sent that the platform accepted: what the customer now sees. */
export interface SentMessage {
  readonly openKfId: string;
  readonly externalUserId: string;
  readonly msgid: string;
  readonly api: SendApi;
  /** For send_msg_on_event: which scenario's code was used (§6). */
  readonly codeKind: EventCodeKind | undefined;
  readonly msgtype: string;
  /** `{ msgtype, [msgtype]: payload }` as delivered, after WeCom's truncations (§5). */
  readonly content: JsonObject;
  /** Fields WeCom cut, e.g. `link.title`. */
  readonly truncated: readonly string[];
  readonly at: number;
}

export interface AppendedItem {
  readonly openKfId: string;
  readonly entry: LogEntry;
}

export class World {
  readonly accounts = new Map<string, Account>();
  readonly servicers = new Map<string, Servicer>();
  readonly customers = new Map<string, Customer>();
  readonly codes: EventCodeBook;
  readonly cursors: CursorBook;
  readonly media: MediaStore;
  readonly accessTokens: AccessTokenBook;
  readonly callbackTokens: CallbackTokenBook;
  readonly sent: SentMessage[] = [];
  /** A customer message, servicer message or event entered an account's log. */
  readonly itemAdded = new Signal<AppendedItem>();
  readonly messageSent = new Signal<SentMessage>();
  readonly #sessions = new Map<string, Session>();
  readonly #logs = new Map<string, MessageLog>();
  readonly #usedMsgids = new Map<string, Set<string>>();

  constructor(
    readonly corpId: string,
    readonly clock: Clock,
    readonly ids: IdFactory,
    /** Whether customers have a unionid (§7.2: "requires a bound WeChat developer account"). */
    private readonly withUnionid = true,
  ) {
    this.codes = new EventCodeBook(() => ids.eventCode());
    this.cursors = new CursorBook(() => ids.cursor());
    this.media = new MediaStore(() => ids.mediaId());
    this.accessTokens = new AccessTokenBook(() => ids.accessToken());
    this.callbackTokens = new CallbackTokenBook(() => ids.callbackToken());
  }

  now(): number {
    return this.clock.now();
  }

  /** send_time / CreateTime: unix seconds. */
  seconds(): number {
    return Math.floor(this.clock.now() / 1000);
  }

  account(openKfId: string): Account {
    const account = this.accounts.get(openKfId);
    if (account === undefined) {
      throw new SimulatorUsageError(
        'UNKNOWN_ACCOUNT',
        `no KF account ${openKfId}; known: ${[...this.accounts.keys()].join(', ')}`,
      );
    }
    return account;
  }

  servicer(userid: string): Servicer {
    const servicer = this.servicers.get(userid);
    if (servicer === undefined) {
      throw new SimulatorUsageError(
        'UNKNOWN_SERVICER',
        `no servicer ${userid}; known: ${[...this.servicers.keys()].join(', ')}`,
      );
    }
    return servicer;
  }

  /** The customer, created with an invented profile on first use. */
  ensureCustomer(externalUserId?: string): Customer {
    const existing = externalUserId === undefined ? undefined : this.customers.get(externalUserId);
    if (existing) return existing;
    const profile = inventProfile(this.ids);
    const customer: Customer = {
      externalUserId: externalUserId ?? this.ids.externalUserId(),
      nickname: profile.nickname,
      avatar: inventAvatar(this.ids),
      gender: profile.gender,
      unionid: this.withUnionid ? this.ids.unionId() : undefined,
      enterSessionContext: undefined,
    };
    this.customers.set(customer.externalUserId, customer);
    return customer;
  }

  /** The session, created in state 4 (未开始) if new, with the 48 h timeout applied. */
  session(openKfId: string, externalUserId: string): Session {
    const key = `${openKfId}\n${externalUserId}`;
    let session = this.#sessions.get(key);
    if (session === undefined) {
      session = newSession(openKfId, externalUserId);
      this.#sessions.set(key, session);
    }
    applyTimeout(session, this.now());
    return session;
  }

  /** Like session(), but undefined for a pair that never met (nothing is created). */
  findSession(openKfId: string, externalUserId: string): Session | undefined {
    const session = this.#sessions.get(`${openKfId}\n${externalUserId}`);
    if (session) applyTimeout(session, this.now());
    return session;
  }

  log(openKfId: string): MessageLog {
    let log = this.#logs.get(openKfId);
    if (log === undefined) {
      log = new MessageLog();
      this.#logs.set(openKfId, log);
    }
    return log;
  }

  append(openKfId: string, item: WireItem): LogEntry {
    const entry = this.log(openKfId).append(this.now(), item);
    this.itemAdded.emit({ openKfId, entry });
    return entry;
  }

  /** §5: a client msgid "must be unique within the KF account". */
  isMsgidUsed(openKfId: string, msgid: string): boolean {
    return this.#usedMsgids.get(openKfId)?.has(msgid) ?? false;
  }

  recordSent(message: SentMessage): void {
    let used = this.#usedMsgids.get(message.openKfId);
    if (used === undefined) {
      used = new Set();
      this.#usedMsgids.set(message.openKfId, used);
    }
    used.add(message.msgid);
    this.sent.push(message);
    this.messageSent.emit(message);
  }
}
