/** The activity log (activity-log.ts) in the SQLite store's database. */
import type Database from 'better-sqlite3';
import { activityDay, HOUR_MS, hourOf } from './activity-days.ts';
import {
  type ActivityLog,
  type ActivityQuery,
  isSessionEndHow,
  type RuleOutcomeCount,
  type RuleOutcomes,
  type SatisfactionScore,
  type SessionEnd,
  type SessionEndCount,
  type UnmatchedCount,
} from './activity-log.ts';
import type { SqliteReportWrites } from './sqlite-report-writes.ts';

/**
 * The schema of version 5: counts per UTC day. Since version 12 (sqlite-activity-hourly.ts) the
 * counts are per UTC hour — `hour`, epoch ms of its start, in place of `day` — so that reads can
 * form the days of any timezone; scores and session ends are one row each, dated by their time.
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

/**
 * The SQL function the reads date rows with: the same `activityDay` every reader uses, so SQLite's
 * days are Redis's and the reports' (a count on the local date at the start of its UTC hour).
 */
const DAY = 'kfbot_activity_day';

export class SqliteActivity implements ActivityLog {
  readonly #db: Database.Database;
  readonly #stmt;

  /** Counters, scores and session ends are committed with the turn's other report writes. */
  constructor(
    db: Database.Database,
    private readonly writes: SqliteReportWrites,
  ) {
    this.#db = db;
    db.function(DAY, { deterministic: true }, (at, timezone) => activityDay(Number(at), String(timezone)));
    this.#stmt = {
      hit: db.prepare(
        `INSERT INTO rule_outcomes (hour, open_kfid, rule, hits) VALUES (?, ?, ?, 1)
         ON CONFLICT (hour, open_kfid, rule) DO UPDATE SET hits = hits + 1`,
      ),
      miss: db.prepare(
        `INSERT INTO rule_outcomes (hour, open_kfid, rule, misses) VALUES (?, ?, ?, 1)
         ON CONFLICT (hour, open_kfid, rule) DO UPDATE SET misses = misses + 1`,
      ),
      unmatched: db.prepare(
        `INSERT INTO unmatched_messages (hour, open_kfid, messages) VALUES (?, ?, 1)
         ON CONFLICT (hour, open_kfid) DO UPDATE SET messages = messages + 1`,
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
        `SELECT ${DAY}(hour, @timezone) AS day, open_kfid AS openKfId, rule,
           SUM(hits) AS hits, SUM(misses) AS misses
         FROM rule_outcomes WHERE hour >= @from AND hour < @until AND ${ACCOUNT}
         GROUP BY day, open_kfid, rule ORDER BY day, open_kfid, rule`,
      ),
      listUnmatched: db.prepare(
        `SELECT ${DAY}(hour, @timezone) AS day, open_kfid AS openKfId, SUM(messages) AS messages
         FROM unmatched_messages WHERE hour >= @from AND hour < @until AND ${ACCOUNT}
         GROUP BY day, open_kfid ORDER BY day, open_kfid`,
      ),
      listScores: db.prepare(
        `SELECT open_kfid AS openKfId, external_userid AS externalUserId, session_started_at AS sessionStartedAt,
           score, click_id AS clickId, at
         FROM satisfaction_scores WHERE at >= @from AND at < @until AND ${ACCOUNT}
         ORDER BY at, open_kfid, external_userid`,
      ),
      countEnds: db.prepare(
        `SELECT ${DAY}(at, @timezone) AS day, open_kfid AS openKfId, how, COUNT(*) AS count FROM session_ends
         WHERE at >= @from AND at < @until AND ${ACCOUNT} GROUP BY day, open_kfid, how ORDER BY day, open_kfid, how`,
      ),
      purgedHours: db.prepare(
        `SELECT COUNT(*) AS hours FROM (
           SELECT hour FROM rule_outcomes WHERE hour < @hour
           UNION SELECT hour FROM unmatched_messages WHERE hour < @hour
           UNION SELECT (at / ${HOUR_MS}) * ${HOUR_MS} FROM session_ends WHERE at < @hour)`,
      ),
      purgeRules: db.prepare('DELETE FROM rule_outcomes WHERE hour < ?'),
      purgeUnmatched: db.prepare('DELETE FROM unmatched_messages WHERE hour < ?'),
      purgeEnds: db.prepare('DELETE FROM session_ends WHERE at < ?'),
      purgeScores: db.prepare('DELETE FROM satisfaction_scores WHERE at < ?'),
    };
  }

  recordRuleOutcomes(o: RuleOutcomes): Promise<void> {
    const hour = hourOf(o.at);
    return this.writes.add(() => {
      for (const rule of o.hits ?? []) this.#stmt.hit.run(hour, o.openKfId, rule);
      for (const rule of o.misses ?? []) this.#stmt.miss.run(hour, o.openKfId, rule);
      if (o.unmatched) this.#stmt.unmatched.run(hour, o.openKfId);
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
    const { timezone: _, ...p } = params(q);
    return this.#stmt.listScores.all(p) as SatisfactionScore[];
  }

  async countSessionEnds(q: ActivityQuery): Promise<SessionEndCount[]> {
    const rows = this.#stmt.countEnds.all(params(q)) as (Omit<SessionEndCount, 'how'> & { how: string })[];
    // A row no kfbot wrote (an unknown how) is left out rather than failing the report.
    return rows.filter((r): r is SessionEndCount => isSessionEndHow(r.how));
  }

  async purgeActivity(before: number): Promise<{ hours: number; scores: number }> {
    this.writes.flush();
    const hour = hourOf(before);
    return this.#db.transaction(() => {
      const { hours } = this.#stmt.purgedHours.get({ hour }) as { hours: number };
      this.#stmt.purgeRules.run(hour);
      this.#stmt.purgeUnmatched.run(hour);
      this.#stmt.purgeEnds.run(hour);
      return { hours, scores: this.#stmt.purgeScores.run(before).changes };
    })();
  }
}

/** The query's bounds taken to their hours (activity-log.ts), as the statements name them. */
function params(q: ActivityQuery): {
  from: number;
  until: number;
  account: string | null;
  timezone: string;
} {
  return {
    from: hourOf(q.from),
    until: q.until === undefined ? Number.MAX_SAFE_INTEGER : hourOf(q.until),
    account: q.openKfId ?? null,
    timezone: q.timezone,
  };
}
