/**
 * One pull of one account: from the stored cursor, with the newest callback token while it is
 * fresh (§3), paging on has_more (§9.5), and storing the cursor only after every item of the page
 * has its outcome recorded (§9.4) — through the lease's fence, so a replica that lost the account
 * cannot move its cursor.
 *
 * Inside a page, different customers' items run concurrently (customer-lanes.ts: at most
 * `concurrency` at once, each customer's items in order, shortest deadline first), because each
 * item waits on WeCom round trips: one at a time, an account answers about 1 / (round trips per
 * message × RTT). The next page is fetched while the current one finishes (reading does not move
 * the stored cursor), and the page's unknown nicknames are asked for in one batch.
 *
 * A message that reaches a backend `call:` is recorded with its pending call and its page moves
 * on: the call and what follows it finish on the customer's own chain (account-backlog.ts), and
 * the cursor is stored only once every page before it has nothing left. The pull ends without
 * waiting, and its pull work keeps the notice owed (SQLite) or unacknowledged with the lease held
 * (Redis) until the backlog drains, so a restart or a takeover reads the page again.
 */
import type { Logger } from 'pino';
import { codeExpiry } from '../conversation/platform-guards.ts';
import { type Lease, type PullJob, PullRefusedError } from '../store/pull-work.ts';
import type { Store } from '../store/store.ts';
import { WeComApiError } from '../wecom/api-errors.ts';
import { withAttemptGuard } from '../wecom/attempt-guard.ts';
import { ERRCODE, errcodeAction, errcodeInfo } from '../wecom/error-codes.ts';
import type { KfApi, SyncMsgPage } from '../wecom/kf-api.ts';
import { INVALID_CURSOR_ERRCODE } from '../wecom/platform-choices.ts';
import { isCustomerMessage } from '../wecom/platform-enums.ts';
import { SEND_WINDOW_MS } from '../wecom/send-limits.ts';
import type { SyncItem } from '../wecom/sync-item.ts';
import { AccountBacklog, type PageMark } from './account-backlog.ts';
import { runInLanes } from './customer-lanes.ts';
import { PageNicknames } from './customer-names.ts';
import type { IdleFiring } from './idle-firing.ts';
import type { LiveRules } from './live-rules.ts';
import type { MessageHandler } from './message-handler.ts';
import type { KfbotMetrics } from './metrics.ts';

export interface AccountPullerDeps {
  kf: KfApi;
  store: Store;
  handler: MessageHandler;
  rules: LiveRules;
  metrics: KfbotMetrics;
  log: Logger;
  now: () => number;
  /** Customers' items in flight at once within a page (KFBOT_CONCURRENCY); 1: one after another. */
  concurrency: number;
  /** Fires the account's due idle rules after each pull. */
  idle?: IdleFiring;
}

export class AccountPuller {
  readonly #concurrency: number;
  /** Per account, work left running after its page (one process: kept between pulls). */
  readonly #backlogs = new Map<string, AccountBacklog>();

