/**
 * Redis replicates asynchronously: a failover can lose the last writes the primary acknowledged.
 * Lost before a WeCom call, they are what would double or drop a reply — the `attempting` record
 * (without it the repeated call is taken as new), the message's plan and the conversation (without
 * them it is decided again, from an older state) — and a callback's entry in the pulls stream
 * (WeCom, answered 200, does not send it again). So, when KFBOT_REDIS_WAIT_REPLICAS is set, kfbot
 * sends WAIT after writing `attempting` and before calling WeCom, and after recording a callback
 * and before answering it: WAIT covers every earlier write of the connection, and kfbot writes
 * through one connection.
 *
 * When the replicas do not acknowledge in time (a replica down or far behind), kfbot does not stop
 * answering: it warns, counts it, and stops waiting for SKIP_MS before trying again — WAIT blocks
 * the connection, and a replica that is gone would otherwise slow every command.
 */
import type { Redis } from 'ioredis';
import type { Logger } from 'pino';

/** How long one WAIT may block: a replica on the same network acknowledges in about a millisecond. */
export const WAIT_TIMEOUT_MS = 250;
/** After a shortfall, how long kfbot answers without waiting before it tries WAIT again. */
export const SKIP_MS = 10_000;

export interface ReplicaWaitMetrics {
  /** Seconds each WAIT took. */
  observe(seconds: number): void;
  /** A WAIT that came back with fewer replicas than asked. */
  shortfall(): void;
}

export class ReplicaWait {
  #skipUntil = 0;

  constructor(
    private readonly redis: Redis,
    private readonly replicas: number,
    private readonly log: Logger,
    private readonly metrics: ReplicaWaitMetrics,
    private readonly now: () => number = Date.now,
    /** How long one WAIT may block (WAIT_TIMEOUT_MS; tests on a loaded machine give more). */
    private readonly timeoutMs: number = WAIT_TIMEOUT_MS,
  ) {}

  /** Returns once `replicas` replicas have every write made so far, or after the timeout. */
  async settle(): Promise<void> {
    if (this.replicas <= 0 || this.now() < this.#skipUntil) return;
    const started = performance.now();
    const acked = Number(await this.redis.call('WAIT', this.replicas, this.timeoutMs));
    this.metrics.observe((performance.now() - started) / 1000);
    if (acked >= this.replicas) return;
    this.metrics.shortfall();
    this.#skipUntil = this.now() + SKIP_MS;
    this.log.warn(
      { acked, wanted: this.replicas },
      `only ${acked} of ${this.replicas} Redis replica(s) acknowledged within ${this.timeoutMs} ms; answering without waiting for ${SKIP_MS / 1000} s (a failover now could lose the last writes: check the replicas, INFO replication)`,
    );
  }
}
