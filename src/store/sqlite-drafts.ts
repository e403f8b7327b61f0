/** The console's drafts (draft-book.ts) in the SQLite store: one row per console session. */
import type Database from 'better-sqlite3';
import { DRAFT_TTL_MS, type DraftBook } from './draft-book.ts';

export const DRAFTS_SCHEMA = `
CREATE TABLE console_drafts (
  key TEXT PRIMARY KEY,
  body TEXT NOT NULL,
  updated_at INTEGER NOT NULL
);`;

export class SqliteDrafts implements DraftBook {
  readonly #get;
  readonly #put;
  readonly #delete;
  readonly #expire;

  constructor(db: Database.Database) {
    this.#get = db.prepare<[string, number], { body: string }>(
      'SELECT body FROM console_drafts WHERE key = ? AND updated_at > ?',
    );
    this.#put = db.prepare(
      `INSERT INTO console_drafts (key, body, updated_at) VALUES (?, ?, ?)
       ON CONFLICT (key) DO UPDATE SET body = excluded.body, updated_at = excluded.updated_at`,
    );
    this.#delete = db.prepare('DELETE FROM console_drafts WHERE key = ?');
    this.#expire = db.prepare('DELETE FROM console_drafts WHERE updated_at <= ?');
  }

  async getDraft(key: string, now: number): Promise<string | undefined> {
    return this.#get.get(key, now - DRAFT_TTL_MS)?.body;
  }

  async putDraft(key: string, body: string, now: number): Promise<void> {
    // Drafts are few and written by people: clearing the expired ones here needs no timer.
    this.#expire.run(now - DRAFT_TTL_MS);
    this.#put.run(key, body, now);
  }

  async deleteDraft(key: string): Promise<void> {
    this.#delete.run(key);
  }
}
