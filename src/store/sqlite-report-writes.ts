/**
 * The activity and session logs' writes in the SQLite store, committed together: every write asked
 * for during one turn of the event loop runs in one transaction at the end of that turn.
 *
 * Why: these are reports written once or twice per decision. As a transaction each, they were a
 * commit and a WAL frame per page touched for every message — a session entry alone touches five
 * b-trees (its table, its primary key and three indexes) — which took kfbot's WAL writes per
 * answered message from ~15 to ~23 pages (bench: `npm run bench`, docs/performance.md). Decisions
 * made in the same turn share the commit and the pages they have in common (each table's newest
 * page, the day's counter row).
 *
 * Nothing that makes replies exactly once goes through here: messages, sends, cursors and pull
 * requests keep their own writes, durable before the step that depends on them. A report write's
 * promise resolves once its transaction is committed, so a read after `await` sees it; each write
 * runs under its own savepoint, so one that fails rejects alone and the others commit. A process
 * killed within the turn loses that turn's report rows, as it would lose a decision's report
 * written after its message was recorded.
 */
import type Database from 'better-sqlite3';

interface Pending {
  write: () => void;
  resolve: () => void;
  reject: (err: unknown) => void;
}

export class SqliteReportWrites {
  #pending: Pending[] = [];
  #scheduled: NodeJS.Immediate | undefined;

  constructor(private readonly db: Database.Database) {}

  /** Runs `write` (synchronous statements) in this turn's report transaction. */
  add(write: () => void): Promise<void> {
    return new Promise((resolve, reject) => {
      this.#pending.push({ write, resolve, reject });
      this.#scheduled ??= setImmediate(() => this.flush());
    });
  }

  /** Commits what is pending now (before a read that must see it, and at close). */
  flush(): void {
    if (this.#scheduled) clearImmediate(this.#scheduled);
    this.#scheduled = undefined;
    const batch = this.#pending;
    this.#pending = [];
    if (batch.length === 0) return;
    const failed = new Map<Pending, unknown>();
    try {
      this.db.transaction(() => {
        for (const p of batch) {
          try {
            // A transaction function called inside a transaction runs as a savepoint.
            this.db.transaction(p.write)();
          } catch (err) {
            failed.set(p, err);
          }
        }
      })();
    } catch (err) {
      // The commit itself failed (disk full, database locked past busy_timeout): nothing was kept.
      for (const p of batch) p.reject(err);
      return;
    }
    for (const p of batch) {
      if (failed.has(p)) p.reject(failed.get(p));
      else p.resolve();
    }
  }
}
