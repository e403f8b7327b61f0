/**
 * Pulls per account, one at a time (§9.2: two pulls from the same cursor answer twice). A pull
 * uses the newest callback token while it is fresh (§3: valid 10 minutes), pages on has_more
 * (§9.5), hands every item to the message handler in order, and stores the cursor only after the
 * page's outcomes are recorded. A failed pull keeps its request in the store and is retried with
 * backoff, so nothing acknowledged is ever dropped.
 */
import type { Logger } from 'pino';
import type { Store } from '../store/store.ts';
import { WeComApiError } from '../wecom/api-errors.ts';
import type { KfApi } from '../wecom/kf-api.ts';
import { backoffDelay } from '../wecom/retry-policy.ts';
import type { MessageHandler } from './message-handler.ts';
import type { KfbotMetrics } from './metrics.ts';

/** §3: a callback token is valid 10 minutes; stop using it a little before. */
const TOKEN_USABLE_MS = 9 * 60_000;
const RETRY = { maxAttempts: Number.POSITIVE_INFINITY, baseDelayMs: 500, maxDelayMs: 30_000 };

interface AccountState {
  running: Promise<void> | undefined;
  again: boolean;
  failures: number;
  retryTimer: NodeJS.Timeout | undefined;
}

export class AccountPulls {
  readonly #accounts = new Map<string, AccountState>();
  #stopped = false;

  constructor(
    private readonly kf: KfApi,
    private readonly store: Store,
    private readonly handler: MessageHandler,
    private readonly metrics: KfbotMetrics,
    private readonly log: Logger,
    private readonly now: () => number,
  ) {}

  /** Asks for a pull of this account soon; coalesces with one already running. */
  request(openKfId: string): void {
    if (this.#stopped) return;
    let state = this.#accounts.get(openKfId);
    if (!state) {
      state = { running: undefined, again: false, failures: 0, retryTimer: undefined };
      this.#accounts.set(openKfId, state);
    }
    if (state.running) {
      state.again = true;
      return;
    }
    clearTimeout(state.retryTimer);
    state.running = this.#loop(openKfId, state).finally(() => {
      state.running = undefined;
    });
  }

  /** Resumes every pull the store says is still owed (after a restart or a crash). */
  async recover(): Promise<number> {
    const pending = await this.store.pendingPulls();
    for (const p of pending) this.request(p.openKfId);
    return pending.length;
  }

  /** Stops starting pulls and waits for those in flight. */
  async stop(): Promise<void> {
    this.#stopped = true;
    for (const s of this.#accounts.values()) clearTimeout(s.retryTimer);
    await Promise.all([...this.#accounts.values()].map((s) => s.running));
  }

  /** Resolves when no pull is running (tests and shutdown). */
  async idle(): Promise<void> {
    for (;;) {
      const running = [...this.#accounts.values()].map((s) => s.running).filter((p) => p !== undefined);
      if (running.length === 0) return;
      await Promise.all(running);
    }
  }

  async #loop(openKfId: string, state: AccountState): Promise<void> {
    this.metrics.pendingPulls.inc();
    try {
      do {
        state.again = false;
        const request = await this.store.pullRequest(openKfId);
        const timer = this.metrics.pullSeconds.startTimer();
        await this.#pull(
          openKfId,
          request?.token !== undefined &&
            request.tokenAt !== undefined &&
            this.now() - request.tokenAt < TOKEN_USABLE_MS
            ? request.token
            : undefined,
        );
        timer();
        if (request) await this.store.completePull(openKfId, request.seq);
        state.failures = 0;
        // A notice that arrived during the pull raised the stored seq: run again for it.
        const latest = await this.store.pullRequest(openKfId);
        if (latest && request && latest.seq > request.seq) state.again = true;
      } while (state.again && !this.#stopped);
    } catch (err) {
      state.failures++;
      const reason = err instanceof WeComApiError ? `errcode ${err.errcode}` : (err as Error).name;
      this.metrics.pullErrors.inc({ reason });
      const delay = backoffDelay(Math.min(state.failures, 10), RETRY);
      this.log.error(
        { open_kfid: openKfId, err: (err as Error).message, retryInMs: delay, failures: state.failures },
        'pull failed; it stays pending and will be retried',
      );
      if (!this.#stopped) {
        state.retryTimer = setTimeout(() => this.request(openKfId), delay);
        state.retryTimer.unref();
      }
    } finally {
      this.metrics.pendingPulls.dec();
    }
  }

  async #pull(openKfId: string, token: string | undefined): Promise<void> {
    const cursor = await this.store.getCursor(openKfId);
    const firstStart = cursor === undefined;
    try {
      await this.#pages(openKfId, cursor, token, firstStart);
    } catch (err) {
      // §8 95007: the callback token expired or is not valid: pull again by cursor alone.
      if (token && err instanceof WeComApiError && err.errcode === 95007) {
        this.log.warn(
          { open_kfid: openKfId },
          'callback token rejected (95007); pulling by cursor without it',
        );
        await this.#pages(openKfId, await this.store.getCursor(openKfId), undefined, firstStart);
        return;
      }
      throw err;
    }
  }

  async #pages(
    openKfId: string,
    cursor: string | undefined,
    token: string | undefined,
    firstStart: boolean,
  ): Promise<void> {
    for await (const page of this.kf.syncPages({
      open_kfid: openKfId,
      ...(cursor && { cursor }),
      ...(token && { token }),
    })) {
      const newest = new Map<string, number>();
      for (const item of page.items) {
        if (item.origin === 3 && item.msgtype !== 'event') {
          newest.set(item.external_userid, Math.max(newest.get(item.external_userid) ?? 0, item.send_time));
        }
      }
      for (const item of page.items) {
        await this.handler.handle(item, { firstStart, newestFromCustomer: (id) => newest.get(id) });
      }
      // §9.4: the cursor moves only once every item of the page has its outcome recorded.
      if (page.next_cursor) await this.store.setCursor(openKfId, page.next_cursor);
    }
  }
}
