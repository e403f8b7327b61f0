/**
 * Which day a count of the activity log falls on, in the operator's timezone (`settings.timezone`).
 * The log keeps its counts per UTC hour (activity-log.ts), so any timezone's days can be formed
 * from them when reading: a count belongs to the local date at the start of its UTC hour. In
 * zones whose offset is whole hours (Asia/Shanghai, UTC, America/New_York in summer and in
 * winter) that is exact. In zones offset by a half or three-quarter hour (Asia/Kolkata +5:30,
 * Asia/Kathmandu +5:45, Australia/Adelaide +9:30) the hour that holds local midnight counts whole
 * on the day it begins in, so what happened in the first 30 or 15 minutes after midnight counts on
 * the day before — the price of hourly counts, documented in docs/reports.md.
 *
 * Every reader dates activity through `activityDay`: the stores (SQLite to split each UTC day's
 * row of hourly counts, sqlite-activity-day-reads.ts, and as an SQL function for session ends;
 * Redis in JavaScript), the satisfaction rows, the console's range.
 */

import type { ActivityQuery } from './activity-log.ts';

export const HOUR_MS = 3_600_000;
const DAY_MS = 86_400_000;

/** The start of the UTC hour `at` falls in, epoch ms. */
export const hourOf = (at: number): number => Math.floor(at / HOUR_MS) * HOUR_MS;

/** The date after `day` (YYYY-MM-DD). */
export function nextDay(day: string): string {
  return new Date(Date.parse(`${day}T00:00:00Z`) + DAY_MS).toISOString().slice(0, 10);
}

/** Per timezone: its date formatter, and the dates of the hours already asked (bounded). */
const zones = new Map<string, { format: Intl.DateTimeFormat; days: Map<number, string> }>();
const MAX_REMEMBERED_HOURS = 50_000;

function zone(timezone: string) {
  let z = zones.get(timezone);
  if (!z) {
    // en-CA writes dates as YYYY-MM-DD. Throws RangeError for a name Intl does not know.
    const format = new Intl.DateTimeFormat('en-CA', {
      timeZone: timezone,
      year: 'numeric',
      month: '2-digit',
      day: '2-digit',
    });
    z = { format, days: new Map() };
    zones.set(timezone, z);
  }
  return z;
}

/** The day (YYYY-MM-DD in `timezone`) that activity at `at` (epoch ms) counts on. */
export function activityDay(at: number, timezone: string): string {
  const hour = hourOf(at);
  const z = zone(timezone);
  let day = z.days.get(hour);
  if (day === undefined) {
    day = z.format.format(hour);
    if (z.days.size >= MAX_REMEMBERED_HOURS) z.days.clear();
    z.days.set(hour, day);
  }
  return day;
}

/** Whether Intl knows `timezone` (an IANA name such as Asia/Shanghai). */
export function isTimezone(timezone: string): boolean {
  try {
    zone(timezone);
    return true;
  } catch {
    return false;
  }
}

/**
 * Epoch ms of the first UTC hour that counts on `day` in `timezone`: local midnight, or in a
 * half-hour zone the next whole UTC hour after it. Offsets in use run from −12 to +14 hours.
 */
export function activityDayStart(day: string, timezone: string): number {
  let hour = Date.parse(`${day}T00:00:00Z`) - 15 * HOUR_MS;
  while (activityDay(hour, timezone) < day) hour += HOUR_MS;
  return hour;
}

/** The days from `from` to `to` (YYYY-MM-DD), both included. */
export function daysFrom(from: string, to: string): string[] {
  const days: string[] = [];
  for (let d = from; d <= to; d = nextDay(d)) days.push(d);
  return days;
}

/**
 * The activity query for the days `from` … `to` of `timezone` (YYYY-MM-DD, both included; no end
 * when `to` is absent), of one account or every one: what the console and `kfbot report` read.
 */
export function daysQuery(timezone: string, from: string, to?: string, openKfId?: string): ActivityQuery {
  return {
    from: activityDayStart(from, timezone),
    ...(to !== undefined && { until: activityDayStart(nextDay(to), timezone) }),
    ...(openKfId !== undefined && { openKfId }),
    timezone,
  };
}
