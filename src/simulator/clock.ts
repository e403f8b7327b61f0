/**
 * The simulator's notion of "now", in milliseconds. Every platform expiry it enforces (20 s event
 * codes, 10 min callback tokens, 48 h send windows, 3-day retention, 7200 s access tokens) reads
 * this clock, so tests move time with ManualClock.advance() instead of waiting. Network timing
 * (callback timeouts, injected delays) uses real timers: it concerns sockets, not the platform.
 */
export interface Clock {
  now(): number;
}

export const systemClock: Clock = { now: () => Date.now() };

/** A clock that moves only when told to. */
export class ManualClock implements Clock {
  #now: number;

  /** Starts at `start` ms (default: 2024-06-01T08:00:00+08:00, a fixed, realistic instant). */
  constructor(start = Date.parse('2024-06-01T08:00:00+08:00')) {
    this.#now = start;
  }

  now(): number {
    return this.#now;
  }

  advance(ms: number): void {
    if (!Number.isFinite(ms) || ms < 0)
      throw new RangeError(`advance(ms) needs a non-negative number, got ${ms}`);
    this.#now += ms;
  }

  set(ms: number): void {
    this.#now = ms;
  }
}

/** Unix seconds, as WeCom puts in send_time, CreateTime and created_at. */
export function unixSeconds(clock: Clock): number {
  return Math.floor(clock.now() / 1000);
}

export const SECOND = 1000;
export const MINUTE = 60 * SECOND;
export const HOUR = 60 * MINUTE;
export const DAY = 24 * HOUR;