  constructor(private readonly d: AccountPullerDeps) {
    this.#concurrency = Math.max(1, d.concurrency);
    d.metrics.lanesPerAccount.set(this.#concurrency);
  }

  /**
   * Every API request made for this pull — reads, sends, transfers, uploads, and each retry of
   * them inside the client — is checked against the lease right before it is written.
   */
  pull(job: PullJob): Promise<void> {
    return withAttemptGuard(
      () => job.lease.check(),
      () => this.#pull(job),
    );
  }

  /** Resolves when no account has work left running after its page (tests, the sandbox, stop). */
  async settled(): Promise<void> {
    while (!this.isSettled()) await Promise.all([...this.#backlogs.values()].map((b) => b.settled()));
  }

  isSettled(): boolean {
    return [...this.#backlogs.values()].every((b) => b.idle);
  }

  /** Lets the calls in flight finish, and starts nothing new: what is left is read again at start. */
  async stop(): Promise<void> {
    await Promise.all([...this.#backlogs.values()].map((b) => b.stop()));
  }

  async #pull(job: PullJob): Promise<void> {
    if (job.notified) await this.#read(job);
    await this.d.idle?.fireDue(job.openKfId, job.lease);
  }

  /**
   * The account's backlog for this pull: kept between pulls under the same lease (one process: for
   * ever; a replica: while its pull work holds the lease). After a failure the pull reads again
   * from the stored cursor.
   */
  #backlog(job: PullJob): AccountBacklog {
    const kept = this.#backlogs.get(job.openKfId);
    if (kept && kept.lease === job.lease && job.finishLater) {
      if (kept.takeFailure()) kept.reset();
      return kept;
    }
    const backlog = new AccountBacklog({
      openKfId: job.openKfId,
      store: this.d.store,
      lease: job.lease,
      log: this.d.log,
      // Across replicas a failed piece leaves the pull work pending: it is claimed and read again.
      failToPull: job.lease.fence !== undefined || job.finishLater === undefined,
    });
    this.#backlogs.set(job.openKfId, backlog);
    return backlog;
  }

  /** Reads and handles everything WeCom holds for the account since the stored cursor. */
  async #read(job: PullJob): Promise<void> {
    const backlog = this.#backlog(job);
    try {
      await this.#readPages(job, backlog);
    } catch (err) {
      backlog.reset(); // the retry reads from the stored cursor
      if (!job.finishLater) await backlog.settled();
      throw err;
    }
    if (job.finishLater) {
      // The notice stays owed until what this pull deferred is done: a restart reads it again.
      if (!backlog.idle) job.finishLater(backlog.finished());
      return;
    }
    // Pull work that cannot keep a notice owed past the pull: the pull itself waits for its calls.
    await backlog.settled();
    this.#backlogs.delete(job.openKfId);
    const failure = backlog.takeFailure();
    if (failure) throw failure.error;
  }

  async #readPages(job: PullJob, backlog: AccountBacklog): Promise<void> {
    const timer = this.d.metrics.pullSeconds.startTimer();
    const stored = async () => backlog.readCursor ?? (await this.d.store.getCursor(job.openKfId));
    let cursor = await stored();
    const firstStart = cursor === undefined;
    let token = job.token;
    let cursorRefused = false;
    try {
      for (;;) {
        try {
          // A read from the start after a refused cursor is a first start too: what kfbot has no
          // record of and is older than KFBOT_HISTORY_MAX_AGE is recorded, not answered days late.
          await this.#pages(job.openKfId, cursor, token, firstStart || cursorRefused, job.lease, backlog);
          return;
        } catch (err) {
          if (!(err instanceof WeComApiError) || err.method !== 'kf/sync_msg') throw err;
          if (token && err.errcode === ERRCODE.invalidMsgToken) {
            // §8 95007: the callback token expired or is not valid: pull again by cursor alone.
            this.d.log.warn(
              { open_kfid: job.openKfId },
              'callback token rejected (95007); pulling by cursor without it',
            );
            token = undefined;
          } else if (cursor !== undefined && !cursorRefused && err.errcode === INVALID_CURSOR_ERRCODE) {
            this.#cursorRefused(job.openKfId, err.errcode);
            cursorRefused = true;
          } else throw refusedForGood(job.openKfId, err) ?? err;
          backlog.reset(); // read again from the stored cursor (or none), as before the retry
          cursor = cursorRefused ? undefined : await stored();
        }
      }
    } finally {
      timer();
    }
  }

  /**
   * WeCom refused the cursor kfbot stored (platform-choices.ts INVALID_CURSOR_ERRCODE): one that
   * another WeCom (or another simulator) issued, or one it no longer honours. Pulling with it
   * again would fail for ever and leave the account unanswered, so the account is read from the
   * start of WeCom's 3-day history (§3) — loudly, never silently (§3 ⚠, §9.4). Nothing is
   * answered twice: every message kfbot handled has its record, kept longer than WeCom keeps
   * messages (store purge), and is recognised by msgid (message-handler.ts); what kfbot never
   * saw is treated as on a first start: answered when recent, recorded without an answer when
   * older than KFBOT_HISTORY_MAX_AGE. The first page read this way stores its cursor in place of the
   * refused one; until then the refused one stays, and the next pull recovers the same way.
   */
  #cursorRefused(openKfId: string, errcode: number): void {
    this.d.metrics.cursorResets.inc();
    this.d.log.warn(
      { open_kfid: openKfId, errcode },
      `sync_msg refused the stored cursor (errcode ${errcode}): it was issued by another WeCom or simulator, or is no longer valid; reading this account again from the start of WeCom's 3-day history — messages already handled are recognised by msgid and not answered again, and unseen ones older than KFBOT_HISTORY_MAX_AGE are recorded without an answer`,
    );
  }

  async #pages(
    openKfId: string,
    cursor: string | undefined,
    token: string | undefined,
    firstStart: boolean,
    lease: Lease,
    backlog: AccountBacklog,
  ): Promise<void> {
    // No call to WeCom, not even a read, without the lease: a puller that lost the account stops.
    lease.check();
    const pages = this.d.kf.syncPages({
      open_kfid: openKfId,
      ...(cursor && { cursor }),
      ...(token && { token }),
    });
    let next = pages.next();
    try {
      for (;;) {
        const result = await next;
        if (result.done) return;
        const page = result.value;
        if (page.has_more) {
          // Prefetch: the generator asks for the page after this one while this one is handled.
          lease.check();
          next = pages.next();
          next.catch(() => {}); // its failure is met when it is awaited, if it ever is
        }
        const mark = backlog.openPage();
        await this.#handlePage(openKfId, page, firstStart, lease, backlog, mark);
        if (page.next_cursor) backlog.readCursor = page.next_cursor;
        // Stored now if nothing before it is still running; else when the last of that finishes.
        await backlog.closePage(mark, page.next_cursor || undefined);
        lease.check();
        if (!page.has_more) return;
      }
    } finally {
      // A page that failed leaves its prefetched successor unread; close the generator.
      void pages.return(undefined).catch(() => {});
    }
  }

