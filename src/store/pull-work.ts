/**
 * Who pulls which account, and when. A verified callback becomes durable work before it is
 * acknowledged; the work is handed to a puller with a lease on the account, so at most one pull per
 * open_kfid runs at any moment (§9.2) — in one process (LocalPullWork, on SQLite) or across
 * replicas (RedisPullWork, on Redis Streams). Work whose puller dies is taken over.
 */

/**
 * Ownership of one account's pull. Checked before every write that must not come from a stale
 * owner, and right before every API request of the pull (wecom/attempt-guard.ts), retries included.
 */
export interface Lease {
  /**
   * Throws LeaseLostError if another puller may own the account now. Synchronous, so nothing can
   * run between the check and the write that follows it.
   */
  check(): void;
  /** The fencing token the store compares before writing the cursor; undefined when not needed. */
  readonly fence: Fence | undefined;
}

export interface Fence {
  /** The store key that holds the current owner. */
  key: string;
  /** This owner's token. */
  token: string;
}

export class LeaseLostError extends Error {
  override readonly name = 'LeaseLostError';
  readonly code = 'LEASE_LOST';
  constructor(openKfId: string) {
    super(`lost the lease on ${openKfId}: another replica took the account over; stopping this pull`);
  }
}

/**
 * The platform refused to let this account be read, for a reason that pulling again cannot fix: an
 * open_kfid this corp does not manage (95000, 95004), an account whose edition does not match the
 * secret (95011/95012), … (wecom-kf.md §8, "retry? no"). The pull work drops the notices the pull
 * covered instead of retrying them for ever, logs `message` once and counts it, and goes on serving
 * the other accounts; the next callback for the account is tried again (it may have been fixed).
 */
export class PullRefusedError extends Error {
  override readonly name = 'PullRefusedError';
  readonly code = 'PULL_REFUSED';
  constructor(
    readonly openKfId: string,
    /** The metrics label: what refused it, e.g. `errcode 95004`. */
    readonly reason: string,
    message: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
  }
}

/** Says a refused pull once, as an error, and counts it; the caller drops the notices it covered. */
export function reportRefusedPull(
  err: PullRefusedError,
  metrics: PullWorkMetrics,
  log: { error(obj: object, msg: string): void },
): void {
  metrics.pullsRefused.inc({ reason: err.reason });
  log.error({ open_kfid: err.openKfId, reason: err.reason }, err.message);
}

/** A lease that cannot be lost: one process owns every account. */
export const LOCAL_LEASE: Lease = { check: () => {}, fence: undefined };

export interface PullJob {
  openKfId: string;
  /**
   * A callback notice (or a pull owed from before a restart) asked for this pull: read WeCom.
   * false: only the account's idle rules are due (PullWork.nudge), and kfbot fires them from what
   * it has read — every customer message's notice is recorded before it is acknowledged, so none
   * it could have read is missed. It does not read WeCom for a timer: a sync_msg without a fresh
   * callback token counts toward a strict limit (§3: ten a minute block sync_msg for a minute).
   */
  notified: boolean;
  /** The newest callback token, if it is still usable (§3: valid 10 minutes). */
  token: string | undefined;
  lease: Lease;
  /**
   * The pull may end while work it started is still running (a backend call finishing after its
   * page, runtime/account-backlog.ts): it hands that work here, and the pull work counts the
   * notices as covered only once it settles — until then SQLite keeps them owed and Redis keeps
   * them unacknowledged with the lease held — so a restart or a takeover reads them again.
   */
  finishLater?: (unfinished: Promise<void>) => void;
}

export interface PullWork {
  /** Durably records a verified notice, before the callback is answered. */
  enqueue(openKfId: string, token: string, at: number): Promise<void>;
  /**
   * Asks for a pull of the account with no new callback (its idle rules are due): it runs under
   * the account's lease like any other, with `notified` false unless a notice is owed too.
   */
  nudge(openKfId: string): Promise<void>;
  /** Starts handing jobs to `pull`, including work left over from before a restart or a crash. */
  start(pull: (job: PullJob) => Promise<void>): Promise<void>;
  /** Stops taking work and waits for the pulls in flight. */
  stop(): Promise<void>;
  /** Resolves when nothing is being pulled (tests and the sandbox). */
  idle(): Promise<void>;
  /** When the oldest notice not yet covered by a pull arrived (epoch ms); undefined: none. */
  oldestPendingAt(): Promise<number | undefined>;
}

/**
 * For pull work that keeps each account's pull in flight as `running`: resolves once none is,
 * waiting again for pulls that started meanwhile (a notice that arrived during a pull runs the
 * account again). A failed pull counts as finished: its retry is a new pull. It is PullWork.idle,
 * and the end of PullWork.stop, where no pull can start any more and one round of waiting does.
 */
export async function whenNoPullRuns(
  accounts: ReadonlyMap<string, { readonly running: Promise<void> | undefined }>,
): Promise<void> {
  for (;;) {
    const running = [...accounts.values()].map((a) => a.running).filter((p) => p !== undefined);
    if (running.length === 0) return;
    await Promise.allSettled(running);
  }
}

/**
 * What pull work reports (kfbot's Prometheus metrics satisfy it); declared here so the store does
 * not depend on the runtime that wires it.
 */
export interface PullWorkMetrics {
  /** Accounts being pulled right now. */
  pendingPulls: { inc(): void; dec(): void };
  pullErrors: { inc(labels: { reason: string }): void };
  /** Pulls the platform refused for good (PullRefusedError): their notices were dropped. */
  pullsRefused: { inc(labels: { reason: string }): void };
  /** Work taken over from a replica that died or froze. */
  workClaimed: { inc(n?: number): void };
  leasesLost: { inc(): void };
}

/** The metrics label for a failed pull: the errcode WeCom answered, or the error's name. */
export function pullErrorReason(err: unknown): string {
  if (err && typeof err === 'object' && 'errcode' in err) return `errcode ${String(err.errcode)}`;
  return err instanceof Error ? err.name : 'unknown';
}

/** §3: a callback token is valid 10 minutes; stop using it a little before. */
export const TOKEN_USABLE_MS = 9 * 60_000;
