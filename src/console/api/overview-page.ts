/** 概览 Overview: the charts, their totals, and each chart's CSV. */
import { toCsv } from '../console-csv.ts';
import { ConsoleApiError, type ConsoleContext, type ConsolePage, type FileAnswer } from '../console-page.ts';
import { readRange } from './console-range.ts';
import { overviewData } from './overview-data.ts';

async function read(ctx: ConsoleContext, query: URLSearchParams) {
  const range = readRange(query, ctx);
  return overviewData(ctx.store, ctx.rules.current?.byName ?? new Map(), range);
}

export const overviewPage: ConsolePage = {
  id: 'overview',
  title: '概览 Overview',
  nav: true,
  api: {
    overview: { method: 'GET', handle: (ctx, { query }) => read(ctx, query) },
    'overview-csv': {
      method: 'GET',
      async handle(ctx, { query }): Promise<FileAnswer> {
        const data = await read(ctx, query);
        const chart = data.charts.find((c) => c.id === query.get('chart'));
        if (!chart)
          throw new ConsoleApiError(
            400,
            `没有这张图表 · chart is one of ${data.charts.map((c) => c.id).join(', ')}, not "${query.get('chart') ?? ''}"`,
          );
        const account = data.range.account ? `-${data.range.account}` : '';
        return {
          file: {
            name: `kfbot-${chart.id}-${data.range.from}-${data.range.to}${account}.csv`,
            type: 'text/csv; charset=utf-8',
            body: toCsv(
              chart.columns.map((c) => c.key),
              chart.rows.map((r) => chart.columns.map((c) => r[c.key] ?? '')),
            ),
          },
        };
      },
    },
  },
};
