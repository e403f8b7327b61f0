/** The activity log (activity-log.ts) in the SQLite store's database. */
import type Database from 'better-sqlite3';
import {
  type ActivityLog,
  type ActivityQuery,
  dayStart,
  isSessionEndHow,
  type RuleOutcomeCount,
  type RuleOutcomes,
  type SatisfactionScore,
  type SessionEnd,
  type SessionEndCount,
  type UnmatchedCount,
  utcDay,
} from './activity-log.ts';
import type { SqliteReportWrites } from './sqlite-report-writes.ts';

/**
 * Counts are kept per day (what the reports show); scores and session ends one row each, dated by
 * their time. Every read is a range of days, so each table is indexed by its day or time first.
 */
export const ACTIVITY_SCHEMA = `
CREATE TABLE rule_outcomes (
  day TEXT NOT NULL,
  open_kfid TEXT NOT NULL,
  rule TEXT NOT NULL,
  hits INTEGER NOT NULL DEFAULT 0,
  misses INTEGER NOT NULL DEFAULT 0,
  PRIMARY KEY (day, open_kfid, rule)
);
CREATE TABLE unmatched_messages (
  day TEXT NOT NULL,
  open_kfid TEXT NOT NULL,
  messages INTEGER NOT NULL,
  PRIMARY KEY (day, open_kfid)
);
CREATE TABLE satisfaction_scores (
  open_kfid TEXT NOT NULL,
  external_userid TEXT NOT NULL,
  session_started_at INTEGER NOT NULL,
  score INTEGER NOT NULL,
  click_id TEXT NOT NULL,
  at INTEGER NOT NULL,
  PRIMARY KEY (open_kfid, external_userid, session_started_at)
);
CREATE INDEX satisfaction_scores_at ON satisfaction_scores (at);
CREATE TABLE session_ends (
  open_kfid TEXT NOT NULL,
  external_userid TEXT NOT NULL,
  at INTEGER NOT NULL,
  how TEXT NOT NULL
);
CREATE INDEX session_ends_at ON session_ends (at);
`;

/** `AND open_kfid = ?` only when the query names an account: one statement for both. */
const ACCOUNT = '(@account IS NULL OR open_kfid = @account)';

export class SqliteActivity implements ActivityLog {
  readonly #db: Database.Database;
  readonly #stmt;

