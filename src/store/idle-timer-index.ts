/**
 * Durable idle timers (a `kind: idle` rule's time coming): not held in memory but indexed beside
 * the conversation that made them. Every conversation write also writes its `idleDueAt` into this
 * index, in the same transaction (SQLite) or script (Redis), so a timer exists exactly when the
 * conversation that made it does — across restarts, kill -9 and replicas.
 *
 * The index only says *when* to look; what fires is decided from the conversation, under the
 * account's lease (runtime/idle-timers.ts). A claim per account keeps several replicas from all
 * asking for the same account's pull at once; it expires, so a claimer that died is replaced.
 */

export interface DueSilence {
  openKfId: string;
  externalUserId: string;
  /** Epoch ms its next idle rule is due. */
  dueAt: number;
}

export interface IdleTimerIndex {
  /** This account's customers whose next idle rule is due at or before `now`, earliest first. */
  dueIdle(openKfId: string, now: number, limit: number): Promise<DueSilence[]>;
  /**
   * Accounts with an idle rule due at or before `now` that nobody claimed in the last `holdMs`;
   * claims them for `holdMs`.
   */
  claimDueIdleAccounts(now: number, holdMs: number): Promise<string[]>;
  /** Drops a customer's timer whose conversation is gone (expired, or set aside unreadable). */
  clearIdleDue(openKfId: string, externalUserId: string): Promise<void>;
  /** The earliest due time of any idle rule, or undefined when none is waiting. */
  nextIdleDue(): Promise<number | undefined>;
}
