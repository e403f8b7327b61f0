/** The activity log (activity-log.ts) in the SQLite store's database. */
import type Database from 'better-sqlite3';
import { activityDay, HOUR_MS, hourOf } from './activity-days.ts';
import {
  type ActivityLog,
  type ActivityQuery,
  isSessionEndHow,
  type PartlyDeliveredCount,
  type RuleOutcomeCount,
  type RuleOutcomes,
  type SatisfactionScore,
  type SessionEnd,
  type SessionEndCount,
  type UnmatchedCount,
} from './activity-log.ts';
import { HOURS_OF_DAY, hourColumn } from './sqlite-activity-daily.ts';
import { type DayRead, dayReadStatement, dayRuns, utcDate } from './sqlite-activity-day-reads.ts';
import type { SqliteReportWrites } from './sqlite-report-writes.ts';

/**
 * The schema of version 5: counts per UTC day. Since version 12 (sqlite-activity-hourly.ts) the
 * counts are per UTC hour, so that reads can form the days of any timezone; since version 14
 * (sqlite-activity-daily.ts) a row holds the 24 hourly counts of its UTC day. Scores and session
 * ends are one row each, dated by their time.
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

const RULE_READ: DayRead = {
  table: 'rule_outcomes',
  keys: [
    ['open_kfid', 'openKfId'],
    ['rule', 'rule'],
  ],
  measures: ['hits', 'misses'],
};
const PARTLY_READ: DayRead = {
  table: 'partly_delivered',
  keys: [
    ['open_kfid', 'openKfId'],
    ['rule', 'rule'],
  ],
  measures: ['messages', 'sent', 'parts'],
};
const UNMATCHED_READ: DayRead = {
  table: 'unmatched_messages',
  keys: [['open_kfid', 'openKfId']],
  measures: ['messages'],
};
/** Prepared grouped reads by their text; a handful of range shapes recur, so a small bound. */
const MAX_DAY_READS = 64;

/**
 * The SQL function session ends are dated with: the same `activityDay` every reader uses, so SQLite's
 * days are Redis's and the reports' (a count on the local date at the start of its UTC hour).
 */
const DAY = 'kfbot_activity_day';

export class SqliteActivity implements ActivityLog {
  readonly #db: Database.Database;
  readonly #stmt;
  /** The grouped reads prepared so far, by their text (sqlite-activity-day-reads.ts). */
  readonly #dayReads = new Map<string, Database.Statement>();

  /** Counters, scores and session ends are committed with the turn's other report writes. */
  constructor(
    db: Database.Database,
    private readonly writes: SqliteReportWrites,
  ) {
    this.#db = db;
    db.function(DAY, { deterministic: true }, (at, timezone) => activityDay(Number(at), String(timezone)));
    // One upsert per count, into its hour's column of its UTC day's row.
    const count = (table: string, keys: string, measure: 'hits' | 'misses' | 'messages') =>
      HOURS_OF_DAY.map((_, h) => {
        const c = hourColumn(measure, h);
        return db.prepare(
          `INSERT INTO ${table} (day, ${keys}, ${c}) VALUES (${keys.replace(/\w+/g, '?')}, ?, 1)
           ON CONFLICT (day, ${keys}) DO UPDATE SET ${c} = ${c} + 1`,
        );
      });
    this.#stmt = {
      hit: count('rule_outcomes', 'open_kfid, rule', 'hits'),
      miss: count('rule_outcomes', 'open_kfid, rule', 'misses'),
      unmatched: count('unmatched_messages', 'open_kfid', 'messages'),
      partly: HOURS_OF_DAY.map((_, h) => {
        const [m, s, p] = (['messages', 'sent', 'parts'] as const).map((x) => hourColumn(x, h));
        return db.prepare(
          `INSERT INTO partly_delivered (day, open_kfid, rule, ${m}, ${s}, ${p}) VALUES (?, ?, ?, 1, ?, ?)
           ON CONFLICT (day, open_kfid, rule) DO UPDATE SET ${m} = ${m} + 1, ${s} = ${s} + excluded.${s}, ${p} = ${p} + excluded.${p}`,
        );
      }),
      partlyDays: db.prepare(
        'SELECT (SELECT MIN(day) FROM partly_delivered) AS first, (SELECT MAX(day) FROM partly_delivered) AS last',
      ),
      ruleDays: db.prepare(
        'SELECT (SELECT MIN(day) FROM rule_outcomes) AS first, (SELECT MAX(day) FROM rule_outcomes) AS last',
      ),
      unmatchedDays: db.prepare(
        'SELECT (SELECT MIN(day) FROM unmatched_messages) AS first, (SELECT MAX(day) FROM unmatched_messages) AS last',
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
      endedHours: db.prepare(
        `SELECT DISTINCT (at / ${HOUR_MS}) * ${HOUR_MS} AS hour FROM session_ends WHERE at < ?`,
      ),
      ruleHours: db
        .prepare(
          `SELECT day, ${HOURS_OF_DAY.map((_, h) => `SUM(${hourColumn('hits', h)}) + SUM(${hourColumn('misses', h)})`).join(', ')}
         FROM rule_outcomes WHERE day <= ? GROUP BY day`,
        )
        .raw(),
      unmatchedHours: db
        .prepare(
          `SELECT day, ${HOURS_OF_DAY.map((_, h) => `SUM(${hourColumn('messages', h)})`).join(', ')}
         FROM unmatched_messages WHERE day <= ? GROUP BY day`,
        )
        .raw(),
      purgeRules: db.prepare('DELETE FROM rule_outcomes WHERE day < ?'),
      purgeUnmatched: db.prepare('DELETE FROM unmatched_messages WHERE day < ?'),
      purgePartly: db.prepare('DELETE FROM partly_delivered WHERE day < ?'),
      purgeEnds: db.prepare('DELETE FROM session_ends WHERE at < ?'),
      purgeScores: db.prepare('DELETE FROM satisfaction_scores WHERE at < ?'),
    };
  }

