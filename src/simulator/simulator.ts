/**
 * The running simulator: the HTTP API on loopback plus the driver API that plays the customers
 * and servicers. Thin on purpose: the rules live in api/, session.ts and the *-actions.ts files.
 */
import type { Server } from 'node:http';
import type { ApiLimits } from './api-limits.ts';
import type { CallbackDispatcher } from './callbacks/callback-dispatcher.ts';
import type { VerifyUrlResult } from './callbacks/verify-url.ts';
import type { Clock } from './clock.ts';
import {
  type CustomerRef,
  customerClicksMenu,
  customerEnters,
  customerRecalls,
  customerSays,
  customerSends,
  type EnterOptions,
  refOf,
  type SendOptions,
} from './customer-actions.ts';
import type { FaultInjector } from './faults.ts';
import type { Gender } from './nicknames.ts';
import type { RequestLog } from './request-log.ts';
import {
  type ServicerRef,
  type SessionRef,
  sendFailure,
  servicerEnds,
  servicerRecalls,
  servicerRejects,
  servicerSends,
  servicerStatus,
  servicerTakes,
  servicerTransfers,
} from './servicer-actions.ts';
import type { Session } from './session.ts';
import type { SimulatorSettings } from './settings.ts';
import type { WireItem } from './wire-item.ts';
import type { Account, Customer, SentMessage, Servicer, ServicerStatus, World } from './world.ts';

export interface SimulatorParts {
  readonly url: string;
  readonly secret: string;
  readonly world: World;
  readonly settings: SimulatorSettings;
  readonly faults: FaultInjector;
  readonly requests: RequestLog;
  readonly callbacks: CallbackDispatcher;
  readonly server: Server;
  readonly limits: ApiLimits;
}

export class WeComSimulator {
  /** Base URL, e.g. http://127.0.0.1:43210 (point kfbot's WeCom base URL here). */
  readonly url: string;
  readonly corpId: string;
  /** The secret gettoken accepts for the KF-enabled app. */
  readonly secret: string;
  readonly clock: Clock;
  /** The simulated platform's full state, for assertions and the sandbox. */
  readonly world: World;
  /** Live knobs (page size, callback timeouts, token TTL...). */
  readonly settings: SimulatorSettings;
  readonly faults: FaultInjector;
  readonly requests: RequestLog;
  readonly callbacks: CallbackDispatcher;
  /** The per-API frequency and concurrency limits (45009/45033), with counts of refusals. */
  readonly limits: ApiLimits;
  readonly #server: Server;
  #closed: Promise<void> | undefined;

  constructor(parts: SimulatorParts) {
    this.url = parts.url;
    this.secret = parts.secret;
    this.world = parts.world;
    this.corpId = parts.world.corpId;
    this.clock = parts.world.clock;
    this.settings = parts.settings;
    this.faults = parts.faults;
    this.requests = parts.requests;
    this.callbacks = parts.callbacks;
    this.#server = parts.server;
    this.limits = parts.limits;
  }

  get accounts(): Account[] {
    return [...this.world.accounts.values()];
  }

  get servicers(): Servicer[] {
    return [...this.world.servicers.values()];
  }

  /** The first KF account's open_kfid, the default of every driver method. */
  get openKfId(): string {
    const first = this.accounts[0];
    if (first === undefined) throw new Error('simulator: the enterprise has no KF account');
    return first.openKfId;
  }

  // ---- customers -------------------------------------------------------------------------

  /** Creates (or updates) a customer with a chosen profile; unset fields are invented. */
  addCustomer(init: {
    externalUserId?: string;
    nickname?: string;
    avatar?: string;
    gender?: Gender;
    unionid?: string;
  }): Customer {
    const customer = this.world.ensureCustomer(init.externalUserId);
    if (init.nickname !== undefined) customer.nickname = init.nickname;
    if (init.avatar !== undefined) customer.avatar = init.avatar;
    if (init.gender !== undefined) customer.gender = init.gender;
    if (init.unionid !== undefined) customer.unionid = init.unionid;
    return customer;
  }

  customer(externalUserId: string): Customer | undefined {
    return this.world.customers.get(externalUserId);
  }

  /** enter_session (origin 4), with a welcome_code when §4.3 allows one. */
  customerEnters(opts: EnterOptions = {}): WireItem {
    return customerEnters(this.world, opts);
  }

  /** A text (origin 3): state 4 → 0, quota 5 and the 48 h window open again (§5). */
  customerSays(opts: CustomerRef & { text: string; menuId?: string }): WireItem {
    return customerSays(this.world, opts);
  }

