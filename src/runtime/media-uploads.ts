/**
 * Local media files named in rules (`{ image: { file: media/qr.png } }`) are uploaded once and
 * their media_id reused until shortly before it expires: media ids last 3 days (§7.4). The cache
 * key is the file's content hash and type, so an edited file is uploaded again.
 */
import { createHash } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { basename } from 'node:path';
import type { Logger } from 'pino';
import type { fileMedia } from '../rules/file-media.ts';
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

export class MediaUploads {
  /** The cache key of every media id this process handed out, so a refused id can be forgotten. */
  readonly #keys = new Map<string, string>();
  /** The file behind every media id this process handed out, so a refused id can be renewed. */
  readonly #files = new Map<string, ReturnType<typeof fileMedia>[number]>();

  constructor(
    private readonly kf: KfApi,
    private readonly store: Store,
    private readonly now: () => number,
    private readonly log: Logger,
  ) {}

  /** The media ids for these files, uploading those without a fresh cached id. */
  async resolve(files: ReturnType<typeof fileMedia>): Promise<Map<string, string>> {
    const ids = new Map<string, string>();
    for (const file of files) {
      const { source, type } = file;
      if (ids.has(source.absPath)) continue;
      const data = await readFile(source.absPath);
      const key = `${type}:${createHash('sha256').update(data).digest('hex')}`;
      const cached = await this.store.getMedia(key);
      if (cached && this.now() - cached.createdAt < MEDIA_LIFETIME_MS - RENEW_MARGIN_MS) {
        ids.set(source.absPath, cached.mediaId);
        this.#keys.set(cached.mediaId, key);
        this.#files.set(cached.mediaId, file);
        continue;
      }
      const ext = source.file.split('.').pop()?.toLowerCase() ?? '';
      const uploaded = await this.kf.uploadMedia(type, {
        filename: basename(source.file),
        data,
        ...(CONTENT_TYPES[ext] && { contentType: CONTENT_TYPES[ext] }),
      });
      await this.store.putMedia(key, { mediaId: uploaded.media_id, createdAt: this.now() });
      this.log.info({ file: source.file, type }, 'uploaded media');
      ids.set(source.absPath, uploaded.media_id);
      this.#keys.set(uploaded.media_id, key);
      this.#files.set(uploaded.media_id, file);
    }
    return ids;
  }

  /**
   * §8 40007 "re-upload, then resend": forgets the refused id and uploads its file again, giving
   * the new id; undefined when the id is not one this process handed out for a file (a media_id
   * written in the rules, or one from before a restart), which only `forget` can do nothing for.
   */
  async renew(mediaId: string): Promise<string | undefined> {
    const file = this.#files.get(mediaId);
    if (file === undefined) return undefined;
    await this.forget(mediaId);
    return (await this.resolve([file])).get(file.source.absPath);
  }

  /**
   * WeCom refused `mediaId` with 40007 (§8: invalid media_id, e.g. expired early, or issued by
   * another WeCom): mark its cache entry stale, so the next message that sends the file uploads it
   * again instead of carrying a dead id for the rest of the 3 days. Ids this process did not hand
   * out (not from a local file) are left alone.
   */
  async forget(mediaId: string): Promise<void> {
    const key = this.#keys.get(mediaId);
    if (key === undefined) return;
    this.#keys.delete(mediaId);
    this.#files.delete(mediaId);
    await this.store.putMedia(key, { mediaId, createdAt: 0 });
    this.log.warn({ mediaId }, 'WeCom refused a cached media_id (40007); the file is uploaded again');
  }
}
