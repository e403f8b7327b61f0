/**
 * Covering indexes for the activity log's range reads (the console's overview, `kfbot report`):
 * every column a read returns is in its index, in the read's order, so a read of 90 days walks one
 * index instead of looking each row up in its table (rule_outcomes' primary key lacks hits and
 * misses; session_ends' time index lacks the account and how it ended).
 */
export const ACTIVITY_INDEXES_SCHEMA = `
CREATE INDEX rule_outcomes_by_day ON rule_outcomes (day, open_kfid, rule, hits, misses);
CREATE INDEX session_ends_by_time ON session_ends (at, open_kfid, how);
DROP INDEX session_ends_at;
`;

/**
 * rule_outcomes stored in its primary key's order (WITHOUT ROWID), replacing migration 10's
 * covering index on it: the 90-day read still walks one b-tree in (day, account, rule) order and
 * finds hits and misses there, and a decision's counter bump now writes one page instead of two
 * (the row and the index entry holding the counter, which every bump moved). Counts are kept.
 */
export const RULE_OUTCOMES_CLUSTERED_SCHEMA = `
CREATE TABLE rule_outcomes_by_key (
  day TEXT NOT NULL,
  open_kfid TEXT NOT NULL,
  rule TEXT NOT NULL,
  hits INTEGER NOT NULL DEFAULT 0,
  misses INTEGER NOT NULL DEFAULT 0,
  PRIMARY KEY (day, open_kfid, rule)
) WITHOUT ROWID;
INSERT INTO rule_outcomes_by_key (day, open_kfid, rule, hits, misses)
  SELECT day, open_kfid, rule, hits, misses FROM rule_outcomes;
DROP TABLE rule_outcomes;
ALTER TABLE rule_outcomes_by_key RENAME TO rule_outcomes;
`;
