/**
 * Wakes accounts whose idle rules are due. It holds no timers of its own: the store's index says
 * when the next one is due (idle-timer-index.ts), and this loop sleeps until then (or at most
 * `pollMs`, since another replica may have set an earlier one), claims the due accounts and asks
 * for their pull (PullWork.nudge). The pull fires them under the account's lease, so every replica
 * can run this loop: the claim keeps them from all asking at once, the lease and the idle item's
 * msgid keep a rule from firing twice.
 */
import type { Logger } from 'pino';
import type { PullWork } from '../store/pull-work.ts';
import type { Store } from '../store/store.ts';

export interface IdleSchedulerOptions {
  /** Longest sleep between looks (another replica may have set an earlier timer). */
  pollMs?: number;
  /** How long a claim keeps other replicas from asking for the same account's pull. */
  holdMs?: number;
}

export class IdleScheduler {
  readonly #pollMs: number;
  readonly #holdMs: number;
  #timer: NodeJS.Timeout | undefined;
  #running: Promise<void> | undefined;
  #stopped = true;
  #again = false;

  constructor(
    private readonly store: Store,
    private readonly work: PullWork,
    private readonly log: Logger,
    private readonly now: () => number,
    opts: IdleSchedulerOptions = {},
  ) {
    this.#pollMs = opts.pollMs ?? 1000;
    this.#holdMs = opts.holdMs ?? 5000;
  }

  start(): void {
    this.#stopped = false;
    this.wake();
  }

  /** Looks now (the clock moved, or a timer was just set). */
  wake(): void {
    if (this.#stopped) return;
    clearTimeout(this.#timer);
    if (this.#running) {
      this.#again = true;
      return;
    }
    this.#running = this.#look().finally(() => {
      this.#running = undefined;
      if (this.#again) {
        this.#again = false;
        this.wake();
      }
    });
  }

  /** Resolves once the look in progress, if any, is done (the sandbox's clock control waits on it). */
  async settled(): Promise<void> {
    while (this.#running) await this.#running;
  }

  async stop(): Promise<void> {
    this.#stopped = true;
    clearTimeout(this.#timer);
    await this.settled();
  }

  async #look(): Promise<void> {
    let sleep = this.#pollMs;
    try {
      const now = this.now();
      const accounts = await this.store.claimDueIdleAccounts(now, this.#holdMs);
      for (const openKfId of accounts) await this.work.nudge(openKfId);
      if (accounts.length) this.log.debug({ accounts }, 'idle rules due: asked for their pulls');
      const next = await this.store.nextIdleDue();
      if (next !== undefined && next > now) sleep = Math.min(sleep, next - now);
    } catch (err) {
      this.log.warn({ err }, 'could not look for due idle rules; trying again shortly');
    }
    if (this.#stopped) return;
    this.#timer = setTimeout(() => this.wake(), Math.max(10, sleep));
    this.#timer.unref();
  }
}
