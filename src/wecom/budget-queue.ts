/**
 * The waiting room in front of an API budget: takes of one API wait in deadline order (a welcome
 * code's 20 s before a reply's 48 h) and are admitted one by one as `tryTake` allows; a take whose
 * deadline passes — or cannot be met by the time the next call is allowed — is answered false
 * without spending anything. Shared by the local and the Redis budget; only `tryTake` differs.
 */
import { BudgetClosedError } from './api-budget.ts';

interface Waiter {
  deadline: number;
  seq: number;
  resolve: (ok: boolean) => void;
  reject: (err: Error) => void;
}

export class BudgetQueue {
  readonly #waiters: Waiter[] = [];
  #seq = 0;
  #timer: NodeJS.Timeout | undefined;
  #pumping = false;
  #closed = false;

  constructor(
    private readonly api: string,
    /** 0 when a call was admitted (and counted), else ms to wait before asking again. */
    private readonly tryTake: () => Promise<number>,
    private readonly now: () => number,
  ) {}

  take(deadline = Number.POSITIVE_INFINITY): Promise<boolean> {
    if (this.#closed) return Promise.reject(new BudgetClosedError(this.api));
    return new Promise<boolean>((resolve, reject) => {
      const waiter = { deadline, seq: this.#seq++, resolve, reject };
      const at = this.#waiters.findIndex((w) => w.deadline > deadline);
      this.#waiters.splice(at < 0 ? this.#waiters.length : at, 0, waiter);
      if (!this.#timer) void this.#pump();
    });
  }

  close(): void {
    this.#closed = true;
    clearTimeout(this.#timer);
    for (const w of this.#waiters.splice(0)) w.reject(new BudgetClosedError(this.api));
  }

  async #pump(): Promise<void> {
    if (this.#pumping || this.#closed) return;
    this.#pumping = true;
    this.#timer = undefined;
    try {
      while (this.#waiters.length > 0 && !this.#closed) {
        const now = this.now();
        const head = this.#waiters[0] as Waiter;
        if (head.deadline <= now) {
          this.#waiters.shift();
          head.resolve(false);
          continue;
        }
        let wait: number;
        try {
          wait = await this.tryTake();
        } catch (err) {
          // The shared budget is unreachable (Redis down): the waiting work fails and is retried.
          for (const w of this.#waiters.splice(0)) w.reject(err as Error);
          return;
        }
        if (wait === 0) {
          this.#waiters.shift();
          head.resolve(true);
          continue;
        }
        // Whoever cannot be admitted before their deadline is told now, not when it has passed.
        const freeAt = this.now() + wait;
        for (let i = this.#waiters.length - 1; i >= 0; i--) {
          const w = this.#waiters[i] as Waiter;
          if (w.deadline <= freeAt) {
            this.#waiters.splice(i, 1);
            w.resolve(false);
          }
        }
        if (this.#waiters.length > 0) {
          this.#timer = setTimeout(() => void this.#pump(), wait);
          this.#timer.unref();
        }
        return;
      }
    } finally {
      this.#pumping = false;
    }
  }
}
