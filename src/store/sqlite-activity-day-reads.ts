/**
 * How the SQLite store reads days of `settings.timezone` from rows that each hold one UTC day's 24
 * hourly counts (sqlite-activity-daily.ts).
 *
 * A local date changes at most once within a UTC day (offsets run from −12 to +14 hours), so each
 * UTC day splits into at most two parts, each counted whole on one local date: the UTC date, the
 * day before or the day after. Which hour is the split is asked of `activityDay` for every hour of
 * every UTC day in the range — the same function every reader dates counts with — so daylight
 * saving time, half-hour zones and the range's clipped first and last days come out as the other
 * readers have them. Consecutive UTC days cut the same way form a run; the statement sums, for each
 * run and part, the part's hour columns of each row, and SQL groups the parts into local days.
 * A zone without daylight saving time is one run plus the clipped ends: a handful of branches,
 * each reading the range's day rows once.
 */
import { activityDay, HOUR_MS } from './activity-days.ts';
import { hourColumn, type Measure } from './sqlite-activity-daily.ts';

const DAY_MS = 24 * HOUR_MS;

/** Hours `lo` … `hi − 1` of a UTC day, counted on the UTC date moved by `shift` days (−1, 0, 1). */
interface Part {
  lo: number;
  hi: number;
  shift: number;
}

/** The UTC days `first` … `last` (YYYY-MM-DD), each cut into the same parts. */
export interface Run {
  first: string;
  last: string;
  parts: Part[];
}

export const utcDate = (at: number): string => new Date(at).toISOString().slice(0, 10);

/** The runs of UTC days covering the hours `from` … `until` (excluded; hour starts, epoch ms). */
export function dayRuns(from: number, until: number, timezone: string): Run[] {
  const runs: Run[] = [];
  let key = '';
  for (let start = Math.floor(from / DAY_MS) * DAY_MS; start < until; start += DAY_MS) {
    const date = utcDate(start);
    const parts: Part[] = [];
    for (let h = 0; h < 24; h++) {
      const hour = start + h * HOUR_MS;
      if (hour < from || hour >= until) continue;
      const local = activityDay(hour, timezone);
      const shift = local === date ? 0 : local < date ? -1 : 1;
      const last = parts.at(-1);
      if (last && last.shift === shift && last.hi === h) last.hi = h + 1;
      else parts.push({ lo: h, hi: h + 1, shift });
    }
    const k = JSON.stringify(parts);
    const run = runs.at(-1);
    if (run && k === key) run.last = date;
    else runs.push({ first: date, last: date, parts });
    key = k;
  }
  return runs;
}

/** What a grouped read returns: a table's key columns (after `day`) and its measures. */
export interface DayRead {
  table: string;
  /** [column, name it is returned as]. */
  keys: readonly (readonly [string, string])[];
  measures: readonly Measure[];
}

/**
 * The statement summing `read`'s measures per local day and key for `runs`, and its arguments
 * (each branch: the run's first and last UTC date, the account twice). The text depends only on
 * the runs' shapes, so a report asked again reuses its prepared statement.
 */
export function dayReadStatement(
  read: DayRead,
  runs: readonly Run[],
  account: string | null,
): { sql: string; args: (string | null)[] } {
  const keyColumns = read.keys.map(([c]) => c).join(', ');
  const branches: string[] = [];
  const args: (string | null)[] = [];
  for (const run of runs)
    for (const { lo, hi, shift } of run.parts) {
      const d = shift === 0 ? 'day' : `date(day, '${shift > 0 ? '+' : ''}${shift} day')`;
      const sums = read.measures.map((m) => {
        const cols: string[] = [];
        for (let h = lo; h < hi; h++) cols.push(hourColumn(m, h));
        return `${cols.join(' + ')} AS ${m}`;
      });
      branches.push(
        `SELECT ${d} AS d, ${keyColumns}, ${sums.join(', ')} FROM ${read.table}
         WHERE day BETWEEN ? AND ? AND (? IS NULL OR open_kfid = ?)`,
      );
      args.push(run.first, run.last, account, account);
    }
  const keys = read.keys.map(([c, as]) => (c === as ? c : `${c} AS ${as}`)).join(', ');
  const totals = read.measures.map((m) => `SUM(${m}) AS ${m}`).join(', ');
  // Every stored count is at least 1, so a local day holds a row exactly when its sum is not 0.
  const any = read.measures.map((m) => `SUM(${m})`).join(' + ');
  const sql = `SELECT d AS day, ${keys}, ${totals} FROM (${branches.join('\nUNION ALL\n')})
    GROUP BY d, ${keyColumns} HAVING ${any} > 0 ORDER BY d, ${keyColumns}`;
  return { sql, args };
}
