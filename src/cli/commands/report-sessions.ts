/**
 * `kfbot report sessions`: per day and account, how sessions ended — by an idle timeout, by a
 * servicer, by the bot — and how many the bot handed over to the queue or a servicer.
 */

import { type SessionRow, sessionRows } from '../../reports/session-rows.ts';
import { type SessionsRow, sessionsRows } from '../../reports/sessions-rows.ts';
import { SESSION_END_HOWS, type SessionEndHow } from '../../store/activity-log.ts';
import { UsageError } from '../command.ts';
import { defineReport, named, nothingFound } from './define-report.ts';
import { activityQuery, DAYS_NOTE } from './report-days.ts';
import { type Column, formatRows } from './report-format.ts';

const HEADS: Record<SessionEndHow, string> = {
  timeout: 'ended by timeout 超时结束',
  servicer: 'ended by servicers 客服结束',
  bot: 'ended by the bot 机器人结束',
  handover: 'handed over 转人工',
};

const COLUMNS: readonly Column<SessionsRow>[] = [
  { table: 'day 日期', csv: 'day', cell: (r) => r.day },
  { table: 'account 账号', csv: 'account', cell: (r) => r.openKfId },
  ...SESSION_END_HOWS.map((how) => ({ table: HEADS[how], csv: how, cell: (r: SessionsRow) => r[how] })),
];

const SESSION_COLUMNS: readonly Column<SessionRow>[] = [
  { table: 'started (UTC)', csv: 'started_at', cell: (r) => r.startedAt.slice(0, 16).replace('T', ' ') },
  { csv: 'last_at', cell: (r) => r.lastAt },
  { table: 'account', csv: 'account', cell: (r) => r.openKfId },
  { table: 'customer', csv: 'external_userid', cell: (r) => r.externalUserId },
  { table: 'nickname', csv: 'nickname', cell: (r) => r.nickname ?? '' },
  { table: 'ended', csv: 'ended', cell: (r) => r.ended },
  { table: 'rating', csv: 'rating', cell: (r) => r.rating ?? '' },
  { table: 'customer msgs', csv: 'customer_messages', cell: (r) => r.customer },
  { table: 'bot msgs', csv: 'bot_messages', cell: (r) => r.bot },
  { table: 'servicer msgs', csv: 'servicer_messages', cell: (r) => r.servicer },
];

/** --by session prints at most this many sessions, the most recent. */
const MAX_SESSION_ROWS = 100_000;

export const sessionsReport = defineReport({
  name: 'sessions',
  summary: 'sessions per day and account: ended by timeout, by servicers, by the bot; handed over',
  about: `Per day and account, how customer sessions ended: by timeout (an idle rule ended a session
the customer left silent), by servicers (a servicer ended it in the WeCom client), by the bot (a
rule's transfer: { to: end } that WeCom accepted); and how many the bot handed over (a rule's
transfer to the queue or to a servicer that WeCom accepted).
${DAYS_NOTE}
With --by session: one row per customer session begun in the window, the most recent first — the
account, the customer (external_userid) and nickname if known, the start and last message, how it
ended (timeout, bot, servicer, handover, or open), the satisfaction score, and the messages by the
customer, the bot and servicers. These rows are customer data, kept as long as the activity.`,
  options: { by: { value: 'day|session', help: 'a row per day and account (default), or per session' } },
  async produce(store, query, option) {
    const by = option('by') ?? 'day';
    if (by !== 'day' && by !== 'session') throw new UsageError(`--by is day or session, not "${by}"`);
    if (by === 'session') {
      const rows = await sessionRows(store, {
        since: query.since,
        limit: MAX_SESSION_ROWS,
        ...(query.account !== undefined && { openKfId: query.account }),
      });
      return formatRows(rows, SESSION_COLUMNS, query.format, nothingFound('sessions', query));
    }
    const counts = await store.activity.countSessionEnds(activityQuery(query));
    return formatRows(
      named(sessionsRows(counts), query),
      COLUMNS,
      query.format,
      nothingFound('session ends', query),
    );
  },
});
