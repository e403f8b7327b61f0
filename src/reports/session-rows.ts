/**
 * One row per customer session, from the session log (store/session-log.ts): who, when, how it
 * ended, the rating, and how many messages the customer, the bot and servicers wrote. `kfbot report
 * sessions --by session` prints these rows and the console's 会话 page shows them: one function.
 */
import type { SessionEntry, SessionSummary } from '../store/session-log.ts';
import type { Store } from '../store/store.ts';
import { SERVICE_STATE, SESSION_CHANGE } from '../wecom/platform-enums.ts';

/**
 * How a session ended, as far as its entries tell: `timeout` (an idle rule ended it), `bot` (a
 * rule ended it), `servicer` (a servicer ended it), `handover` (the bot handed it to the queue or
 * a servicer and it did not end while kfbot saw it), `open` (not ended yet).
 */
export const SESSION_OUTCOMES = ['timeout', 'bot', 'servicer', 'handover', 'open'] as const;
export type SessionOutcome = (typeof SESSION_OUTCOMES)[number];

export interface SessionRow {
  openKfId: string;
  externalUserId: string;
  /** From the customer's conversation record, when kfbot looked it up (rules using {{nickname}}). */
  nickname: string | null;
  /** ISO times of the session's start and its last message. */
  startedAt: string;
  lastAt: string;
  ended: SessionOutcome;
  /** The customer's satisfaction score for the session, if they gave one. */
  rating: number | null;
  customer: number;
  bot: number;
  servicer: number;
}

export function sessionOutcome(entries: readonly SessionEntry[]): SessionOutcome {
  let outcome: SessionOutcome = 'open';
  const kindOf = new Map(entries.filter((e) => e.seq === 0).map((e) => [e.msgid, e.kind]));
  for (const e of entries) {
    if (e.from === 'bot' && e.kind.startsWith('transfer:')) {
      const to = Number(e.kind.slice('transfer:'.length));
      if (to === SERVICE_STATE.ended) outcome = kindOf.get(e.msgid) === 'idle' ? 'timeout' : 'bot';
      else outcome = 'handover';
    }
    if (e.kind === 'session_status_change' && e.text.includes(`change_type=${SESSION_CHANGE.ended}`))
      outcome = 'servicer';
  }
  return outcome;
}

/** The rows of the sessions begun in [since, until), most recent first, at most `limit`. */
export async function sessionRows(
  store: Store,
  q: { since: number; until?: number; openKfId?: string; limit: number },
): Promise<SessionRow[]> {
  const sessions: SessionSummary[] = await store.sessions.listSessions(q);
  if (sessions.length === 0) return [];
  const oldest = Math.min(...sessions.map((s) => s.sessionStartedAt));
  const scores = await store.activity.listScores({
    from: oldest,
    timezone: 'UTC', // scores come back one each, with their time: no day is formed
    ...(q.openKfId !== undefined && { openKfId: q.openKfId }),
  });
  const rating = new Map(
    scores.map((s) => [JSON.stringify([s.openKfId, s.externalUserId, s.sessionStartedAt]), s.score]),
  );
  const rows: SessionRow[] = [];
  for (const s of sessions) {
    const entries = await store.sessions.sessionEntries(s.openKfId, s.externalUserId, s.sessionStartedAt);
    const conversation = await store.getConversation(s.openKfId, s.externalUserId).catch(() => undefined);
    rows.push({
      openKfId: s.openKfId,
      externalUserId: s.externalUserId,
      nickname: conversation?.nickname ?? null,
      startedAt: new Date(s.sessionStartedAt).toISOString(),
      lastAt: new Date(s.lastAt).toISOString(),
      ended: sessionOutcome(entries),
      rating: rating.get(JSON.stringify([s.openKfId, s.externalUserId, s.sessionStartedAt])) ?? null,
      customer: s.messages.customer,
      bot: s.messages.bot,
      servicer: s.messages.servicer,
    });
  }
  return rows;
}
