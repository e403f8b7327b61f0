/**
 * 会话 Conversations: the recent sessions of an account, one row each (the rows of `kfbot report
 * sessions --by session`), and one session's messages in order with the rule that answered each
 * and why. The customer texts are customer data: kept as long as the activity log (90 days).
 */
import { sessionRows } from '../../reports/session-rows.ts';
import { describeForget, describeForgetZh } from '../../store/forget-customer.ts';
import { ConsoleApiError, type ConsolePage } from '../console-page.ts';
import { rangeQuery, readLimit, readRange } from './console-range.ts';

const MAX_LIMIT = 1000;

export const conversationsPage: ConsolePage = {
  id: 'conversations',
  title: '会话 Conversations',
  nav: true,
  api: {
    sessions: {
      method: 'GET',
      async handle(ctx, { query }) {
        const range = readRange(query, ctx);
        const limit = readLimit(query, 200, MAX_LIMIT);
        const days = rangeQuery(range);
        const rows = await sessionRows(ctx.store, {
          since: days.from,
          until: days.until ?? Number.MAX_SAFE_INTEGER,
          limit,
          ...(range.account && { openKfId: range.account }),
        });
        return {
          range: { from: range.from, to: range.to, account: range.account ?? null },
          accounts: [...new Set(rows.map((r) => r.openKfId))].sort(),
          rows,
        };
      },
    },
    /** The 删除 button: erases everything of one customer, as `kfbot forget` does. */
    forget: {
      method: 'POST',
      async handle(ctx, { body }) {
        const id =
          typeof body === 'object' && body !== null
            ? (body as { externalUserId?: unknown }).externalUserId
            : undefined;
        if (typeof id !== 'string' || !/^[\w-]{1,128}$/.test(id))
          throw new ConsoleApiError(
            400,
            "客户编号是 external_userid（wm…）· externalUserId is the customer's external_userid (wm…)",
          );
        const report = await ctx.store.forgetCustomer(id);
        ctx.log.info({ report }, 'console: erased a customer on request (their id is not logged)');
        return { report, summary: `${describeForgetZh(report)} · ${describeForget(report)}` };
      },
    },
    session: {
      method: 'GET',
      async handle(ctx, { query }) {
        const account = query.get('account') ?? '';
        const customer = query.get('customer') ?? '';
        const started = Date.parse(query.get('started') ?? '');
        if (!account || !customer || Number.isNaN(started))
          throw new ConsoleApiError(
            400,
            '会话的地址缺了账号、客户或开始时间：请从会话列表点“查看”进入 · a session is named by account, customer and started (an ISO time)',
          );
        const entries = await ctx.store.sessions.sessionEntries(account, customer, started);
        if (entries.length === 0)
          throw new ConsoleApiError(
            404,
            '没有这个会话：它开始于 90 天之前，或已被删除 · no such session: it ended more than 90 days ago, or was erased',
          );
        const [row] = (
          await sessionRows(ctx.store, { since: started, until: started + 1, openKfId: account, limit: 1000 })
        ).filter((r) => r.externalUserId === customer);
        return { session: row ?? null, entries };
      },
    },
  },
};
