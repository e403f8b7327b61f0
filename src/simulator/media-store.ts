/**
 * Temporary media (wecom-kf.md §7.4): files uploaded through media/upload and files customers sent,
 * each under a media_id that "is valid for 3 days" (§4.2, §7.4); afterwards, 40007 (§8).
 */

import type { MediaType } from '../wecom/media-limits.ts';
import { DAY } from './clock.ts';

export const MEDIA_TTL_MS = 3 * DAY;

export interface StoredMedia {
  readonly mediaId: string;
  readonly type: MediaType;
  readonly bytes: Buffer;
  readonly filename: string;
  readonly contentType: string;
  readonly createdAt: number;
  /** Who put it there: kfbot through media/upload, or a simulated customer. */
  readonly source: 'upload' | 'customer' | 'servicer';
}

export class MediaStore {
  readonly #items = new Map<string, StoredMedia>();

  constructor(private readonly newMediaId: () => string) {}

  put(init: Omit<StoredMedia, 'mediaId'>): StoredMedia {
    const item = { ...init, mediaId: this.newMediaId() };
    this.#items.set(item.mediaId, item);
    return item;
  }

  /** The media if it exists and is younger than 3 days. */
  live(mediaId: string, now: number): StoredMedia | undefined {
    const item = this.#items.get(mediaId);
    return item !== undefined && now - item.createdAt < MEDIA_TTL_MS ? item : undefined;
  }
}
