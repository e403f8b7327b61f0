/**
 * Which replicas are alive and what rules each runs, for the console's 规则 page and /readyz.
 * Every replica writes its own entry on a heartbeat (runtime/replica-heartbeat.ts); an entry not
 * renewed within its time to live is gone, so a replica that crashed drops out by itself. With
 * Redis every replica sees every other; with SQLite (one process) the registry is that process.
 * Times are the writing replica's clock: replicas are expected to keep theirs in step (NTP), as
 * WeCom's callback time check already asks.
 */

export interface ReplicaEntry {
  /** Unique per running kfbot: host, process id and a random part (two kfbots in one process differ). */
  id: string;
  host: string;
  /**
   * How many times this replica has loaded its rules (/readyz's rulesVersion: its own counter, so
   * not comparable between replicas); null while none are loaded. rulesPublished is what compares.
   */
  rulesVersion: number | null;
  /** The latest published version this replica has written to its files (0: none published). */
  rulesPublished: number;
  /** Its rules folder holds files the store never saw (rules-sync.ts): it does not follow publishes. */
  rulesDiverged: boolean;
  /** Epoch ms: when it started, and its latest heartbeat. */
  startedAt: number;
  at: number;
}

export interface ReplicaRegistry {
  /** Writes (or renews) `entry`, alive until `entry.at + ttlMs` unless renewed. */
  beatReplica(entry: ReplicaEntry, ttlMs: number): Promise<void>;
  /** The replicas alive at `now`, by id. */
  listReplicas(now: number): Promise<ReplicaEntry[]>;
  /** Drops an entry at once (a replica stopping cleanly). */
  forgetReplica(id: string): Promise<void>;
}

/** Reads a stored entry; undefined for anything that is not one (left out, not misread). */
export function decodeReplicaEntry(text: string): ReplicaEntry | undefined {
  let raw: Record<string, unknown>;
  try {
    raw = JSON.parse(text) as Record<string, unknown>;
  } catch {
    return undefined;
  }
  const ok =
    raw !== null &&
    typeof raw.id === 'string' &&
    typeof raw.host === 'string' &&
    (raw.rulesVersion === null || typeof raw.rulesVersion === 'number') &&
    typeof raw.rulesPublished === 'number' &&
    typeof raw.rulesDiverged === 'boolean' &&
    typeof raw.startedAt === 'number' &&
    typeof raw.at === 'number';
  if (!ok) return undefined;
  return {
    id: raw.id as string,
    host: raw.host as string,
    rulesVersion: raw.rulesVersion as number | null,
    rulesPublished: raw.rulesPublished as number,
    rulesDiverged: raw.rulesDiverged as boolean,
    startedAt: raw.startedAt as number,
    at: raw.at as number,
  };
}

/** The registry of one process (the SQLite store: one machine, one kfbot using the file). */
export class LocalReplicaRegistry implements ReplicaRegistry {
  readonly #entries = new Map<string, { entry: ReplicaEntry; until: number }>();

  async beatReplica(entry: ReplicaEntry, ttlMs: number): Promise<void> {
    this.#entries.set(entry.id, { entry: { ...entry }, until: entry.at + ttlMs });
  }

  async listReplicas(now: number): Promise<ReplicaEntry[]> {
    const out: ReplicaEntry[] = [];
    for (const [id, e] of this.#entries) {
      if (e.until < now) this.#entries.delete(id);
      else out.push({ ...e.entry });
    }
    return out.sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
  }

  async forgetReplica(id: string): Promise<void> {
    this.#entries.delete(id);
  }
}
