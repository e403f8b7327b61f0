/**
 * Bounded retry with exponential backoff and full jitter, for the transient failures of §8 (-1
 * system busy: "retry later, ≤3 times"; 45033 concurrency limit; HTTP 5xx; timeouts; resets).
 */

export interface RetryPolicy {
  /** Total tries including the first. §8 (-1): at most 3 retries. */
  maxAttempts: number;
  baseDelayMs: number;
  maxDelayMs: number;
}

export const DEFAULT_RETRY_POLICY: RetryPolicy = { maxAttempts: 4, baseDelayMs: 200, maxDelayMs: 5_000 };

/**
 * Delay before retry number `retry` (1 = the first retry): a uniform draw from
 * [0, min(max, base·2^(retry-1))] ("full jitter"), so replicas that failed together do not retry
 * together.
 */
export function backoffDelay(retry: number, policy: RetryPolicy, random: () => number = Math.random): number {
  const ceiling = Math.min(policy.maxDelayMs, policy.baseDelayMs * 2 ** (retry - 1));
  return Math.round(random() * ceiling);
}

export const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));
