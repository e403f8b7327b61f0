/**
 * The range and account every report page is asked for: ?from=YYYY-MM-DD&to=YYYY-MM-DD&account=wk…,
 * by default the last 30 days up to today, every account. Days are UTC dates, as the activity log
 * keeps them and `kfbot report` prints them (activity-log.ts), so a chart and the report's rows
 * for the same days are the same numbers.
 */
import { ACTIVITY_RETENTION_MS, utcDay } from '../../store/activity-log.ts';
import { ConsoleApiError } from '../console-page.ts';

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
}

const DAY = /^\d{4}-\d{2}-\d{2}$/;

function day(query: URLSearchParams, name: string, fallback: string): string {
  const v = query.get(name);
  if (v === null || v === '') return fallback;
  if (!DAY.test(v) || Number.isNaN(Date.parse(`${v}T00:00:00Z`)))
    throw new ConsoleApiError(400, `${name} is a date such as 2026-01-31, not "${v}"`);
  return v;
}

export function readRange(query: URLSearchParams, now: number): ConsoleRange {
  const today = utcDay(now);
  const to = day(query, 'to', today);
  const from = day(query, 'from', utcDay(Date.parse(`${to}T00:00:00Z`) - (DEFAULT_RANGE_DAYS - 1) * DAY_MS));
  if (from > to) throw new ConsoleApiError(400, `from (${from}) is after to (${to})`);
  const days: string[] = [];
  const maxDays = ACTIVITY_RETENTION_MS / DAY_MS + 1;
  for (let t = Date.parse(`${from}T00:00:00Z`); utcDay(t) <= to; t += DAY_MS) {
    days.push(utcDay(t));
    if (days.length > maxDays)
      throw new ConsoleApiError(
        400,
        `choose at most ${maxDays} days: kfbot keeps its activity ${maxDays - 1} days`,
      );
  }
  const account = query.get('account') ?? '';
  if (account !== '' && !/^\S{1,128}$/.test(account))
    throw new ConsoleApiError(400, `account is an open_kfid (wk…), not "${account}"`);
  return { from, to, days, ...(account !== '' && { account }) };
}
