/**
 * Keeps this replica's entry in the store's replica registry (store/replica-registry.ts): what
 * rules it runs and which published version it has, renewed every few seconds and at once when its
 * rules change, forgotten when it stops. A beat that fails (the store is down) is logged once per
 * outage; the entry then expires on its own and the replica drops out of the list, which is the
 * truth: nobody can see it through the store.
 */
import { randomBytes } from 'node:crypto';
import { hostname } from 'node:os';
import type { Logger } from 'pino';
import type { ReplicaEntry, ReplicaRegistry } from '../store/replica-registry.ts';

/** A beat every 5 s; an entry outlives three missed beats, so one slow beat does not drop it. */
export const HEARTBEAT_MS = 5_000;
export const REPLICA_TTL_MS = 20_000;

export interface ReplicaState {
  rulesVersion: number | null;
  rulesPublished: number;
  rulesDiverged: boolean;
}

export class ReplicaHeartbeat {
  readonly id = `${hostname()}:${process.pid}:${randomBytes(3).toString('hex')}`;
  readonly #startedAt: number;
  #timer: NodeJS.Timeout | undefined;
  #failing = false;
  #stopped = false;

  constructor(
    private readonly opts: {
      registry: ReplicaRegistry;
      state: () => ReplicaState;
      log: Logger;
      now: () => number;
    },
  ) {
    this.#startedAt = opts.now();
  }

  /** The entry as it would be written now. */
  entry(): ReplicaEntry {
    return {
      id: this.id,
      host: hostname(),
      startedAt: this.#startedAt,
      at: this.opts.now(),
      ...this.opts.state(),
    };
  }

  async beat(): Promise<void> {
    if (this.#stopped) return;
    try {
      await this.opts.registry.beatReplica(this.entry(), REPLICA_TTL_MS);
      if (this.#failing) this.opts.log.info('replica heartbeat written again');
      this.#failing = false;
    } catch (err) {
      if (!this.#failing)
        this.opts.log.warn(
          { err },
          'replica heartbeat failed: this replica drops out of the console’s list until the store answers',
        );
      this.#failing = true;
    }
  }

  async start(): Promise<void> {
    await this.beat();
    this.#timer = setInterval(() => void this.beat(), HEARTBEAT_MS);
    this.#timer.unref();
  }

  async stop(): Promise<void> {
    this.#stopped = true;
    clearInterval(this.#timer);
    try {
      await this.opts.registry.forgetReplica(this.id);
    } catch {
      // The store is going or gone: the entry expires by itself.
    }
  }
}
