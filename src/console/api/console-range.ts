/**
 * The range and account every report page is asked for: ?from=YYYY-MM-DD&to=YYYY-MM-DD&account=wk…,
 * by default the last 30 days up to today, every account. Days are dates in the rules'
 * settings.timezone, formed from the activity log's hourly counts the way `kfbot report` forms
 * them (activity-days.ts), so a chart and the report's rows for the same days are the same numbers.
 */

import { DEFAULT_TIMEZONE } from '../../rules/schedule.ts';
import { activityDay, daysQuery, nextDay } from '../../store/activity-days.ts';
import { ACTIVITY_RETENTION_MS, type ActivityQuery } from '../../store/activity-log.ts';
import { ConsoleApiError, type ConsoleContext } from '../console-page.ts';

export const DEFAULT_RANGE_DAYS = 30;
const DAY_MS = 86_400_000;

export interface ConsoleRange {
  /** First day, included. */
  from: string;
  /** Last day, included. */
  to: string;
  /** Every day from `from` to `to`. */
  days: string[];
  account?: string;
  /** The IANA zone the days are dates of (settings.timezone). */
  timezone: string;
}

const DAY = /^\d{4}-\d{2}-\d{2}$/;

function day(query: URLSearchParams, name: string, fallback: string): string {
  const v = query.get(name);
  if (v === null || v === '') return fallback;
  if (!DAY.test(v) || Number.isNaN(Date.parse(`${v}T00:00:00Z`)))
    throw new ConsoleApiError(
      400,
      `日期写作 2026-01-31 这样 · ${name} is a date such as 2026-01-31, not "${v}"`,
    );
  return v;
}

const isoDay = (t: number) => new Date(t).toISOString().slice(0, 10);

/** The range a page is asked for, in the days of the rules this replica runs (settings.timezone). */
export function readRange(query: URLSearchParams, ctx: Pick<ConsoleContext, 'now' | 'rules'>): ConsoleRange {
  return rangeIn(query, ctx.now(), ctx.rules.current?.ruleSet.settings.timezone ?? DEFAULT_TIMEZONE);
}

export function rangeIn(query: URLSearchParams, now: number, timezone: string): ConsoleRange {
  const today = activityDay(now, timezone);
  const to = day(query, 'to', today);
  const from = day(query, 'from', isoDay(Date.parse(`${to}T00:00:00Z`) - (DEFAULT_RANGE_DAYS - 1) * DAY_MS));
  if (from > to) throw new ConsoleApiError(400, `开始日期晚于结束日期 · from (${from}) is after to (${to})`);
  const days: string[] = [];
  const maxDays = ACTIVITY_RETENTION_MS / DAY_MS + 1;
  for (let d = from; d <= to; d = nextDay(d)) {
    days.push(d);
    if (days.length > maxDays)
      throw new ConsoleApiError(
        400,
        `最多选 ${maxDays} 天：kfbot 只保留 ${maxDays - 1} 天的记录 · choose at most ${maxDays} days: kfbot keeps its activity ${maxDays - 1} days`,
      );
  }
  const account = query.get('account') ?? '';
  if (account !== '' && !/^\S{1,128}$/.test(account))
    throw new ConsoleApiError(
      400,
      `账号是客服账号的 open_kfid（wk…）· account is an open_kfid (wk…), not "${account}"`,
    );
  return { from, to, days, timezone, ...(account !== '' && { account }) };
}

/** A page's `?limit=`: how many rows at most, `fallback` when not given. */
export function readLimit(query: URLSearchParams, fallback: number, max: number): number {
  const raw = query.get('limit') ?? String(fallback);
  const limit = Number(raw);
  if (!Number.isInteger(limit) || limit < 1 || limit > max)
    throw new ConsoleApiError(
      400,
      `条数写作 1 到 ${max} 的整数 · limit is a whole number from 1 to ${max}, not "${raw}"`,
    );
  return limit;
}

/** What the store is asked for the range: its days in its timezone, of its account or all. */
export function rangeQuery(range: ConsoleRange): ActivityQuery {
  return daysQuery(range.timezone, range.from, range.to, range.account);
}
