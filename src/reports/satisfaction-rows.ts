/** Satisfaction scores (满意度) per day and account: how many, their average and each score's count. */
import { MAX_SCORE, MIN_SCORE } from '../rules/item-scores.ts';
import { activityDay } from '../store/activity-days.ts';
import { perDayAndAccount } from './per-day-and-account.ts';

export interface SatisfactionRow {
  day: string;
  openKfId: string;
  count: number;
  /** Rounded to two decimals. */
  average: number;
  /** How many of each score, "1" … "5". */
  scores: Record<string, number>;
}

export const SCORES = Array.from({ length: MAX_SCORE - MIN_SCORE + 1 }, (_, i) => String(MIN_SCORE + i));

/** Per day of `timezone` (activityDay, as every count is dated) and account. */
export function satisfactionRows(
  scores: readonly { openKfId: string; score: number; at: number }[],
  timezone: string,
): SatisfactionRow[] {
  const sums = new Map<SatisfactionRow, number>();
  const rows = perDayAndAccount(
    scores,
    (s) => ({ day: activityDay(s.at, timezone), openKfId: s.openKfId }),
    (key) => ({ ...key, count: 0, average: 0, scores: Object.fromEntries(SCORES.map((s) => [s, 0])) }),
    (row, s) => {
      row.count++;
      row.scores[String(s.score)] = (row.scores[String(s.score)] ?? 0) + 1;
      sums.set(row, (sums.get(row) ?? 0) + s.score);
    },
  );
  for (const row of rows) row.average = Math.round(((sums.get(row) ?? 0) / row.count) * 100) / 100;
  return rows;
}
