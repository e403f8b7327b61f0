/**
 * The media ids kfbot uploaded for files in the rules folder (runtime/media-uploads.ts), by the
 * file's content hash and type. Each record also names the file it came from, so a media_id
 * WeCom refuses (§8 40007: "re-upload, then resend") can be uploaded again from the record alone —
 * after a restart too, when a recorded plan is resumed with the id it planned. The path only,
 * never the file's bytes. Records written before the path was kept (SQLite schema 15, Redis 11)
 * have none: their refused ids stay refused, as before, and the next message uploads the file.
 */
import { isMediaType, type MediaType } from '../wecom/media-limits.ts';

/** The local file a media id was uploaded from, and the media/upload type it was sent as. */
export interface MediaFile {
  /** Absolute path on the kfbot host. */
  path: string;
  type: MediaType;
}

export interface CachedMedia {
  mediaId: string;
  /** Epoch ms; media ids last 3 days (§7.4). */
  createdAt: number;
  file?: MediaFile;
}

export interface MediaCache {
  getMedia(key: string): Promise<CachedMedia | undefined>;
  putMedia(key: string, media: CachedMedia): Promise<void>;
  /**
   * The record whose current id is `mediaId`, with its key; undefined for an id kfbot did not
   * upload (a `media_id` written in the rules) or one a newer upload of the same file replaced.
   */
  findMedia(mediaId: string): Promise<(CachedMedia & { key: string }) | undefined>;
}

/** `file` from its stored parts, when both are there and the type is one kfbot uploads. */
export function mediaFile(path: unknown, type: unknown): MediaFile | undefined {
  return typeof path === 'string' && path !== '' && isMediaType(type) ? { path, type } : undefined;
}
