/**
 * `kfbot report satisfaction`: the satisfaction scores customers gave by clicking menu items with
 * `score:` (or typing a rating the FAQ answered with one), per day and account: how many, their average, and how many of each score.
 */

import { type SatisfactionRow, SCORES, satisfactionRows } from '../../reports/satisfaction-rows.ts';
import { defineReport, named, nothingFound } from './define-report.ts';
import { activityQuery, DAYS_NOTE } from './report-days.ts';
import { type Column, formatRows } from './report-format.ts';

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
