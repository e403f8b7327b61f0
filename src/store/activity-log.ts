/**
 * What happened, for the operator's reports (`kfbot report rules | satisfaction | sessions`):
 *
 * - rule outcomes per UTC hour, account and rule: hits (the rule matched a message), misses
 *   (none of its reply reached the customer: dropped by a platform guard, or refused by WeCom),
 *   partial deliveries (some of the messages its reply was made of reached the customer, and how
 *   many of how many: a long text's parts, its other replies), and the customer messages no rule
 *   matched;
 * - satisfaction scores: one per customer session, a later click in the session replacing the
 *   earlier;
 * - session ends and hand-overs, each with how.
 *
 * Counts are kept per UTC hour, so a reader forms the days of any timezone from them: a query
 * names its timezone (the rules' settings.timezone) and gets rows per day of that zone, each
 * count on the local date at the start of its hour (activity-days.ts). Stores from before hourly
 * counts kept one count per UTC day; their migration files each such day at its UTC noon, which is
 * the same date in every zone from UTC−12 to UTC+11.
 * Scores and session ends name the customer (external_userid), so they are customer data: the
 * whole log is kept for ACTIVITY_RETENTION_MS, then purged with kfbot's other records.
 */

/** 90 days: a quarter of trends, and customer ids kept no longer than that. */
export const ACTIVITY_RETENTION_MS = 90 * 86_400_000;

/**
 * Where a migration files a count kept per UTC day before counts were hourly: that day's 12:00
 * UTC, the same date in every zone from UTC−12 to UTC+11 (Asia/Shanghai: 20:00 the same day).
 */
export const LEGACY_DAY_HOUR_MS = 12 * 3_600_000;

/**
 * How a session ended or left the bot:
 * - `timeout`: an idle rule ended it (the customer said nothing for too long);
 * - `servicer`: a servicer ended it in the WeCom client (session_status_change change_type 3);
 * - `bot`: a rule's `transfer: { to: end }` that WeCom accepted;
 * - `handover`: a rule handed it to the queue or a servicer (state 2 or 3), accepted by WeCom.
 */
export const SESSION_END_HOWS = ['timeout', 'servicer', 'bot', 'handover'] as const;
export type SessionEndHow = (typeof SESSION_END_HOWS)[number];

/** One message's rule outcomes, counted in the UTC hour of `at`. */
export interface RuleOutcomes {
  openKfId: string;
  /** Epoch ms. */
  at: number;
  /** Rules that matched the message: one hit each. */
  hits?: readonly string[];
  /** Rules none of whose reply reached the customer: one miss each. */
  misses?: readonly string[];
  /** Rules whose reply reached the customer in part: one partial delivery each. */
  partly?: readonly PartDelivery[];
  /** A customer message no rule matched (not even a fallback). */
  unmatched?: boolean;
}

/**
 * A rule's reply that reached the customer in part: `sent` of the `of` messages it was made of
 * (a text over 2048 bytes is sent as several parts, split-text.ts; a rule may reply more than once).
 */
export interface PartDelivery {
  rule: string;
  sent: number;
  of: number;
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

/**
 * What a report reads: the UTC hours from the one holding `from` up to the one holding `until`
 * (excluded), of one account or all, as days of `timezone`. Readers ask for whole days of their
 * timezone through daysQuery (activity-days.ts).
 */
export interface ActivityQuery {
  /** Epoch ms, included. */
  from: number;
  /** Epoch ms, excluded; no end when absent. */
  until?: number;
  /** An open_kfid; every account when absent. */
  openKfId?: string;
  /** The IANA zone whose dates the rows' `day` are (settings.timezone). */
  timezone: string;
}

export interface RuleOutcomeCount {
  day: string;
  openKfId: string;
  rule: string;
  hits: number;
  misses: number;
}

/** Replies a rule delivered in part: how many messages, and the parts sent of the parts they had. */
export interface PartlyDeliveredCount {
  day: string;
  openKfId: string;
  rule: string;
  messages: number;
  sent: number;
  parts: number;
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
  /** Replies delivered in part, per day, account and rule, in that order. */
  listPartlyDelivered(query: ActivityQuery): Promise<PartlyDeliveredCount[]>;
  /** Customer messages no rule matched, per day and account, in that order. */
  listUnmatched(query: ActivityQuery): Promise<UnmatchedCount[]>;
  /** Every score given in the query's time (by the click's time), oldest first. */
  listScores(query: ActivityQuery): Promise<SatisfactionScore[]>;
  /** Session ends per day, account and how, in that order. */
  countSessionEnds(query: ActivityQuery): Promise<SessionEndCount[]>;

  /**
   * Drops scores given before `before` (epoch ms), and the counts and session ends of the UTC hours
   * before the hour `before` falls in (an hour goes whole); returns how many hours and scores went.
   */
  purgeActivity(before: number): Promise<{ hours: number; scores: number }>;
}

export function isSessionEndHow(value: unknown): value is SessionEndHow {
  return (SESSION_END_HOWS as readonly unknown[]).includes(value);
}
