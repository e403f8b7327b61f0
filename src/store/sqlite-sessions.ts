/** The session log (session-log.ts) in the SQLite store's database: one row per entry. */
import type Database from 'better-sqlite3';
import {
  emptyCounts,
  isSessionEntryFrom,
  type SessionEntry,
  type SessionLog,
  type SessionQuery,
  type SessionSummary,
} from './session-log.ts';
import type { SqliteReportWrites } from './sqlite-report-writes.ts';

export const SESSION_ENTRIES_SCHEMA = `
CREATE TABLE session_entries (
  open_kfid TEXT NOT NULL,
  external_userid TEXT NOT NULL,
  session_started_at INTEGER NOT NULL,
  at INTEGER NOT NULL,
  msgid TEXT NOT NULL,
  seq INTEGER NOT NULL,
  from_ TEXT NOT NULL,
  kind TEXT NOT NULL,
  text TEXT NOT NULL,
  rules TEXT,
  why TEXT,
  PRIMARY KEY (msgid, seq)
);
CREATE INDEX session_entries_by_session ON session_entries (open_kfid, session_started_at, external_userid);
CREATE INDEX session_entries_by_start ON session_entries (session_started_at);
CREATE INDEX session_entries_by_customer ON session_entries (external_userid);`;

interface EntryRow {
  open_kfid: string;
  external_userid: string;
  session_started_at: number;
  at: number;
  msgid: string;
  seq: number;
  from_: string;
  kind: string;
  text: string;
  rules: string | null;
  why: string | null;
}

export class SqliteSessions implements SessionLog {
  readonly #stmt;

  /** Entries are committed with the turn's other report writes (sqlite-report-writes.ts). */
  constructor(
    private readonly db: Database.Database,
    private readonly writes: SqliteReportWrites,
  ) {
    this.#stmt = {
      insert: db.prepare(
        `INSERT OR IGNORE INTO session_entries
         (open_kfid, external_userid, session_started_at, at, msgid, seq, from_, kind, text, rules, why)
         VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
      ),
      entries: db.prepare(
        `SELECT * FROM session_entries WHERE open_kfid = ? AND external_userid = ? AND session_started_at = ?
         ORDER BY at, seq, rowid`,
      ),
      purge: db.prepare('DELETE FROM session_entries WHERE session_started_at < ?'),
      purgedSessions: db.prepare(
        'SELECT COUNT(*) AS n FROM (SELECT DISTINCT open_kfid, external_userid, session_started_at FROM session_entries WHERE session_started_at < ?)',
      ),
      forget: db.prepare('DELETE FROM session_entries WHERE external_userid = ?'),
      forgottenSessions: db.prepare(
        'SELECT COUNT(*) AS n FROM (SELECT DISTINCT open_kfid, session_started_at FROM session_entries WHERE external_userid = ?)',
      ),
    };
  }

  recordSessionEntries(entries: readonly SessionEntry[]): Promise<void> {
    return this.writes.add(() => {
      for (const e of entries)
        this.#stmt.insert.run(
          e.openKfId,
          e.externalUserId,
          e.sessionStartedAt,
          e.at,
          e.msgid,
          e.seq,
          e.from,
          e.kind,
          e.text,
          e.rules ? JSON.stringify(e.rules) : null,
          e.why ?? null,
        );
    });
  }

  async listSessions(q: SessionQuery): Promise<SessionSummary[]> {
    const where = ['session_started_at >= ?'];
    const args: (string | number)[] = [q.since];
    if (q.until !== undefined) {
      where.push('session_started_at < ?');
      args.push(q.until);
    }
    if (q.openKfId !== undefined) {
      where.push('open_kfid = ?');
      args.push(q.openKfId);
    }
    const rows = this.db
      .prepare(
        `SELECT open_kfid, external_userid, session_started_at, MIN(at) AS first_at, MAX(at) AS last_at,
           SUM(from_ = 'customer') AS customer, SUM(from_ = 'bot') AS bot,
           SUM(from_ = 'servicer') AS servicer, SUM(from_ = 'event') AS event
         FROM session_entries WHERE ${where.join(' AND ')}
         GROUP BY open_kfid, external_userid, session_started_at
         ORDER BY session_started_at DESC, open_kfid, external_userid LIMIT ?`,
      )
      .all(...args, q.limit) as {
      open_kfid: string;
      external_userid: string;
      session_started_at: number;
      first_at: number;
      last_at: number;
      customer: number;
      bot: number;
      servicer: number;
      event: number;
    }[];
    return rows.map((r) => ({
      openKfId: r.open_kfid,
      externalUserId: r.external_userid,
      sessionStartedAt: r.session_started_at,
      firstAt: r.first_at,
      lastAt: r.last_at,
      messages: { ...emptyCounts(), customer: r.customer, bot: r.bot, servicer: r.servicer, event: r.event },
    }));
  }

  async sessionEntries(
    openKfId: string,
    externalUserId: string,
    sessionStartedAt: number,
  ): Promise<SessionEntry[]> {
    return (this.#stmt.entries.all(openKfId, externalUserId, sessionStartedAt) as EntryRow[]).map(entryOf);
  }

  async purgeSessions(before: number): Promise<number> {
    this.writes.flush();
    return this.db.transaction(() => {
      const { n } = this.#stmt.purgedSessions.get(before) as { n: number };
      this.#stmt.purge.run(before);
      return n;
    })();
  }

  async forgetSessions(externalUserId: string): Promise<number> {
    this.writes.flush(); // a turn's pending entries of this customer go too
    return this.db.transaction(() => {
      const { n } = this.#stmt.forgottenSessions.get(externalUserId) as { n: number };
      this.#stmt.forget.run(externalUserId);
      return n;
    })();
  }
}

function entryOf(r: EntryRow): SessionEntry {
  return {
    openKfId: r.open_kfid,
    externalUserId: r.external_userid,
    sessionStartedAt: r.session_started_at,
    at: r.at,
    msgid: r.msgid,
    seq: r.seq,
    from: isSessionEntryFrom(r.from_) ? r.from_ : 'event',
    kind: r.kind,
    text: r.text,
    ...(r.rules !== null && { rules: JSON.parse(r.rules) as string[] }),
    ...(r.why !== null && { why: r.why }),
  };
}
