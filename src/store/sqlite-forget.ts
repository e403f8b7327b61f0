/** Erasing one customer in the SQLite store (forget-customer.ts says what and why), in one transaction. */
import { randomBytes } from 'node:crypto';
import type Database from 'better-sqlite3';
import { anonymousId, type ForgetReport } from './forget-customer.ts';

export function forgetInSqlite(db: Database.Database, externalUserId: string): ForgetReport {
  const run = (sql: string, ...args: string[]) => db.prepare(sql).run(...args).changes;
  return db.transaction((): ForgetReport => {
    // Their texts first: the unanswered groups they gave the example of go with them.
    const texts = (
      db
        .prepare("SELECT DISTINCT text FROM session_entries WHERE external_userid = ? AND from_ = 'customer'")
        .all(externalUserId) as { text: string }[]
    ).map((r) => r.text);
    let unanswered = 0;
    const dropGroup = db.prepare('DELETE FROM unanswered WHERE example = ?');
    for (const text of texts) unanswered += dropGroup.run(text).changes;
    const sessions = (
      db
        .prepare(
          'SELECT COUNT(*) AS n FROM (SELECT DISTINCT open_kfid, session_started_at FROM session_entries WHERE external_userid = ?)',
        )
        .get(externalUserId) as { n: number }
    ).n;
    run('DELETE FROM session_entries WHERE external_userid = ?', externalUserId);
    const anonymous = anonymousId(() => randomBytes(8).toString('hex'));
    const like = `%${externalUserId.replace(/[\\%_]/g, (c) => `\\${c}`)}%`;
    return {
      conversations: run('DELETE FROM conversations WHERE external_userid = ?', externalUserId),
      idleTimers: run('DELETE FROM idle_due WHERE external_userid = ?', externalUserId),
      messages: run('DELETE FROM messages WHERE external_userid = ?', externalUserId),
      sends: run('DELETE FROM sends WHERE external_userid = ?', externalUserId),
      sessions,
      unanswered,
      keptAside: run(
        "DELETE FROM kept_aside WHERE key LIKE ? ESCAPE '\\' OR value LIKE ? ESCAPE '\\'",
        like,
        like,
      ),
      anonymisedScores: run(
        'UPDATE satisfaction_scores SET external_userid = ? WHERE external_userid = ?',
        anonymous,
        externalUserId,
      ),
      anonymisedSessionEnds: run(
        'UPDATE session_ends SET external_userid = ? WHERE external_userid = ?',
        anonymous,
        externalUserId,
      ),
    };
  })();
}