  /** Counters, scores and session ends are committed with the turn's other report writes. */
  constructor(
    db: Database.Database,
    private readonly writes: SqliteReportWrites,
  ) {
    this.#db = db;
    this.#stmt = {
      hit: db.prepare(
        `INSERT INTO rule_outcomes (day, open_kfid, rule, hits) VALUES (?, ?, ?, 1)
         ON CONFLICT (day, open_kfid, rule) DO UPDATE SET hits = hits + 1`,
      ),
      miss: db.prepare(
        `INSERT INTO rule_outcomes (day, open_kfid, rule, misses) VALUES (?, ?, ?, 1)
         ON CONFLICT (day, open_kfid, rule) DO UPDATE SET misses = misses + 1`,
      ),
      unmatched: db.prepare(
        `INSERT INTO unmatched_messages (day, open_kfid, messages) VALUES (?, ?, 1)
         ON CONFLICT (day, open_kfid) DO UPDATE SET messages = messages + 1`,
      ),
      score: db.prepare(
        `INSERT INTO satisfaction_scores (open_kfid, external_userid, session_started_at, score, click_id, at)
         VALUES (@openKfId, @externalUserId, @sessionStartedAt, @score, @clickId, @at)
         ON CONFLICT (open_kfid, external_userid, session_started_at) DO UPDATE
           SET score = excluded.score, click_id = excluded.click_id, at = excluded.at
           WHERE excluded.at >= at`,
      ),
      sessionEnd: db.prepare(
        'INSERT INTO session_ends (open_kfid, external_userid, at, how) VALUES (@openKfId, @externalUserId, @at, @how)',
      ),
      listRules: db.prepare(
        `SELECT day, open_kfid AS openKfId, rule, hits, misses FROM rule_outcomes
         WHERE day >= @fromDay AND ${ACCOUNT} ORDER BY day, open_kfid, rule`,
      ),
      listUnmatched: db.prepare(
        `SELECT day, open_kfid AS openKfId, messages FROM unmatched_messages
         WHERE day >= @fromDay AND ${ACCOUNT} ORDER BY day, open_kfid`,
      ),
      listScores: db.prepare(
        `SELECT open_kfid AS openKfId, external_userid AS externalUserId, session_started_at AS sessionStartedAt,
           score, click_id AS clickId, at
         FROM satisfaction_scores WHERE at >= @from AND ${ACCOUNT}
         ORDER BY at, open_kfid, external_userid`,
      ),
      countEnds: db.prepare(
        `SELECT date(at / 1000, 'unixepoch') AS day, open_kfid AS openKfId, how, COUNT(*) AS count FROM session_ends
         WHERE at >= @from AND ${ACCOUNT} GROUP BY day, open_kfid, how ORDER BY day, open_kfid, how`,
      ),
      purgedDays: db.prepare(
        `SELECT COUNT(*) AS days FROM (
           SELECT day FROM rule_outcomes WHERE day < @day
           UNION SELECT day FROM unmatched_messages WHERE day < @day
           UNION SELECT date(at / 1000, 'unixepoch') FROM session_ends WHERE at < @dayStart)`,
      ),
      purgeRules: db.prepare('DELETE FROM rule_outcomes WHERE day < ?'),
      purgeUnmatched: db.prepare('DELETE FROM unmatched_messages WHERE day < ?'),
      purgeEnds: db.prepare('DELETE FROM session_ends WHERE at < ?'),
      purgeScores: db.prepare('DELETE FROM satisfaction_scores WHERE at < ?'),
    };
  }

  recordRuleOutcomes(o: RuleOutcomes): Promise<void> {
    const day = utcDay(o.at);
    return this.writes.add(() => {
      for (const rule of o.hits ?? []) this.#stmt.hit.run(day, o.openKfId, rule);
      for (const rule of o.misses ?? []) this.#stmt.miss.run(day, o.openKfId, rule);
      if (o.unmatched) this.#stmt.unmatched.run(day, o.openKfId);
    });
  }

  recordScore(s: SatisfactionScore): Promise<void> {
    return this.writes.add(() => this.#stmt.score.run(s));
  }

  recordSessionEnd(e: SessionEnd): Promise<void> {
    return this.writes.add(() => this.#stmt.sessionEnd.run(e));
  }

  // The statements name their columns as the rows are typed (SELECT open_kfid AS openKfId, …).
  async listRuleOutcomes(q: ActivityQuery): Promise<RuleOutcomeCount[]> {
    return this.#stmt.listRules.all(params(q)) as RuleOutcomeCount[];
  }

  async listUnmatched(q: ActivityQuery): Promise<UnmatchedCount[]> {
    return this.#stmt.listUnmatched.all(params(q)) as UnmatchedCount[];
  }

  async listScores(q: ActivityQuery): Promise<SatisfactionScore[]> {
    return this.#stmt.listScores.all(params(q)) as SatisfactionScore[];
  }

  async countSessionEnds(q: ActivityQuery): Promise<SessionEndCount[]> {
    const rows = this.#stmt.countEnds.all(params(q)) as (Omit<SessionEndCount, 'how'> & { how: string })[];
    // A row no kfbot wrote (an unknown how) is left out rather than failing the report.
    return rows.filter((r): r is SessionEndCount => isSessionEndHow(r.how));
  }

  async purgeActivity(before: number): Promise<{ days: number; scores: number }> {
    this.writes.flush();
    const day = utcDay(before);
    const start = dayStart(day);
    return this.#db.transaction(() => {
      const { days } = this.#stmt.purgedDays.get({ day, dayStart: start }) as { days: number };
      this.#stmt.purgeRules.run(day);
      this.#stmt.purgeUnmatched.run(day);
      this.#stmt.purgeEnds.run(start);
      return { days, scores: this.#stmt.purgeScores.run(before).changes };
    })();
  }
}

function params(q: ActivityQuery): { fromDay: string; from: number; account: string | null } {
  return { fromDay: q.fromDay, from: dayStart(q.fromDay), account: q.openKfId ?? null };
}
