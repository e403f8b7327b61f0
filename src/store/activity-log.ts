/**
 * What happened, for the operator's reports (`kfbot report rules | satisfaction | sessions`):
 *
 * - rule outcomes per UTC day, account and rule: hits (the rule matched a message) and misses
 *   (its reply did not reach the customer: dropped by a platform guard, or refused by WeCom), and
 *   the customer messages no rule matched;
 * - satisfaction scores: one per customer session, a later click in the session replacing the
 *   earlier;
 * - session ends and hand-overs, each with how.
 *
 * Days are UTC dates (YYYY-MM-DD): one day means the same on every replica and in every report.
 * Scores and session ends name the customer (external_userid), so they are customer data: the
 * whole log is kept for ACTIVITY_RETENTION_MS, then purged with kfbot's other records.
 */

/** 90 days: a quarter of trends, and customer ids kept no longer than that. */
export const ACTIVITY_RETENTION_MS = 90 * 86_400_000;

/** The UTC date of an epoch-ms time, YYYY-MM-DD. */
export function utcDay(at: number): string {
  return new Date(at).toISOString().slice(0, 10);
}

/** Epoch ms at which a UTC date (YYYY-MM-DD) begins. */
export function dayStart(day: string): number {
  return Date.parse(`${day}T00:00:00Z`);
}

/**
 * How a session ended or left the bot:
 * - `timeout`: an idle rule ended it (the customer said nothing for too long);
 * - `servicer`: a servicer ended it in the WeCom client (session_status_change change_type 3);
 * - `bot`: a rule's `transfer: { to: end }` that WeCom accepted;
 * - `handover`: a rule handed it to the queue or a servicer (state 2 or 3), accepted by WeCom.
 */
export const SESSION_END_HOWS = ['timeout', 'servicer', 'bot', 'handover'] as const;
export type SessionEndHow = (typeof SESSION_END_HOWS)[number];

/** One message's rule outcomes, counted on the UTC day of `at`. */
export interface RuleOutcomes {
  openKfId: string;
  /** Epoch ms. */
  at: number;
  /** Rules that matched the message: one hit each. */
  hits?: readonly string[];
  /** Rules whose reply did not reach the customer: one miss each. */
  misses?: readonly string[];
  /** A customer message no rule matched (not even a fallback). */
  unmatched?: boolean;
}

export interface SatisfactionScore {
  openKfId: string;
  externalUserId: string;
  /** The session (Conversation.sessionStartedAt): one score per customer and session. */
  sessionStartedAt: number;
  /** 1 … 5. */
  score: number;
  /** The click id that gave it. */
  clickId: string;
  /** Epoch ms of the click. */
  at: number;
}

export interface SessionEnd {
  openKfId: string;
  externalUserId: string;
  /** Epoch ms. */
  at: number;
  how: SessionEndHow;
}

/** What a report reads: whole UTC days from `fromDay` on, of one account or all. */
export interface ActivityQuery {
  /** YYYY-MM-DD (UTC), included. */
  fromDay: string;
  /** An open_kfid; every account when absent. */
  openKfId?: string;
}

export interface RuleOutcomeCount {
  day: string;
  openKfId: string;
  rule: string;
  hits: number;
  misses: number;
}

export interface UnmatchedCount {
  day: string;
  openKfId: string;
  messages: number;
}

export interface SessionEndCount {
  day: string;
  openKfId: string;
  how: SessionEndHow;
  count: number;
}

export interface ActivityLog {
  /** Adds one message's hits, misses and whether no rule matched it. */
  recordRuleOutcomes(outcomes: RuleOutcomes): Promise<void>;
  /** Keeps the score for its customer and session, replacing an earlier one of the same session. */
  recordScore(score: SatisfactionScore): Promise<void>;
  /** Keeps one session end (an idle timeout, a servicer, the bot) or hand-over. */
  recordSessionEnd(end: SessionEnd): Promise<void>;

  /** Per day, account and rule, in that order. */
  listRuleOutcomes(query: ActivityQuery): Promise<RuleOutcomeCount[]>;
  /** Customer messages no rule matched, per day and account, in that order. */
  listUnmatched(query: ActivityQuery): Promise<UnmatchedCount[]>;
  /** Every score given on or after the first day (by the click's time), oldest first. */
  listScores(query: ActivityQuery): Promise<SatisfactionScore[]>;
  /** Session ends per day, account and how, in that order. */
  countSessionEnds(query: ActivityQuery): Promise<SessionEndCount[]>;

  /**
   * Drops scores given before `before` (epoch ms), and the counts and session ends of the UTC days
   * before the day `before` falls on (a day goes whole); returns how many days and scores went.
   */
  purgeActivity(before: number): Promise<{ days: number; scores: number }>;
}

export function isSessionEndHow(value: unknown): value is SessionEndHow {
  return (SESSION_END_HOWS as readonly unknown[]).includes(value);
}
