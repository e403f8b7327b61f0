/** A sliding-window counter per key, on the simulator clock (§3 frequency limits, §8 45009). */
export class RateWindow {
  readonly #hits = new Map<string, number[]>();

  constructor(private readonly windowMs: number) {}

  /** Counts a hit for `key` unless `max` hits already fall within the window; returns whether it was allowed. */
  tryHit(key: string, now: number, max: number): boolean {
    const recent = this.#recent(key, now);
    const allowed = recent.length < max;
    if (allowed) recent.push(now);
    return allowed;
  }

  /** Hits for `key` within the window ending at `now`. */
  count(key: string, now: number): number {
    return this.#recent(key, now).length;
  }

  #recent(key: string, now: number): number[] {
    const hits = this.#hits.get(key) ?? [];
    // Hits are in time order: drop the expired prefix in one splice (a minute may hold 10,000).
    let expired = 0;
    while (expired < hits.length && now - (hits[expired] as number) >= this.windowMs) expired++;
    if (expired) hits.splice(0, expired);
    this.#hits.set(key, hits);
    return hits;
  }
}
