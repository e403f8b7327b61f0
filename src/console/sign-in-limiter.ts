/**
 * Sign-in attempts per client address: at most `limit` in any `windowMs`, then refused (429) until
 * the oldest attempt leaves the window. With 12+ characters of password and 5 tries a minute, a
 * guesser gets nowhere; an operator who mistyped waits a minute.
 */
export class SignInLimiter {
  readonly #attempts = new Map<string, number[]>();

  constructor(
    private readonly now: () => number,
    readonly limit = 5,
    readonly windowMs = 60_000,
  ) {}

  /** Counts an attempt; returns 0 when allowed, else the seconds until the next one is. */
  attempt(client: string): number {
    const now = this.now();
    const recent = (this.#attempts.get(client) ?? []).filter((t) => t > now - this.windowMs);
    if (recent.length >= this.limit) {
      this.#attempts.set(client, recent);
      return Math.max(1, Math.ceil(((recent[0] as number) + this.windowMs - now) / 1000));
    }
    recent.push(now);
    this.#attempts.set(client, recent);
    if (this.#attempts.size > 10_000) this.#sweep(now);
    return 0;
  }

  #sweep(now: number): void {
    for (const [client, times] of this.#attempts)
      if (times.every((t) => t <= now - this.windowMs)) this.#attempts.delete(client);
  }
}
