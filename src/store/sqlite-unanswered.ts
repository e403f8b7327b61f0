/** The unanswered-question log (unanswered-log.ts) in the SQLite store's database: one row per group. */
import type Database from 'better-sqlite3';
import {
  decodeCandidates,
  decodeChosen,
  type UnansweredChoice,
  type UnansweredLog,
  type UnansweredQuestion,
  type UnansweredSighting,
} from './unanswered-log.ts';

export const UNANSWERED_SCHEMA = `
CREATE TABLE IF NOT EXISTS unanswered (
  open_kfid TEXT NOT NULL,
  text TEXT NOT NULL,
  example TEXT NOT NULL,
  count INTEGER NOT NULL,
  first_seen INTEGER NOT NULL,
  last_seen INTEGER NOT NULL,
  candidates TEXT NOT NULL,
  PRIMARY KEY (open_kfid, text)
);
CREATE INDEX IF NOT EXISTS unanswered_last_seen ON unanswered (last_seen);
`;

/** Added by migration 6: item id → clicks in the 猜你想问 menu sent for the text (JSON). */
export const UNANSWERED_CHOSEN_COLUMN = `ALTER TABLE unanswered ADD COLUMN chosen TEXT NOT NULL DEFAULT '{}'`;

interface Row {
  open_kfid: string;
  text: string;
  example: string;
  count: number;
  first_seen: number;
  last_seen: number;
  candidates: string;
  chosen: string;
}

export class SqliteUnanswered implements UnansweredLog {
  readonly #record;
  readonly #list;
  readonly #purge;
  readonly #choose;

  /** `db` is migrated (sqlite-migrations.ts): the table and its chosen column exist. */
  constructor(db: Database.Database) {
    this.#record = db.prepare(
      `INSERT INTO unanswered (open_kfid, text, example, count, first_seen, last_seen, candidates)
       VALUES (@open_kfid, @text, @example, 1, @at, @at, @candidates)
       ON CONFLICT (open_kfid, text) DO UPDATE SET count = count + 1,
         first_seen = MIN(first_seen, excluded.first_seen),
         example = CASE WHEN excluded.last_seen >= last_seen THEN excluded.example ELSE example END,
         candidates = CASE WHEN excluded.last_seen >= last_seen THEN excluded.candidates ELSE candidates END,
         last_seen = MAX(last_seen, excluded.last_seen)`,
    );
    this.#list = db.prepare(
      `SELECT * FROM unanswered WHERE last_seen >= @since AND (@account IS NULL OR open_kfid = @account)
       ORDER BY count DESC, last_seen DESC, text LIMIT @limit`,
    );
    this.#purge = db.prepare('DELETE FROM unanswered WHERE last_seen < ?');
    // Item ids are click ids ([A-Za-z0-9_-]), so the quoted JSON path needs no escaping.
    this.#choose = db.prepare(
      `UPDATE unanswered SET chosen = json_set(chosen, '$."' || @item || '"',
         COALESCE(json_extract(chosen, '$."' || @item || '"'), 0) + 1)
       WHERE open_kfid = @open_kfid AND text = @text`,
    );
  }

  async recordUnanswered(s: UnansweredSighting): Promise<void> {
    this.#record.run({
      open_kfid: s.openKfId,
      text: s.text,
      example: s.example,
      at: s.at,
      candidates: JSON.stringify(s.candidates),
    });
  }

  async listUnanswered(since: number, limit: number, openKfId?: string): Promise<UnansweredQuestion[]> {
    return (this.#list.all({ since, limit, account: openKfId ?? null }) as Row[]).map((r) => ({
      openKfId: r.open_kfid,
      text: r.text,
      example: r.example,
      count: r.count,
      firstSeen: r.first_seen,
      lastSeen: r.last_seen,
      candidates: decodeCandidates(r.candidates),
      chosen: decodeChosen(r.chosen),
    }));
  }

  async recordChoice(c: UnansweredChoice): Promise<void> {
    this.#choose.run({ open_kfid: c.openKfId, text: c.text, item: c.item });
  }

  async purgeUnanswered(before: number): Promise<number> {
    return this.#purge.run(before).changes;
  }
}
