/**
 * Failed sign-ins per client address: after `limit` failures within `windowMs`, every sign-in from
 * that address is refused (429) until the oldest failure leaves the window. With 12+ characters of
 * password and 5 tries a minute, a guesser gets nowhere; an operator who mistyped waits a minute.
 * Successful sign-ins are not counted, so an office behind one address is not locked out by use.
 */
export class SignInLimiter {
  readonly #failures = new Map<string, number[]>();

  constructor(
    private readonly now: () => number,
    readonly limit = 5,
    readonly windowMs = 60_000,
  ) {}

  #recent(client: string, now: number): number[] {
    return (this.#failures.get(client) ?? []).filter((t) => t > now - this.windowMs);
  }

  /** 0 when the client may try, else the seconds until it may. */
  waitFor(client: string): number {
    const now = this.now();
    const recent = this.#recent(client, now);
    if (recent.length < this.limit) return 0;
    return Math.max(1, Math.ceil(((recent[0] as number) + this.windowMs - now) / 1000));
  }

  /** Counts a failed attempt (a wrong password, a form without its token). */
  failed(client: string): void {
    const now = this.now();
    const recent = this.#recent(client, now);
    recent.push(now);
    this.#failures.set(client, recent);
    if (this.#failures.size > 10_000)
      for (const [c, times] of this.#failures)
        if (times.every((t) => t <= now - this.windowMs)) this.#failures.delete(c);
  }
}
