/**
 * Local media files named in rules (`{ image: { file: media/qr.png } }`) are uploaded once and
 * their media_id reused until shortly before it expires: media ids last 3 days (§7.4). The cache
 * key is the file's content hash and type, so an edited file is uploaded again. Each cached id
 * names its file in the store (media-cache.ts), so a refused id can be renewed by any process.
 */
import { createHash } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { basename } from 'node:path';
import type { Logger } from 'pino';
import type { FileSource, fileMedia } from '../rules/file-media.ts';
import type { Store } from '../store/store.ts';
import type { KfApi } from '../wecom/kf-api.ts';

const MEDIA_LIFETIME_MS = 3 * 24 * 3600_000;
/** Re-upload this long before the 3 days are up, so a send never carries an expiring id. */
const RENEW_MARGIN_MS = 6 * 3600_000;

const CONTENT_TYPES: Record<string, string> = {
  png: 'image/png',
  jpg: 'image/jpeg',
  jpeg: 'image/jpeg',
  amr: 'audio/amr',
  mp4: 'video/mp4',
};

type FileMedia = ReturnType<typeof fileMedia>[number];

export class MediaUploads {
  constructor(
    private readonly kf: KfApi,
    private readonly store: Store,
    private readonly now: () => number,
    private readonly log: Logger,
  ) {}

  /** The media ids for these files, uploading those without a fresh cached id. */
  async resolve(files: ReturnType<typeof fileMedia>): Promise<Map<string, string>> {
    const ids = new Map<string, string>();
    for (const { source, type } of files) {
      if (ids.has(source.absPath)) continue;
      const data = await readFile(source.absPath);
      const key = `${type}:${createHash('sha256').update(data).digest('hex')}`;
      const file = { path: source.absPath, type };
      const cached = await this.store.getMedia(key);
      if (cached && this.now() - cached.createdAt < MEDIA_LIFETIME_MS - RENEW_MARGIN_MS) {
        // A record from before files were kept learns its file now, so its id can be renewed.
        if (!cached.file) await this.store.putMedia(key, { ...cached, file });
        ids.set(source.absPath, cached.mediaId);
        continue;
      }
      const ext = source.file.split('.').pop()?.toLowerCase() ?? '';
      const uploaded = await this.kf.uploadMedia(type, {
        filename: basename(source.file),
        data,
        ...(CONTENT_TYPES[ext] && { contentType: CONTENT_TYPES[ext] }),
      });
      await this.store.putMedia(key, { mediaId: uploaded.media_id, createdAt: this.now(), file });
      this.log.info({ file: source.file, type }, 'uploaded media');
      ids.set(source.absPath, uploaded.media_id);
    }
    return ids;
  }

  /**
   * §8 40007 "re-upload, then resend": WeCom refused `mediaId` (expired early, or issued by another
   * WeCom). Its cache entry is marked stale, so no later message carries the dead id, and its file
   * is uploaded again, giving the new id. Undefined when there is nothing to upload: an id written
   * in the rules, one whose record has no file (written before files were kept), or a file that is
   * gone from the rules folder since.
   */
  async renew(mediaId: string): Promise<string | undefined> {
    const cached = await this.store.findMedia(mediaId);
    if (cached === undefined) return undefined;
    const { key, ...record } = cached;
    await this.store.putMedia(key, { ...record, createdAt: 0 });
    if (!record.file) {
      this.log.warn(
        { mediaId },
        'WeCom refused a cached media_id (40007); the next message that sends its file uploads it again',
      );
      return undefined;
    }
    this.log.warn({ mediaId }, 'WeCom refused a cached media_id (40007); the file is uploaded again');
    const { path, type } = record.file;
    const source: FileSource = { file: path, absPath: path };
    try {
      return (await this.resolve([{ source, type } satisfies FileMedia])).get(path);
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'ENOENT') throw err;
      this.log.warn({ file: path }, 'the file of a refused media_id is gone; the reply is not sent again');
      return undefined;
    }
  }
}
