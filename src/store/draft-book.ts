/**
 * The console's unpublished drafts (authoring/draft.ts), kept in the store rather than in one
 * replica's memory: a draft survives a restart, and behind a load balancer the next request of
 * the same console session may reach any replica and still find it. A draft is stored as opaque
 * JSON under the hash of its console session; one untouched for DRAFT_TTL_MS is dropped.
 */

/** A draft nobody touched for this long is dropped (30 days). */
export const DRAFT_TTL_MS = 30 * 86_400_000;

export interface DraftBook {
  /** The draft of `key` (JSON as it was put), undefined when there is none or it expired. */
  getDraft(key: string, now: number): Promise<string | undefined>;
  /** Stores (or replaces) the draft of `key`; its expiry starts again at `now`. */
  putDraft(key: string, body: string, now: number): Promise<void>;
  deleteDraft(key: string): Promise<void>;
}
