/**
 * The platform's frequency and concurrency limits per enterprise and per API (wecom-kf.md §3
 * "General frequency limits", §8 45009/45033): each API has sliding windows (by default 10,000
 * calls a minute and 150,000 an hour); the call that would pass one is answered 45009 and the API
 * stays blocked — every call answered 45009 — for that window's length. A call arriving while
 * `maxConcurrent` calls of the same API are in flight is answered 45033. Blocked and refused calls
 * are not counted: WeCom did not perform them.
 */
import type { RateLimitSpec } from '../wecom/rate-limit-spec.ts';
import type { ApiName } from './api-names.ts';
import { RateWindow } from './rate-window.ts';

/** `max` calls per `windowMs`; the window is also how long the API stays blocked once passed. */
export type RateLimit = RateLimitSpec;

export type LimitVerdict =
  | { ok: true; release: () => void }
  | { ok: false; errcode: 45009 | 45033; detail: string };

export class ApiLimits {
  readonly #windows = new Map<number, RateWindow>();
  readonly #blockedUntil = new Map<ApiName, number>();
  readonly #inFlight = new Map<ApiName, number>();
  /** Calls answered 45009 or 45033 so far, per API (for tests and benchmarks). */
  readonly refused = new Map<ApiName, { 45009: number; 45033: number }>();

  constructor(
    private readonly limits: () => readonly RateLimit[],
    private readonly maxConcurrent: () => number,
  ) {}

  /** Admits a call of `api` at `now`, or says which errcode refuses it. */
  enter(api: ApiName, now: number): LimitVerdict {
    const blocked = this.#blockedUntil.get(api) ?? 0;
    if (now < blocked) {
      return this.#refuse(api, 45009, `${api} is blocked for another ${Math.ceil((blocked - now) / 1000)} s`);
    }
    const inFlight = this.#inFlight.get(api) ?? 0;
    if (inFlight >= this.maxConcurrent()) {
      return this.#refuse(api, 45033, `more than ${this.maxConcurrent()} concurrent ${api} calls`);
    }
    const limits = this.limits();
    for (const limit of limits) {
      if (this.#window(limit.windowMs).count(api, now) >= limit.max) {
        this.#blockedUntil.set(api, now + limit.windowMs);
        return this.#refuse(
          api,
          45009,
          `${api} passed ${limit.max} calls per ${limit.windowMs / 1000} s; blocked for ${limit.windowMs / 1000} s`,
        );
      }
    }
    for (const limit of limits) this.#window(limit.windowMs).tryHit(api, now, Number.POSITIVE_INFINITY);
    this.#inFlight.set(api, inFlight + 1);
    let released = false;
    return {
      ok: true,
      release: () => {
        if (released) return;
        released = true;
        this.#inFlight.set(api, (this.#inFlight.get(api) ?? 1) - 1);
      },
    };
  }

  /** Calls of `api` being served right now. */
  inFlight(api: ApiName): number {
    return this.#inFlight.get(api) ?? 0;
  }

  /** Epoch ms until which `api` answers 45009 (0 when it is not blocked). */
  blockedUntil(api: ApiName): number {
    return this.#blockedUntil.get(api) ?? 0;
  }

  #window(windowMs: number): RateWindow {
    let w = this.#windows.get(windowMs);
    if (!w) {
      w = new RateWindow(windowMs);
      this.#windows.set(windowMs, w);
    }
    return w;
  }

  #refuse(api: ApiName, errcode: 45009 | 45033, detail: string): LimitVerdict {
    const counts = this.refused.get(api) ?? { 45009: 0, 45033: 0 };
    counts[errcode]++;
    this.refused.set(api, counts);
    return { ok: false, errcode, detail };
  }
}
