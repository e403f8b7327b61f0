/**
 * `kfbot report satisfaction`: the satisfaction scores customers gave by clicking menu items with
 * `score:` (or typing a rating the FAQ answered with one), per day and account: how many, their average, and how many of each score.
 */

import { MAX_SCORE, MIN_SCORE } from '../../rules/item-scores.ts';
import { activityDay } from '../../store/activity-days.ts';
import { defineReport, named, nothingFound } from './define-report.ts';
import { activityQuery, DAYS_NOTE, perDayAndAccount } from './report-days.ts';
import { type Column, formatRows } from './report-format.ts';

export interface SatisfactionRow {
  day: string;
  openKfId: string;
  count: number;
  /** Rounded to two decimals. */
  average: number;
  /** How many of each score, "1" … "5". */
  scores: Record<string, number>;
}

const SCORES = Array.from({ length: MAX_SCORE - MIN_SCORE + 1 }, (_, i) => String(MIN_SCORE + i));

const COLUMNS: readonly Column<SatisfactionRow>[] = [
  { table: 'day 日期', csv: 'day', cell: (r) => r.day },
  { table: 'account 账号', csv: 'account', cell: (r) => r.openKfId },
  { table: 'scores 评价数', csv: 'count', cell: (r) => r.count },
  { table: 'average 平均分', csv: 'average', cell: (r) => r.average.toFixed(2) },
  ...SCORES.map((s) => ({
    table: `${s}分`,
    csv: `score_${s}`,
    cell: (r: SatisfactionRow) => r.scores[s] ?? 0,
  })),
];

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

export const satisfactionReport = defineReport({
  name: 'satisfaction',
  summary: 'satisfaction scores per day and account: how many, the average, each score 1-5',
  about: `Per day and account: how many satisfaction scores customers gave (a click on a menu item
with score: 1-5, or a typed rating the FAQ answered with one; one per customer session: a later
one in the session replaces the earlier), their average, and how many of each score. A score
counts on the day the customer gave it.
${DAYS_NOTE}`,
  async produce(store, query) {
    const scores = await store.activity.listScores(activityQuery(query));
    return formatRows(
      named(satisfactionRows(scores, query.timezone), query),
      COLUMNS,
      query.format,
      nothingFound('satisfaction scores', query),
    );
  },
});