  async #handlePage(
    openKfId: string,
    page: SyncMsgPage,
    firstStart: boolean,
    lease: Lease,
    backlog: AccountBacklog,
    mark: PageMark,
  ): Promise<void> {
    // WeCom resets a customer's 5-message quota when a message arrives, so replies to an older
    // message count against the newest one's allowance: tell the handler which is newest.
    const newest = new Map<string, string>();
    for (const item of page.items) {
      if (isCustomerMessage(item)) newest.set(item.external_userid, item.msgid);
    }
    const nicknames = new PageNicknames(this.d.kf, this.d.store, this.d.rules, this.d.log);
    await nicknames.prefetch(page.items, lease, this.d.now());
    await runInLanes(
      page.items.map((item, i) => ({
        item,
        // Items without a customer (servicer status, …) share nothing: each is its own lane.
        key: item.external_userid || `#${i}`,
        deadline: deadlineOf(item),
      })),
      this.#concurrency,
      async ({ item }) => {
        const ctx = {
          firstStart,
          lease,
          newestFromCustomer: (id: string) => newest.get(id),
          nickname: (id: string) => nicknames.get(id),
        };
        const chain = item.external_userid || `#${item.msgid}`;
        // A customer whose call is still running: this item waits behind it, off the page.
        if (backlog.busy(chain)) {
          backlog.defer(mark, chain, () => this.d.handler.handle(item, ctx));
          return;
        }
        const done = this.d.metrics.laneBusy(openKfId);
        try {
          await this.d.handler.handle(item, {
            ...ctx,
            defer: (work) => backlog.defer(mark, chain, work),
          });
        } finally {
          done();
        }
      },
    );
  }
}

/** When an item's work must be done: 20 s for a welcome or closing code (§6), else 48 h (§5). */
function deadlineOf(item: SyncItem): number {
  return codeExpiry(item) ?? item.send_time * 1000 + SEND_WINDOW_MS;
}

/**
 * A sync_msg refusal that pulling again cannot fix (§8 "retry? no"), as the pull work's
 * PullRefusedError: the notice is dropped, not retried for ever. Not one that waits or retries
 * (-1, 45009, 45033, a token refresh), nor one about the app's setup (48002, 60020, …): that
 * refuses every account alike, and once the operator fixes it the same pull succeeds, so the
 * work waits for it.
 */
function refusedForGood(openKfId: string, err: WeComApiError): PullRefusedError | undefined {
  if (err.retryable || err.rateLimited || err.appWide || errcodeAction(err.errcode) !== 'none')
    return undefined;
  const meaning = errcodeInfo(err.errcode)?.meaning;
  const remedy = err.remedy ?? "look the errcode up on WeCom's error-code page (90313)";
  return new PullRefusedError(
    openKfId,
    `errcode ${err.errcode}`,
    `sync_msg refused open_kfid ${openKfId}, named by a callback, with errcode ${err.errcode}${meaning ? ` (${meaning})` : ''}: ${remedy}. Pulling again cannot succeed, so this notice is dropped; the next callback for this account is tried again`,
    { cause: err },
  );
}
