/**
 * 未答问题 Unanswered: `kfbot report unanswered` as a page — the same store query
 * (listUnanswered), grouped texts most frequent first, with the nearest FAQ items and what
 * customers chose in 猜你想问; and its CSV. (Part 2 adds turning a row into a 相似问法.)
 */
import type { UnansweredQuestion } from '../../store/unanswered-log.ts';
import { toCsv } from '../console-csv.ts';
import type { ConsoleContext, ConsolePage, FileAnswer } from '../console-page.ts';
import { rangeQuery, readLimit, readRange } from './console-range.ts';

const MAX_LIMIT = 500;

async function read(ctx: ConsoleContext, query: URLSearchParams) {
  const range = readRange(query, ctx);
  const limit = readLimit(query, 100, MAX_LIMIT);
  const days = rangeQuery(range);
  const since = days.from;
  const until = days.until ?? Number.MAX_SAFE_INTEGER;
  // A group keeps a tally, not each sighting: "in the range" means last seen in it, as the report's --since.
  const rows = (await ctx.store.listUnanswered(since, limit, range.account)).filter(
    (q) => q.lastSeen < until,
  );
  return {
    range: { from: range.from, to: range.to, account: range.account ?? null },
    retentionDays: Math.round(ctx.unansweredRetentionMs / 86_400_000),
    // The score a question needs to be answered directly: the page says why 0.42 went unanswered.
    threshold: ctx.rules.current?.ruleSet.faq?.calibration.settings.threshold ?? null,
    accounts: [...new Set(rows.map((r) => r.openKfId))].sort(),
    rows,
  };
}

const chosen = (q: UnansweredQuestion) =>
  Object.entries(q.chosen)
    .sort((a, b) => b[1] - a[1] || a[0].localeCompare(b[0]))
    .map(([id, n]) => `${id} ×${n}`)
    .join(', ');

export const unansweredPage: ConsolePage = {
  id: 'unanswered',
  title: '未答问题 Unanswered',
  nav: true,
  api: {
    unanswered: { method: 'GET', handle: (ctx, { query }) => read(ctx, query) },
    'unanswered-csv': {
      method: 'GET',
      async handle(ctx, { query }): Promise<FileAnswer> {
        const data = await read(ctx, query);
        return {
          file: {
            name: `kfbot-unanswered-${data.range.from}-${data.range.to}.csv`,
            type: 'text/csv; charset=utf-8',
            body: toCsv(
              ['count', 'example', 'text', 'first_seen', 'last_seen', 'account', 'nearest', 'chosen'],
              data.rows.map((q) => [
                q.count,
                q.example,
                q.text,
                new Date(q.firstSeen).toISOString(),
                new Date(q.lastSeen).toISOString(),
                q.openKfId,
                q.candidates.map((c) => `${c.id} ${c.score.toFixed(2)}`).join(', '),
                chosen(q),
              ]),
            ),
          },
        };
      },
    },
  },
};
