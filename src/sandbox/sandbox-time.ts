/**
 * The sandbox's clock: real time plus however far the user skipped ahead. The simulator (code
 * ages, 48 h windows, session timeouts) and kfbot (idle rules, guards, time conditions) read the
 * same clock, so skipping 5 minutes on the page or with `/wait 5m` in `kfbot chat` shows a
 * reminder or a timeout as it would happen, without waiting for it.
 */
import type { RunningKfbot } from '../runtime/kfbot-app.ts';
import type { Clock, WeComSimulator } from '../simulator/index.ts';
import type { SandboxHub } from './sandbox-hub.ts';

/** The longest single skip: a step past WeCom's 48 h windows is rarely what anyone meant. */
export const MAX_SKIP_MS = 7 * 24 * 3600_000;

export class SandboxClock implements Clock {
  #offsetMs = 0;

  now(): number {
    return Date.now() + this.#offsetMs;
  }

  get offsetMs(): number {
    return this.#offsetMs;
  }

  skip(ms: number): void {
    this.#offsetMs += ms;
  }
}

export class SandboxTime {
  #app: RunningKfbot | undefined;

  constructor(
    readonly clock: SandboxClock,
    private readonly sim: WeComSimulator,
    private readonly hub: SandboxHub,
  ) {
    this.#publish();
  }

  attach(app: RunningKfbot): void {
    this.#app = app;
  }

  /** Moves time forward and resolves once kfbot has acted on whatever fell due. */
  async skip(ms: number): Promise<{ now: number; offsetMs: number }> {
    if (!Number.isFinite(ms) || ms <= 0 || ms > MAX_SKIP_MS)
      throw new RangeError(`skip between 1 second and 7 days, not ${ms} ms`);
    this.clock.skip(ms);
    this.#publish();
    const app = this.#app;
    if (app) {
      // Due idle rules ask for pulls, the pulls send, the sends may set new timers: a few rounds.
      for (let round = 0; round < 3; round++) {
        app.idle.wake();
        await app.idle.settled();
        await this.sim.idle();
        await app.work.idle();
      }
    }
    return { now: this.clock.now(), offsetMs: this.clock.offsetMs };
  }

  #publish(): void {
    this.hub.publish({ type: 'clock', now: this.clock.now(), offsetMs: this.clock.offsetMs });
  }
}
