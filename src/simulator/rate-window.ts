/** A sliding-window counter per key, on the simulator clock (§3's "strict frequency limits", §8 45009). */
export class RateWindow {
  readonly #hits = new Map<string, number[]>();

  constructor(private readonly windowMs: number) {}

  /** Counts a hit for `key` unless `max` hits already fall within the window; returns whether it was allowed. */
  tryHit(key: string, now: number, max: number): boolean {
    const recent = (this.#hits.get(key) ?? []).filter((t) => now - t < this.windowMs);
    const allowed = recent.length < max;
    if (allowed) recent.push(now);
    this.#hits.set(key, recent);
    return allowed;
  }
}
