/** The embedding cache (semantic/embedding-cache.ts) in SQLite: one row per question text and model. */
import type Database from 'better-sqlite3';
import type { EmbeddingCache } from '../semantic/embedding-cache.ts';
import { decodeEmbedding, encodeEmbedding } from './embedding-encoding.ts';

export const EMBEDDINGS_SCHEMA = `
CREATE TABLE IF NOT EXISTS embeddings (key TEXT PRIMARY KEY, vector BLOB NOT NULL, created_at INTEGER NOT NULL);
`;

export class SqliteEmbeddings implements EmbeddingCache {
  readonly #db: Database.Database;
  readonly #get: Database.Statement<[string], { vector: Buffer }>;
  readonly #put: Database.Statement<[string, Buffer, number]>;
  readonly #keys: Database.Statement<[], { key: string }>;
  readonly #delete: Database.Statement<[string]>;

  constructor(db: Database.Database) {
    this.#db = db;
    this.#get = db.prepare('SELECT vector FROM embeddings WHERE key = ?');
    this.#put = db.prepare('INSERT OR REPLACE INTO embeddings (key, vector, created_at) VALUES (?, ?, ?)');
    this.#keys = db.prepare('SELECT key FROM embeddings');
    this.#delete = db.prepare('DELETE FROM embeddings WHERE key = ?');
  }

  async getEmbeddings(keys: readonly string[]): Promise<Map<string, Float32Array>> {
    const out = new Map<string, Float32Array>();
    for (const key of keys) {
      const row = this.#get.get(key);
      const v = row && decodeEmbedding(row.vector);
      if (v) out.set(key, v);
    }
    return out;
  }

  async putEmbeddings(entries: ReadonlyMap<string, Float32Array>): Promise<void> {
    const now = Date.now();
    this.#db.transaction(() => {
      for (const [key, v] of entries) this.#put.run(key, encodeEmbedding(v), now);
    })();
  }

  async pruneEmbeddings(keep: ReadonlySet<string>): Promise<number> {
    return this.#db.transaction(() => {
      let gone = 0;
      for (const { key } of this.#keys.all()) if (!keep.has(key)) gone += this.#delete.run(key).changes;
      return gone;
    })();
  }
}
