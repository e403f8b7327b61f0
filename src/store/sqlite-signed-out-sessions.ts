/** Signed-out console sessions (signed-out-sessions.ts) in the SQLite store's database. */
import type Database from 'better-sqlite3';
import type { SignedOutSessions } from './signed-out-sessions.ts';

export const SIGNED_OUT_SESSIONS_SCHEMA = `
CREATE TABLE console_signed_out (
  id TEXT PRIMARY KEY,
  until INTEGER NOT NULL
) WITHOUT ROWID;
`;

export class SqliteSignedOutSessions implements SignedOutSessions {
  readonly #stmt;

  constructor(db: Database.Database) {
    this.#stmt = {
      // Sign-outs are rare: each one also drops those whose cookies have expired since.
      drop: db.prepare('DELETE FROM console_signed_out WHERE until <= ?'),
      add: db.prepare(
        'INSERT INTO console_signed_out (id, until) VALUES (?, ?) ON CONFLICT (id) DO UPDATE SET until = excluded.until',
      ),
      find: db.prepare('SELECT 1 FROM console_signed_out WHERE id = ? AND until > ?'),
    };
  }

  async signOutSession(id: string, until: number): Promise<void> {
    this.#stmt.drop.run(Date.now());
    this.#stmt.add.run(id, until);
  }

  async isSignedOut(id: string, now: number): Promise<boolean> {
    return this.#stmt.find.get(id, now) !== undefined;
  }
}
