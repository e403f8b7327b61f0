/**
 * The idle timer index on SQLite (idle-timer-index.ts): one row per customer with a due idle rule,
 * written in the same transaction as the conversation. Claims are kept in memory: one process owns
 * the file (LocalPullWork), so there is nobody else to keep out, and a restart starts unclaimed.
 */
import type Database from 'better-sqlite3';
import type { DueSilence, IdleTimerIndex } from './idle-timer-index.ts';
import type { Conversation } from './store.ts';

export const IDLE_DUE_SCHEMA = `
CREATE TABLE idle_due (
  open_kfid TEXT NOT NULL,
  external_userid TEXT NOT NULL,
  due_at INTEGER NOT NULL,
  PRIMARY KEY (open_kfid, external_userid)
);
CREATE INDEX idle_due_at ON idle_due (due_at);`;

interface DueRow {
  open_kfid: string;
  external_userid: string;
  due_at: number;
}

export class SqliteIdleTimers implements IdleTimerIndex {
  readonly #stmt;
  readonly #claims = new Map<string, number>();

  constructor(db: Database.Database) {
    this.#stmt = {
      put: db.prepare(
        `INSERT INTO idle_due (open_kfid, external_userid, due_at) VALUES (?, ?, ?)
         ON CONFLICT (open_kfid, external_userid) DO UPDATE SET due_at = excluded.due_at`,
      ),
      remove: db.prepare('DELETE FROM idle_due WHERE open_kfid = ? AND external_userid = ?'),
      due: db.prepare(
        'SELECT open_kfid, external_userid, due_at FROM idle_due WHERE open_kfid = ? AND due_at <= ? ORDER BY due_at LIMIT ?',
      ),
      dueAccounts: db.prepare('SELECT DISTINCT open_kfid FROM idle_due WHERE due_at <= ?'),
      next: db.prepare('SELECT MIN(due_at) AS due FROM idle_due'),
    };
  }

  /** Call inside the transaction that writes the conversation. */
  index(openKfId: string, externalUserId: string, conversation: Conversation): void {
    if (conversation.idleDueAt === undefined) this.#stmt.remove.run(openKfId, externalUserId);
    else this.#stmt.put.run(openKfId, externalUserId, conversation.idleDueAt);
  }

  async dueIdle(openKfId: string, now: number, limit: number): Promise<DueSilence[]> {
    return (this.#stmt.due.all(openKfId, now, limit) as DueRow[]).map((r) => ({
      openKfId: r.open_kfid,
      externalUserId: r.external_userid,
      dueAt: r.due_at,
    }));
  }

  async claimDueIdleAccounts(now: number, holdMs: number): Promise<string[]> {
    const claimed: string[] = [];
    for (const { open_kfid } of this.#stmt.dueAccounts.all(now) as { open_kfid: string }[]) {
      if ((this.#claims.get(open_kfid) ?? 0) > now) continue;
      this.#claims.set(open_kfid, now + holdMs);
      claimed.push(open_kfid);
    }
    return claimed;
  }

  async clearIdleDue(openKfId: string, externalUserId: string): Promise<void> {
    this.#stmt.remove.run(openKfId, externalUserId);
  }

  async nextIdleDue(): Promise<number | undefined> {
    return (this.#stmt.next.get() as { due: number | null }).due ?? undefined;
  }
}