  /** Any msgtype (origin 3); media payloads are filled in with stored sample files. */
  customerSends(opts: SendOptions): WireItem {
    return customerSends(this.world, opts);
  }

  /** A click on a `click` item of a menu the customer received (a text with menu_id, §5). */
  customerClicksMenu(opts: CustomerRef & { externalUserId: string; id: string }): WireItem {
    return customerClicksMenu(this.world, opts);
  }

  /** user_recall_msg. */
  customerRecalls(opts: CustomerRef & { externalUserId: string; msgid: string }): WireItem {
    return customerRecalls(this.world, opts);
  }

  // ---- servicers -------------------------------------------------------------------------

  /** 2 → 3 with session_status_change change_type 1 and a reply msg_code (48 h). */
  servicerTakes(opts: ServicerRef): WireItem {
    return servicerTakes(this.world, opts);
  }

  /** 3 → 3 with change_type 2 (no code). */
  servicerTransfers(opts: SessionRef & { toServicerUserId: string }): WireItem {
    return servicerTransfers(this.world, opts);
  }

  /**
   * → 4 with change_type 3 and a closing msg_code (20 s). From 0/1/2 the servicer first picks the
   * session up (change_type 1), so two events are returned.
   */
  servicerEnds(opts: ServicerRef): WireItem[] {
    return servicerEnds(this.world, opts);
  }

  /** A text from the WeCom client (origin 5); from state 4 it re-joins first (change_type 4). */
  servicerSays(opts: ServicerRef & { text: string }): WireItem[] {
    const { text, ...ref } = opts;
    return servicerSends(this.world, { ...ref, msgtype: 'text', payload: { content: text } });
  }

  servicerSends(opts: ServicerRef & { msgtype: string; payload: Record<string, unknown> }): WireItem[] {
    return servicerSends(this.world, opts);
  }

  /** servicer_status_change, one per account the servicer serves. */
  setServicerStatus(opts: { servicerUserId: string; status: ServicerStatus }): WireItem[] {
    return servicerStatus(this.world, opts);
  }

  servicerRecalls(opts: ServicerRef & { msgid: string }): WireItem {
    return servicerRecalls(this.world, opts);
  }

  /** reject_customer_msg_switch_change. */
  servicerRejects(opts: ServicerRef & { reject: boolean }): WireItem {
    return servicerRejects(this.world, opts);
  }

  /** msg_send_fail for a message the bot sent (fail_type default 0). */
  sendFailure(opts: { msgid: string; openKfId?: string; failType?: number }): WireItem {
    return sendFailure(this.world, opts);
  }

  // ---- reading the world -----------------------------------------------------------------

  /** What customers actually received from the bot, oldest first, optionally for one account/customer. */
  sent(openKfId?: string, externalUserId?: string): SentMessage[] {
    return this.world.sent.filter(
      (m) =>
        (openKfId === undefined || m.openKfId === openKfId) &&
        (externalUserId === undefined || m.externalUserId === externalUserId),
    );
  }

  /** A snapshot of the session (state 4 "未开始" for a pair that never met). */
  session(ref: CustomerRef & { externalUserId: string }): Readonly<Session> {
    const r = refOf(ref);
    return { ...this.world.session(r.openKfId ?? this.openKfId, ref.externalUserId) };
  }

  /** Every item in the account's sync_msg log, oldest first (default: the first account). */
  items(openKfId: string = this.openKfId): WireItem[] {
    return this.world
      .log(openKfId)
      .entries()
      .map((e) => e.item);
  }

  onItem(listener: (item: WireItem, openKfId: string) => void): () => void {
    return this.world.itemAdded.add(({ entry, openKfId }) => listener(entry.item, openKfId));
  }

  onSent(listener: (message: SentMessage) => void): () => void {
    return this.world.messageSent.add(listener);
  }

  /** §1: "WeCom may invalidate a token before it expires": every live token now answers 40014. */
  invalidateAccessTokens(): number {
    return this.world.accessTokens.revokeAll();
  }

  /** Resolves when no callback is in flight (see CallbackDispatcher.idle). */
  idle(): Promise<void> {
    return this.callbacks.idle();
  }

  verifyUrl(): Promise<VerifyUrlResult> {
    return this.callbacks.verifyUrl();
  }

  /** Stops the server and the callbacks. Idempotent. */
  close(): Promise<void> {
    this.#closed ??= (async () => {
      await this.callbacks.close();
      await new Promise<void>((resolve, reject) => {
        this.#server.close((err) => (err ? reject(err) : resolve()));
        this.#server.closeAllConnections();
      });
    })();
    return this.#closed;
  }
}
