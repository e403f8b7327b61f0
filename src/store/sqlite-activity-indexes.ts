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
