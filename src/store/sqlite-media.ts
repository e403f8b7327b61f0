/** The media cache (media-cache.ts) in the SQLite store's `media` table. */
import type Database from 'better-sqlite3';
import { type CachedMedia, type MediaCache, mediaFile } from './media-cache.ts';

/** Schema 15: the file each media id came from, and a way to find a record by its id. */
export const MEDIA_FILE_COLUMNS = `
ALTER TABLE media ADD COLUMN file_path TEXT;
ALTER TABLE media ADD COLUMN file_type TEXT;
CREATE INDEX media_by_id ON media (media_id);
`;

interface MediaRow {
  key: string;
  media_id: string;
  created_at: number;
  file_path: string | null;
  file_type: string | null;
}

function fromRow(row: MediaRow): CachedMedia {
  const file = mediaFile(row.file_path, row.file_type);
  return { mediaId: row.media_id, createdAt: row.created_at, ...(file && { file }) };
}

export class SqliteMedia implements MediaCache {
  readonly #stmt;

  constructor(db: Database.Database) {
    const columns = 'key, media_id, created_at, file_path, file_type';
    this.#stmt = {
      get: db.prepare(`SELECT ${columns} FROM media WHERE key = ?`),
      find: db.prepare(`SELECT ${columns} FROM media WHERE media_id = ? LIMIT 1`),
      put: db.prepare(
        `INSERT INTO media (${columns}) VALUES (?, ?, ?, ?, ?)
         ON CONFLICT (key) DO UPDATE SET media_id = excluded.media_id, created_at = excluded.created_at,
           file_path = excluded.file_path, file_type = excluded.file_type`,
      ),
    };
  }

  async getMedia(key: string): Promise<CachedMedia | undefined> {
    const row = this.#stmt.get.get(key) as MediaRow | undefined;
    return row && fromRow(row);
  }

  async putMedia(key: string, media: CachedMedia): Promise<void> {
    this.#stmt.put.run(
      key,
      media.mediaId,
      media.createdAt,
      media.file?.path ?? null,
      media.file?.type ?? null,
    );
  }

  async findMedia(mediaId: string): Promise<(CachedMedia & { key: string }) | undefined> {
    const row = this.#stmt.find.get(mediaId) as MediaRow | undefined;
    return row && { key: row.key, ...fromRow(row) };
  }
}
