/**
 * The SQLite migration to hourly counts (activity-log.ts): rule outcomes and unmatched messages
 * were kept per UTC day, which no other timezone's day can be formed from. Each old day's counts
 * move to that day's 12:00 UTC (LEGACY_DAY_HOUR_MS), nothing summed away or dropped. Both tables
 * are WITHOUT ROWID, their primary key holding every column: a range read walks one b-tree.
 * (Session ends and scores were always kept one row each with their time: nothing to move.)
 */
import { LEGACY_DAY_HOUR_MS } from './activity-log.ts';

export const HOURLY_ACTIVITY_SCHEMA = `
CREATE TABLE rule_outcomes_by_hour (
  hour INTEGER NOT NULL,
  open_kfid TEXT NOT NULL,
  rule TEXT NOT NULL,
  hits INTEGER NOT NULL DEFAULT 0,
  misses INTEGER NOT NULL DEFAULT 0,
  PRIMARY KEY (hour, open_kfid, rule)
) WITHOUT ROWID;
INSERT INTO rule_outcomes_by_hour (hour, open_kfid, rule, hits, misses)
  SELECT CAST(strftime('%s', day) AS INTEGER) * 1000 + ${LEGACY_DAY_HOUR_MS}, open_kfid, rule, hits, misses
  FROM rule_outcomes;
DROP TABLE rule_outcomes;
ALTER TABLE rule_outcomes_by_hour RENAME TO rule_outcomes;
CREATE TABLE unmatched_by_hour (
  hour INTEGER NOT NULL,
  open_kfid TEXT NOT NULL,
  messages INTEGER NOT NULL,
  PRIMARY KEY (hour, open_kfid)
) WITHOUT ROWID;
INSERT INTO unmatched_by_hour (hour, open_kfid, messages)
  SELECT CAST(strftime('%s', day) AS INTEGER) * 1000 + ${LEGACY_DAY_HOUR_MS}, open_kfid, messages
  FROM unmatched_messages;
DROP TABLE unmatched_messages;
ALTER TABLE unmatched_by_hour RENAME TO unmatched_messages;
`;
