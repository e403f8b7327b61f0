/** Sessions per day and account, by how they ended (超时结束, 客服结束, 机器人结束, 转人工). */
import type { SessionEndHow } from '../store/activity-log.ts';
import { perDayAndAccount } from './per-day-and-account.ts';

export type SessionsRow = { day: string; openKfId: string } & Record<SessionEndHow, number>;

export function sessionsRows(
  counts: readonly { day: string; openKfId: string; how: SessionEndHow; count: number }[],
): SessionsRow[] {
  return perDayAndAccount(
    counts,
    (c) => c,
    ({ day, openKfId }) => ({ day, openKfId, timeout: 0, servicer: 0, bot: 0, handover: 0 }),
    (row, c) => {
      row[c.how] += c.count;
    },
  );
}
