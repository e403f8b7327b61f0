/**
 * kfbot's own keeping of WeCom's frequency limits (§3: per enterprise and per API, 10,000 calls a
 * minute and 150,000 an hour; past one the API answers 45009 for the whole window — a minute, or an
 * hour, in which every reply fails). The API client takes from the budget before every attempt, so
 * above the budget calls wait, shortest deadline first, instead of tripping the block; when WeCom
 * answers 45009/45033 anyway (another app of the enterprise uses the same API) the client pauses
 * that API for every caller.
 *
 * One process keeps it in memory (LocalApiBudget, with SQLite); replicas share one in Redis
 * (store/redis-api-budget.ts). Both count calls in the same sliding windows (SlidingBuckets).
 */
import type { RateLimitSpec } from './rate-limit-spec.ts';

export interface ApiBudget {
  /**
   * Resolves true once a call of `api` fits the budget (and counts it), or false as soon as it is
   * clear that it cannot before `deadline` (epoch ms) — then no call is made. Waiting calls of one
   * API are admitted earliest deadline first.
   */
  take(api: string, deadline?: number): Promise<boolean>;
  /** No call of `api` before `until` (epoch ms), from any caller sharing the budget. */
  pause(api: string, until: number): Promise<void>;
  /** Rejects every waiting take with BudgetClosedError (shutdown must not wait out a block). */
  close(): void;
}

export class BudgetClosedError extends Error {
  override readonly name = 'BudgetClosedError';
  readonly code = 'BUDGET_CLOSED';
  constructor(api: string) {
    super(`a ${api} call was waiting for the API budget when kfbot stopped; the work stays pending`);
  }
}

/** The budget's limits: the written ones less a safety margin (KFBOT_API_BUDGET, …_MARGIN). */
export function budgetLimits(limits: readonly RateLimitSpec[], marginPercent: number): RateLimitSpec[] {
  return limits.map((l) => ({
    max: Math.max(1, Math.floor(l.max * (1 - marginPercent / 100))),
    windowMs: l.windowMs,
  }));
}

/** Buckets per window: a sixtieth of the window each (a second of a minute, a minute of an hour). */
export const BUCKETS_PER_WINDOW = 60;

/**
 * Calls counted per bucket of a sixtieth of the window. A call at `now` is allowed while the calls
 * in the last 61 buckets — the window plus the bucket it is in — stay under `max`: counting the
 * partial bucket whole over-counts a little, never under-counts, so kfbot's window always holds
 * at least every call WeCom's sliding window holds. The Redis script mirrors this arithmetic.
 */
export class SlidingBuckets {
  readonly #counts = new Map<number, number>();
  readonly #bucketMs: number;

  constructor(readonly limit: RateLimitSpec) {
    this.#bucketMs = limit.windowMs / BUCKETS_PER_WINDOW;
  }

  /** 0 if a call fits at `now`, else ms until the oldest counted bucket leaves the window. */
  waitMs(now: number): number {
    const current = Math.floor(now / this.#bucketMs);
    let sum = 0;
    let oldest = Number.POSITIVE_INFINITY;
    for (const [bucket, count] of this.#counts) {
      if (bucket < current - BUCKETS_PER_WINDOW) this.#counts.delete(bucket);
      else {
        sum += count;
        oldest = Math.min(oldest, bucket);
      }
    }
    if (sum < this.limit.max) return 0;
    return Math.max(1, Math.ceil((oldest + BUCKETS_PER_WINDOW + 1) * this.#bucketMs - now));
  }

  add(now: number): void {
    const bucket = Math.floor(now / this.#bucketMs);
    this.#counts.set(bucket, (this.#counts.get(bucket) ?? 0) + 1);
  }
}
