/**
 * The SQLite migration to one row per UTC day holding that day's 24 hourly counts (schema 14).
 *
 * Why: since schema 12 the counts were one row per UTC hour (sqlite-activity-hourly.ts), and a
 * read sorted every hourly row of its range to group them into days — a rule hit in 12 hours of a
 * day was 12 rows to read and sort. Now a rule's day is one row, `hits_00` … `hits_23` and
 * `misses_00` … `misses_23` (the UTC hours of `day`), written with one upsert per count, and a
 * read sums the columns of each part of a UTC day that falls on one local date
 * (sqlite-activity-day-reads.ts): per-day row counts again, whatever the spread of the hours.
 * Unused hours cost a byte each in a row's header (SQLite stores an integer 0 in no bytes).
 *
 * The move is lossless: every hourly row's counts go to its UTC day's row, in its hour's column.
 */

/** The 24 UTC hours of a day, as the columns name them: `00` … `23`. */
export const HOURS_OF_DAY = Array.from({ length: 24 }, (_, h) => String(h).padStart(2, '0'));

/** What a table counts per hour: rule_outcomes hits and misses, unmatched_messages and partly_delivered messages, partly_delivered sent and parts. */
export type Measure = 'hits' | 'misses' | 'messages' | 'sent' | 'parts';

/** The column of hour `h` (0 … 23) of a measure: hits_07, misses_07, messages_07. */
export const hourColumn = (measure: Measure, h: number): string => `${measure}_${HOURS_OF_DAY[h]}`;

const columns = (measure: 'hits' | 'misses' | 'messages') =>
  HOURS_OF_DAY.map((h) => `${measure}_${h} INTEGER NOT NULL DEFAULT 0`).join(',\n  ');

/** The UTC date (YYYY-MM-DD) and hour of day of an hourly row's `hour` (epoch ms). */
const DAY_OF_HOUR = "strftime('%Y-%m-%d', hour / 1000, 'unixepoch')";
const moved = (measure: string, from: string) =>
  HOURS_OF_DAY.map(
    (h, i) => `SUM(CASE WHEN (hour / 3600000) % 24 = ${i} THEN ${from} ELSE 0 END) AS ${measure}_${h}`,
  ).join(',\n    ');
const names = (measure: string) => HOURS_OF_DAY.map((h) => `${measure}_${h}`).join(', ');

export const DAILY_ACTIVITY_SCHEMA = `
CREATE TABLE rule_outcomes_by_day (
  day TEXT NOT NULL,
  open_kfid TEXT NOT NULL,
  rule TEXT NOT NULL,
  ${columns('hits')},
  ${columns('misses')},
  PRIMARY KEY (day, open_kfid, rule)
) WITHOUT ROWID;
INSERT INTO rule_outcomes_by_day (day, open_kfid, rule, ${names('hits')}, ${names('misses')})
  SELECT ${DAY_OF_HOUR} AS utc_day, open_kfid, rule,
    ${moved('hits', 'hits')},
    ${moved('misses', 'misses')}
  FROM rule_outcomes GROUP BY utc_day, open_kfid, rule;
DROP TABLE rule_outcomes;
ALTER TABLE rule_outcomes_by_day RENAME TO rule_outcomes;
CREATE TABLE unmatched_by_day (
  day TEXT NOT NULL,
  open_kfid TEXT NOT NULL,
  ${columns('messages')},
  PRIMARY KEY (day, open_kfid)
) WITHOUT ROWID;
INSERT INTO unmatched_by_day (day, open_kfid, ${names('messages')})
  SELECT ${DAY_OF_HOUR} AS utc_day, open_kfid,
    ${moved('messages', 'messages')}
  FROM unmatched_messages GROUP BY utc_day, open_kfid;
DROP TABLE unmatched_messages;
ALTER TABLE unmatched_by_day RENAME TO unmatched_messages;
`;
