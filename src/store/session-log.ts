/**
 * One record per customer session, for the console's 会话 pages and `kfbot report sessions --by
 * session`: each message of the session in order — what the customer, the bot and a servicer
 * wrote, and the WeCom events — with the rule that answered each and why (the explain panel's
 * content). A session is one customer's on one account from its start (Conversation.sessionStartedAt).
 *
 * This is customer data (what customers wrote): kept for the activity log's retention
 * (ACTIVITY_RETENTION_MS, 90 days) after the session began, never longer, and erased with the
 * rest of a customer's data by `kfbot forget`.
 */

export const SESSION_ENTRY_FROMS = ['customer', 'bot', 'servicer', 'event'] as const;
export type SessionEntryFrom = (typeof SESSION_ENTRY_FROMS)[number];

/** Texts are cut here: a transcript, not an archive of long pastes. */
export const MAX_ENTRY_TEXT = 2000;

export interface SessionEntry {
  openKfId: string;
  externalUserId: string;
  /** Epoch ms the session began: with the account and customer, what names the session. */
  sessionStartedAt: number;
  /** Epoch ms. */
  at: number;
  /** The WeCom msgid it came with (a bot reply: the customer message it answers). */
  msgid: string;
  /** Its place among the entries of the same msgid (the message 0, its replies 1, 2, …). */
  seq: number;
  from: SessionEntryFrom;
  /** text, image, msgmenu, enter_session, … */
  kind: string;
  /** What was written, or a short description of a non-text item. */
  text: string;
  /** Customer message: the rules that matched it; bot reply: the rule that sent it. */
  rules?: string[];
  /** Why (the explain panel): conditions that held, the FAQ's match, replies dropped and why. */
  why?: string;
}

export interface SessionSummary {
  openKfId: string;
  externalUserId: string;
  sessionStartedAt: number;
  /** Epoch ms of its first and last entry. */
  firstAt: number;
  lastAt: number;
  messages: Record<SessionEntryFrom, number>;
}

export interface SessionQuery {
  /** Sessions that began at or after this (epoch ms). */
  since: number;
  /** And before this (epoch ms); no end when absent. */
  until?: number;
  openKfId?: string;
  limit: number;
}

export interface SessionLog {
  /** Adds entries; an entry already kept (same msgid and seq) is not added twice. */
  recordSessionEntries(entries: readonly SessionEntry[]): Promise<void>;
  /** Sessions, the most recently begun first. */
  listSessions(query: SessionQuery): Promise<SessionSummary[]>;
  /** One session's entries in order (by time, then msgid's order, then seq). */
  sessionEntries(openKfId: string, externalUserId: string, sessionStartedAt: number): Promise<SessionEntry[]>;
  /** Drops the sessions begun before `before` (epoch ms); returns how many. */
  purgeSessions(before: number): Promise<number>;
  /** Drops every session of this customer (every account); returns how many. */
  forgetSessions(externalUserId: string): Promise<number>;
}

export function emptyCounts(): Record<SessionEntryFrom, number> {
  return { customer: 0, bot: 0, servicer: 0, event: 0 };
}

export function isSessionEntryFrom(value: unknown): value is SessionEntryFrom {
  return (SESSION_ENTRY_FROMS as readonly unknown[]).includes(value);
}
