/**
 * PullWork for one process: notices are recorded in the store's pull-request log (SQLite), and an
 * in-process loop per account runs one pull at a time, again if a notice arrived meanwhile, and
 * with backoff after a failure. Owed pulls are resumed at start (a crash after the 200 loses nothing).
 */
import type { Logger } from 'pino';
import { backoffDelay } from '../wecom/retry-policy.ts';
import {
  LOCAL_LEASE,
  type PullJob,
  PullRefusedError,
  type PullWork,
  type PullWorkMetrics,
  pullErrorReason,
  reportRefusedPull,
  TOKEN_USABLE_MS,
  whenNoPullRuns,
} from './pull-work.ts';
import type { PullRequestLog } from './store.ts';

const RETRY = { maxAttempts: Number.POSITIVE_INFINITY, baseDelayMs: 500, maxDelayMs: 30_000 };

interface AccountState {
  running: Promise<void> | undefined;
  again: boolean;
  failures: number;
  retryTimer: NodeJS.Timeout | undefined;
}

export class LocalPullWork implements PullWork {
  readonly #accounts = new Map<string, AccountState>();
  #pull: ((job: PullJob) => Promise<void>) | undefined;
  #stopped = false;

  constructor(
    private readonly requests: PullRequestLog,
    private readonly metrics: PullWorkMetrics,
    private readonly log: Logger,
    private readonly now: () => number,
  ) {}

  async enqueue(openKfId: string, token: string, at: number): Promise<void> {
    await this.requests.recordPullRequest(openKfId, token, at);
    this.#owedSince.set(openKfId, this.#owedSince.get(openKfId) ?? this.now());
    this.#request(openKfId);
  }

  /** Notices owed since, per account: set by a notice, cleared by a pull that covered them all. */
  readonly #owedSince = new Map<string, number>();

  async oldestPendingAt(): Promise<number | undefined> {
    return this.#owedSince.size ? Math.min(...this.#owedSince.values()) : undefined;
  }

  /** Not recorded: after a restart the idle scheduler finds the due timers and asks again. */
  async nudge(openKfId: string): Promise<void> {
    this.#request(openKfId);
  }

  async start(pull: (job: PullJob) => Promise<void>): Promise<void> {
    this.#pull = pull;
    const pending = await this.requests.pendingPulls();
    if (pending.length)
      this.log.info({ accounts: pending.length }, 'resuming pulls that were owed before the last stop');
    for (const p of pending) this.#request(p.openKfId);
  }

  async stop(): Promise<void> {
    this.#stopped = true;
    for (const s of this.#accounts.values()) clearTimeout(s.retryTimer);
    await whenNoPullRuns(this.#accounts);
  }

  idle(): Promise<void> {
    return whenNoPullRuns(this.#accounts);
  }

  #request(openKfId: string): void {
    if (this.#stopped || !this.#pull) return;
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
    const s = state;
    s.running = this.#loop(openKfId, s).finally(() => {
      s.running = undefined;
    });
  }

  async #loop(openKfId: string, state: AccountState): Promise<void> {
    const pull = this.#pull;
    if (!pull) return;
    this.metrics.pendingPulls.inc();
    try {
      do {
        state.again = false;
        const request = await this.requests.pullRequest(openKfId);
        const fresh =
          request?.token !== undefined &&
          request.tokenAt !== undefined &&
          this.now() - request.tokenAt < TOKEN_USABLE_MS;
        const notified = request !== undefined && request.seq > request.doneSeq;
        let unfinished: Promise<void> | undefined;
        try {
          await pull({
            openKfId,
            token: fresh ? request.token : undefined,
            lease: LOCAL_LEASE,
            notified,
            finishLater: (p) => {
              unfinished = p;
            },
          });
        } catch (err) {
          // Pulling again cannot succeed: the notices are covered (dropped), not owed for ever.
          if (!(err instanceof PullRefusedError)) throw err;
          reportRefusedPull(err, this.metrics, this.log);
        }
        if (request && unfinished) {
          // Covered once the work the pull left running is done; until then a restart pulls again.
          const seq = request.seq;
          void unfinished
            .then(() => this.requests.completePull(openKfId, seq))
            .catch((err: unknown) =>
              this.log.info(
                { open_kfid: openKfId, reason: (err as Error).message },
                'the pull stays owed: it runs again at the next start or notice',
              ),
            );
        } else if (request) await this.requests.completePull(openKfId, request.seq);
        state.failures = 0;
        // A notice that arrived during the pull raised the stored seq: run again for it.
        const latest = await this.requests.pullRequest(openKfId);
        if (latest && request && latest.seq > request.seq) state.again = true;
      } while (state.again && !this.#stopped);
      if (!state.again) this.#owedSince.delete(openKfId);
    } catch (err) {
      state.failures++;
      const delay = backoffDelay(Math.min(state.failures, 10), RETRY);
      this.metrics.pullErrors.inc({ reason: pullErrorReason(err) });
      this.log.error(
        { open_kfid: openKfId, err, retryInMs: delay, failures: state.failures },
        'pull failed; it stays pending and will be retried',
      );
      if (!this.#stopped) {
        state.retryTimer = setTimeout(() => this.#request(openKfId), delay);
        state.retryTimer.unref();
      }
    } finally {
      this.metrics.pendingPulls.dec();
    }
  }
}
