/**
 * `kfbot report sessions`: per UTC day and account, how sessions ended — by an idle timeout, by a
 * servicer, by the bot — and how many the bot handed over to the queue or a servicer.
 */
import { SESSION_END_HOWS, type SessionEndHow } from '../../store/activity-log.ts';
import { defineReport, named, nothingFound } from './define-report.ts';
import { activityQuery, DAYS_NOTE, perDayAndAccount } from './report-days.ts';
import { type Column, formatRows } from './report-format.ts';

export type SessionsRow = { day: string; openKfId: string } & Record<SessionEndHow, number>;

const HEADS: Record<SessionEndHow, string> = {
  timeout: 'ended by timeout 超时结束',
  servicer: 'ended by servicers 客服结束',
  bot: 'ended by the bot 机器人结束',
  handover: 'handed over 转人工',
};

const COLUMNS: readonly Column<SessionsRow>[] = [
  { table: 'day (UTC) 日期', csv: 'day', cell: (r) => r.day },
  { table: 'account 账号', csv: 'account', cell: (r) => r.openKfId },
  ...SESSION_END_HOWS.map((how) => ({ table: HEADS[how], csv: how, cell: (r: SessionsRow) => r[how] })),
];

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

export const sessionsReport = defineReport({
  name: 'sessions',
  summary: 'sessions per day and account: ended by timeout, by servicers, by the bot; handed over',
  about: `Per day and account, how customer sessions ended: by timeout (an idle rule ended a session
the customer left silent), by servicers (a servicer ended it in the WeCom client), by the bot (a
rule's transfer: { to: end } that WeCom accepted); and how many the bot handed over (a rule's
transfer to the queue or to a servicer that WeCom accepted).
${DAYS_NOTE}`,
  async produce(store, query) {
    const counts = await store.activity.countSessionEnds(activityQuery(query));
    return formatRows(
      named(sessionsRows(counts), query),
      COLUMNS,
      query.format,
      nothingFound('session ends', query),
    );
  },
});
