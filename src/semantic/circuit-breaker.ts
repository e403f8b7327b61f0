/**
 * Stops asking a provider that keeps failing, so customers do not each wait out the deadline:
 * after `failures` failures in a row the circuit opens for `cooldownMs`; then one trial request
 * is let through (half-open) — its success closes the circuit, its failure opens it again.
 */
export type BreakerState = 'closed' | 'open' | 'half-open';

export interface BreakerOptions {
  failures?: number;
  cooldownMs?: number;
  now?: () => number;
}

export class CircuitBreaker {
  readonly #threshold: number;
  readonly #cooldownMs: number;
  readonly #now: () => number;
  #failures = 0;
  #openedAt: number | undefined;
  #trial = false;

  constructor(opts: BreakerOptions = {}) {
    this.#threshold = opts.failures ?? 5;
    this.#cooldownMs = opts.cooldownMs ?? 30_000;
    this.#now = opts.now ?? Date.now;
  }

  get state(): BreakerState {
    if (this.#openedAt === undefined) return 'closed';
    return this.#now() - this.#openedAt >= this.#cooldownMs ? 'half-open' : 'open';
  }

  /** Whether a request may go now; in half-open, only one at a time. */
  allow(): boolean {
    const state = this.state;
    if (state === 'closed') return true;
    if (state === 'open' || this.#trial) return false;
    this.#trial = true;
    return true;
  }

  success(): void {
    this.#failures = 0;
    this.#openedAt = undefined;
    this.#trial = false;
  }

  failure(): void {
    this.#failures++;
    if (this.#trial || this.#failures >= this.#threshold) this.#openedAt = this.#now();
    this.#trial = false;
  }
}
