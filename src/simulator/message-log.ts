/**
 * What sync_msg reads (wecom-kf.md §3): one append-only log per KF account of customer messages,
 * servicer messages and events, in the order they happened, plus the opaque cursors that point
 * into it. Messages the bot sent through send_msg never enter it (§3, §9.6).
 */
import type { WireItem } from './wire-item.ts';

export interface LogEntry {
  /** Position in the account's log, from 1. */
  readonly seq: number;
  /** When it happened, in ms (send_time is this in seconds). */
  readonly at: number;
  readonly item: WireItem;
}

export class MessageLog {
  readonly #entries: LogEntry[] = [];

  append(at: number, item: WireItem): LogEntry {
    const entry = { seq: this.#entries.length + 1, at, item };
    this.#entries.push(entry);
    return entry;
  }

  get lastSeq(): number {
    return this.#entries.length;
  }

  entries(): readonly LogEntry[] {
    return this.#entries;
  }

  /** Entries after `seq` that are not older than `oldestAt` (§3: only the last 3 days). */
  after(seq: number, oldestAt: number): LogEntry[] {
    return this.#entries.slice(seq).filter((e) => e.at > oldestAt);
  }
}

export interface CursorPosition {
  readonly openKfId: string;
  readonly seq: number;
}

/**
 * Cursors are opaque random strings (§3: "≤64 bytes"), each bound to one account and position,
 * so a cursor made up by the client, or one from another account, is recognisably invalid
 * (§3 ⚠ cursor scope: we keep one cursor space per open_kfid, as peers do). The same position
 * always gets the same string, so an empty pull hands back the cursor it was given.
 */
export class CursorBook {
  readonly #byCursor = new Map<string, CursorPosition>();
  readonly #byPosition = new Map<string, string>();

  constructor(private readonly newCursor: () => string) {}

  cursorFor(openKfId: string, seq: number): string {
    const key = `${openKfId}\n${seq}`;
    let cursor = this.#byPosition.get(key);
    if (cursor === undefined) {
      cursor = this.newCursor();
      this.#byPosition.set(key, cursor);
      this.#byCursor.set(cursor, { openKfId, seq });
    }
    return cursor;
  }

  resolve(cursor: string): CursorPosition | undefined {
    return this.#byCursor.get(cursor);
  }
}
