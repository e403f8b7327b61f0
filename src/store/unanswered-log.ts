/**
 * Customer texts no rule answered (only a fallback did, or nothing), kept so an operator can turn
 * the frequent ones into `questions:` (`kfbot report unanswered`). Grouped by account and by the
 * text as the FAQ matcher normalises it, counted, with when the group was first and last seen, one
 * example as typed, the nearest FAQ candidates at the last sighting, and which items customers
 * clicked when a 猜你想问 menu (`suggest:`) offered them for it — what they meant.
 *
 * This is customer data: it is kept for KFBOT_UNANSWERED_RETENTION (default 30 days, 0 keeps
 * nothing) after a group was last seen, then purged.
 */

export interface UnansweredCandidate {
  id: string;
  score: number;
  question: string;
}

export interface UnansweredSighting {
  openKfId: string;
  /** The normalised text: what groups sightings. */
  text: string;
  /** What the customer typed, as typed. */
  example: string;
  /** Epoch ms. */
  at: number;
  candidates: UnansweredCandidate[];
}

export interface UnansweredQuestion {
  openKfId: string;
  text: string;
  /** The latest text as typed. */
  example: string;
  count: number;
  firstSeen: number;
  lastSeen: number;
  /** The nearest FAQ items at the last sighting, best first. */
  candidates: UnansweredCandidate[];
  /** Item id → how often a customer clicked it in the 猜你想问 menu sent for this text. */
  chosen: Record<string, number>;
}

/** A customer clicked an item that a 猜你想问 menu offered for an unanswered text. */
export interface UnansweredChoice {
  openKfId: string;
  /** The normalised text: the group. */
  text: string;
  /** The item id clicked. */
  item: string;
}

export interface UnansweredLog {
  /** Adds one sighting to its group (creating the group on the first). */
  recordUnanswered(sighting: UnansweredSighting): Promise<void>;
  /**
   * Groups last seen at or after `since` (epoch ms), most frequent first, at most `limit`; of one
   * account (open_kfid) when given.
   */
  listUnanswered(since: number, limit: number, openKfId?: string): Promise<UnansweredQuestion[]>;
  /** Counts a choice in its group; nothing when the group is gone (purged, or never kept). */
  recordChoice(choice: UnansweredChoice): Promise<void>;
  /** Drops groups last seen before `before`; returns how many. */
  purgeUnanswered(before: number): Promise<number>;
}

/** Choices as stored (JSON, id → count); anything unreadable reads as none rather than failing a report. */
export function decodeChosen(raw: string | null | undefined): Record<string, number> {
  if (!raw) return {};
  try {
    const value: unknown = JSON.parse(raw);
    if (typeof value !== 'object' || value === null || Array.isArray(value)) return {};
    return Object.fromEntries(
      Object.entries(value).filter((e): e is [string, number] => typeof e[1] === 'number' && e[1] > 0),
    );
  } catch {
    return {};
  }
}

/** Candidates as stored (JSON); anything unreadable reads as none rather than failing a report. */
export function decodeCandidates(raw: string | null | undefined): UnansweredCandidate[] {
  if (!raw) return [];
  try {
    const value: unknown = JSON.parse(raw);
    if (!Array.isArray(value)) return [];
    return value.filter(
      (c): c is UnansweredCandidate =>
        typeof c === 'object' &&
        c !== null &&
        typeof c.id === 'string' &&
        typeof c.score === 'number' &&
        typeof c.question === 'string',
    );
  } catch {
    return [];
  }
}
