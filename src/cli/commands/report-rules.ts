/**
 * `kfbot report rules`: per account and rule, how often it matched (hits) and how much of its
 * reply reached the customer (delivered, partly delivered, undelivered), over the days asked; and
 * how many customer messages no rule matched at all.
 */

import { partlyText, type RuleRow, ruleRows } from '../../reports/rule-rows.ts';
import { defineReport, named, nothingFound } from './define-report.ts';
import { activityQuery, DAYS_NOTE } from './report-days.ts';
import { type Column, formatRows } from './report-format.ts';

const NO_RULE = '(no rule matched 无规则匹配)';
/** A number that does not apply to the row: the table shows –. */
const ruleOnly = (r: RuleRow, n: number) => (r.rule === null ? '' : n);

const COLUMNS: readonly Column<RuleRow>[] = [
  { table: 'account 账号', csv: 'account', cell: (r) => r.openKfId },
  { table: 'rule 规则', cell: (r) => r.rule ?? NO_RULE },
  { csv: 'rule', cell: (r) => r.rule ?? '' },
  { table: 'hits 命中', cell: (r) => ruleOnly(r, r.hits) },
  { table: 'delivered 已送达', cell: (r) => ruleOnly(r, r.delivered) },
  { table: 'partly 部分送达', cell: (r) => (r.rule === null ? '' : partlyText(r)) },
  { table: 'undelivered 未送达', cell: (r) => ruleOnly(r, r.undelivered) },
  { table: 'unmatched 无规则', cell: (r) => (r.rule === null ? r.unmatched : '') },
  // CSV, for spreadsheets, has every number (0 where it does not apply), as JSON does.
  { csv: 'hits', cell: (r) => r.hits },
  { csv: 'delivered', cell: (r) => r.delivered },
  { csv: 'partly', cell: (r) => r.partly },
  { csv: 'partlySent', cell: (r) => r.partlySent },
  { csv: 'partlyOf', cell: (r) => r.partlyOf },
  { csv: 'undelivered', cell: (r) => r.undelivered },
  { csv: 'unmatched', cell: (r) => r.unmatched },
];

export const rulesReport = defineReport({
  name: 'rules',
  summary:
    'per rule: messages it matched (hits), and whether its reply reached the customer (delivered, partly, undelivered)',
  about: `Per account and rule, over the days asked: hits (命中), the messages the rule matched, and
of them: delivered (已送达), whose reply reached the customer whole; partly (部分送达), whose reply
reached it in part — "1 (2 of 3 parts)": one message, 2 of the 3 messages its reply was made of sent
(a text over 2048 bytes goes as several parts) before the rest failed; and undelivered (未送达),
whose reply (or transfer) did not reach the customer at all — dropped because WeCom would refuse it
(a session with a human, the 5-reply quota, the 48 h window, an expired code) or refused by WeCom. The last row of each account, ${NO_RULE} (an empty rule in CSV, null in JSON),
counts under unmatched the customer messages no rule matched, not even a fallback.
${DAYS_NOTE}`,
  async produce(store, query) {
    const q = activityQuery(query);
    const [outcomes, unmatched, partly] = await Promise.all([
      store.activity.listRuleOutcomes(q),
      store.activity.listUnmatched(q),
      store.activity.listPartlyDelivered(q),
    ]);
    return formatRows(
      named(ruleRows(outcomes, unmatched, partly), query),
      COLUMNS,
      query.format,
      nothingFound('rule activity', query),
    );
  },
});