  recordRuleOutcomes(o: RuleOutcomes): Promise<void> {
    const day = utcDate(o.at);
    const h = new Date(o.at).getUTCHours();
    const hit = this.#stmt.hit[h];
    const miss = this.#stmt.miss[h];
    const unmatched = this.#stmt.unmatched[h];
    const partly = this.#stmt.partly[h];
    return this.writes.add(() => {
      for (const rule of o.hits ?? []) hit?.run(day, o.openKfId, rule);
      for (const rule of o.misses ?? []) miss?.run(day, o.openKfId, rule);
      for (const p of o.partly ?? []) partly?.run(day, o.openKfId, p.rule, p.sent, p.of);
      if (o.unmatched) unmatched?.run(day, o.openKfId);
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
    return this.#readDays(RULE_READ, this.#stmt.ruleDays, q) as RuleOutcomeCount[];
  }

  async listPartlyDelivered(q: ActivityQuery): Promise<PartlyDeliveredCount[]> {
    return this.#readDays(PARTLY_READ, this.#stmt.partlyDays, q) as PartlyDeliveredCount[];
  }

  async listUnmatched(q: ActivityQuery): Promise<UnmatchedCount[]> {
    return this.#readDays(UNMATCHED_READ, this.#stmt.unmatchedDays, q) as UnmatchedCount[];
  }

  /** The query's local days of `read`, within the UTC days the table holds (an open end is bounded by them). */
  #readDays(read: DayRead, held: Database.Statement, q: ActivityQuery): unknown[] {
    const { first, last } = held.get() as { first: string | null; last: string | null };
    if (first === null || last === null) return [];
    const p = params(q);
    const from = Math.max(p.from, Date.parse(`${first}T00:00:00Z`));
    const until = Math.min(p.until, Date.parse(`${last}T00:00:00Z`) + 24 * HOUR_MS);
    if (from >= until) return [];
    const { sql, args } = dayReadStatement(read, dayRuns(from, until, q.timezone), p.account);
    let stmt = this.#dayReads.get(sql);
    if (!stmt) {
      if (this.#dayReads.size >= MAX_DAY_READS) this.#dayReads.clear();
      stmt = this.#db.prepare(sql);
      this.#dayReads.set(sql, stmt);
    }
    return stmt.all(args);
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
    const day = utcDate(hour);
    const h = new Date(hour).getUTCHours();
    return this.#db.transaction(() => {
      // The hours that held a count or a session end, before the cutoff's hour.
      const hours = new Set<number>();
      for (const stmt of [this.#stmt.ruleHours, this.#stmt.unmatchedHours])
        for (const [d, ...counts] of stmt.all(day) as [string, ...number[]][]) {
          const start = Date.parse(`${d}T00:00:00Z`);
          counts.forEach((c, i) => {
            if (c > 0 && start + i * HOUR_MS < hour) hours.add(start + i * HOUR_MS);
          });
        }
      for (const { hour: ended } of this.#stmt.endedHours.all(hour) as { hour: number }[]) hours.add(ended);
      this.#stmt.purgeRules.run(day);
      this.#stmt.purgeUnmatched.run(day);
      this.#stmt.purgePartly.run(day);
      if (h > 0) this.#purgeHoursOf(day, h);
      this.#stmt.purgeEnds.run(hour);
      return { hours: hours.size, scores: this.#stmt.purgeScores.run(before).changes };
    })();
  }

  /** Empties hours 0 … h − 1 of UTC day `day`, and drops its rows left with no count. */
  #purgeHoursOf(day: string, h: number): void {
    const cleared = (ms: DayRead['measures']) =>
      ms.flatMap((m) => HOURS_OF_DAY.slice(0, h).map((_, i) => `${hourColumn(m, i)} = 0`)).join(', ');
    const all = (ms: DayRead['measures']) =>
      ms.flatMap((m) => HOURS_OF_DAY.map((_, i) => hourColumn(m, i))).join(' + ');
    for (const { table, measures } of [RULE_READ, UNMATCHED_READ, PARTLY_READ]) {
      this.#db.prepare(`UPDATE ${table} SET ${cleared(measures)} WHERE day = ?`).run(day);
      this.#db.prepare(`DELETE FROM ${table} WHERE day = ? AND ${all(measures)} = 0`).run(day);
    }
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
