/** The API budget of one process (SQLite mode): sliding windows in memory, see api-budget.ts. */
import { type ApiBudget, SlidingBuckets } from './api-budget.ts';
import { BudgetQueue } from './budget-queue.ts';
import type { RateLimitSpec } from './rate-limit-spec.ts';

export class LocalApiBudget implements ApiBudget {
  readonly #apis = new Map<string, { windows: SlidingBuckets[]; pausedUntil: number; queue: BudgetQueue }>();

  constructor(
    private readonly limits: readonly RateLimitSpec[],
    private readonly now: () => number = Date.now,
  ) {}

  take(api: string, deadline?: number): Promise<boolean> {
    return this.#api(api).queue.take(deadline);
  }

  async pause(api: string, until: number): Promise<void> {
    const state = this.#api(api);
    state.pausedUntil = Math.max(state.pausedUntil, until);
  }

  close(): void {
    for (const s of this.#apis.values()) s.queue.close();
  }

  #api(api: string) {
    let state = this.#apis.get(api);
    if (!state) {
      const windows = this.limits.map((l) => new SlidingBuckets(l));
      const s = { windows, pausedUntil: 0, queue: undefined as unknown as BudgetQueue };
      s.queue = new BudgetQueue(
        api,
        async () => {
          const now = this.now();
          const wait = Math.max(s.pausedUntil - now, ...s.windows.map((w) => w.waitMs(now)));
          if (wait > 0) return wait;
          for (const w of s.windows) w.add(now);
          return 0;
        },
        this.now,
      );
      state = s;
      this.#apis.set(api, state);
    }
    return state;
  }
}
