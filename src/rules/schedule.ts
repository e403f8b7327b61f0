/**
 * Business hours in a named IANA timezone, with public holidays and make-up workdays (调休: a
 * weekend day on which offices open to compensate for a long holiday), as written in the rules'
 * YAML:
 *
 *   timezone: Asia/Shanghai          # optional
 *   hours: { mon-fri: [09:00-12:00, 13:30-18:00], sat: 10:00-16:00, holiday: closed }
 *   holidays: [2026-10-01, 2026-10-02]
 *   workdays: [2026-10-10]           # uses the `workday` hours, else Monday's
 *
 * A window such as 22:00-02:00 crosses midnight and belongs to the day it starts on. Days not
 * mentioned are closed; holidays are closed unless `holiday` hours are given.
 */

import { DAY_MS, MINUTE_MS, type Weekday, weekdayOf, Zone } from './local-time.ts';

export const DEFAULT_TIMEZONE = 'Asia/Shanghai';

export interface ScheduleInput {
  timezone?: string;
  hours: Record<string, string | string[]>;
  holidays?: string[];
  workdays?: string[];
}

export interface ScheduleProblem {
  /** Relative to the schedule, for people: `hours.mon-fri[1]`. */
  path: string;
  /** The same place as YAML path steps, for finding the line: `['hours', 'mon-fri', 1]`. */
  yamlPath: (string | number)[];
  message: string;
}

/** Minutes since local midnight; `end < start` means the window ends the next day. */
export interface TimeWindow {
  readonly start: number;
  readonly end: number;
}

const DAY_MINUTES = 1440;
const DAY_NAMES = ['sun', 'mon', 'tue', 'wed', 'thu', 'fri', 'sat'] as const;
const HOLIDAY = 7;
const WORKDAY = 8;
const DAYS_HINT = 'use mon, tue, wed, thu, fri, sat, sun, a range such as mon-fri, daily, holiday or workday';
const WINDOW = /^(\d\d):(\d\d)\s*-\s*(\d\d):(\d\d)$/;
const DATE = /^(\d{4})-(\d\d)-(\d\d)$/;
const INPUT_KEYS = ['timezone', 'hours', 'holidays', 'workdays'];

// ---------------------------------------------------------------------------------------------
// Windows and days

/** Parses `HH:MM-HH:MM` (an end of 24:00 allowed; an end before the start means the next day). */
export function parseTimeWindow(text: string): { window: TimeWindow } | { problem: string } {
  const m = WINDOW.exec(text.trim());
  if (!m) return { problem: `"${text}" is not HH:MM-HH:MM` };
  const [sh, sm, eh, em] = m.slice(1).map(Number) as [number, number, number, number];
  for (const [h, min] of [
    [sh, sm],
    [eh, em],
  ] as const) {
    if (h > 24 || min > 59 || (h === 24 && min > 0)) {
      return { problem: `"${text}": ${pad(h)}:${pad(min)} is not a time of day` };
    }
  }
  const start = sh * 60 + sm;
  const end = eh * 60 + em;
  if (start === DAY_MINUTES)
    return { problem: `"${text}" cannot start at 24:00; write 00:00-${pad(eh)}:${pad(em)}` };
  if (start === end) return { problem: `"${text}" is empty; for the whole day write 00:00-24:00` };
  return { window: { start, end } };
}

/** Parses a day key: `mon`, `mon-fri`, `fri-mon` (wrapping), `daily`, or a comma list of those. */
export function parseDays(spec: string): { days: Weekday[] } | { problem: string } {
  const days = new Set<Weekday>();
  for (const raw of spec.split(',')) {
    const part = raw.trim().toLowerCase();
    if (part === 'daily') {
      for (let d = 0; d < 7; d++) days.add(d as Weekday);
      continue;
    }
    const ends = part.split('-');
    const ids = ends.map((name) => DAY_NAMES.indexOf(name as (typeof DAY_NAMES)[number]));
    const bad = ends.find((_, i) => (ids[i] as number) < 0);
    if (bad !== undefined || ends.length > 2) {
      return {
        problem: `unknown day "${bad !== undefined && ends.length <= 2 ? bad : raw.trim()}"; ${DAYS_HINT}`,
      };
    }
    const from = ids[0] as number;
    const to = ids[ids.length - 1] as number;
    for (let d = from; ; d = (d + 1) % 7) {
      days.add(d as Weekday);
      if (d === to) break;
    }
  }
  return { days: [...days].sort((a, b) => a - b) };
}

/**
 * Whether an instant falls in a window such as a lunch break (`12:00-13:30`), optionally only on
 * some weekdays. A window crossing midnight belongs to the day it starts on. A string window is
 * parsed on every call and throws RangeError if invalid: rule compilers parse it once with
 * `parseTimeWindow` and pass the result.
 */
export function inWindow(
  epochMs: number,
  timezone: string,
  window: TimeWindow | string,
  days?: ReadonlySet<number>,
): boolean {
  if (typeof window === 'string') {
    const parsed = parseTimeWindow(window);
    if ('problem' in parsed) throw new RangeError(parsed.problem);
    window = parsed.window;
  }
  const local = Zone.get(timezone).local(epochMs);
  const day = Math.floor(local / DAY_MS);
  const minutes = Math.floor((local - day * DAY_MS) / MINUTE_MS);
  const { start, end } = window;
  if (end > start) return minutes >= start && minutes < end && (!days || days.has(weekdayOf(day)));
  if (minutes >= start) return !days || days.has(weekdayOf(day));
  return minutes < end && (!days || days.has(weekdayOf(day - 1)));
}

// ---------------------------------------------------------------------------------------------
// Schedules

/** One day's opening: `[start, end)` minute pairs within the day, and how far it runs into the next. */
export interface DayHours {
  readonly ranges: readonly number[];
  /** Minutes after the next midnight still open (a window crossing midnight); 0 = none. */
  readonly spill: number;
}

const CLOSED: DayHours = { ranges: [], spill: 0 };

export class Schedule {
  readonly #zone: Zone;
  /** Indexed by weekday, then HOLIDAY, then WORKDAY. */
  readonly #hours: readonly DayHours[];
  /** Local day numbers (days since 1970-01-01). */
  readonly #holidays: ReadonlySet<number>;
  readonly #workdays: ReadonlySet<number>;

  /** Use `parseSchedule`, which checks what this trusts. Throws RangeError for an unknown timezone. */
  constructor(
    timezone: string,
    hours: readonly DayHours[],
    holidays: ReadonlySet<number>,
    workdays: ReadonlySet<number>,
  ) {
    this.#zone = Zone.get(timezone);
    this.#hours = hours;
    this.#holidays = holidays;
    this.#workdays = workdays;
  }

  get timezone(): string {
    return this.#zone.name;
  }

  isOpen(epochMs: number): boolean {
    const local = this.#zone.local(epochMs);
    const day = Math.floor(local / DAY_MS);
    const minutes = Math.floor((local - day * DAY_MS) / MINUTE_MS);
    const today = this.#hoursOn(day).ranges;
    for (let i = 0; i < today.length; i += 2) {
      if (minutes >= (today[i] as number) && minutes < (today[i + 1] as number)) return true;
    }
    return minutes < this.#hoursOn(day - 1).spill;
  }

  /** Whether the local date of `epochMs` is one of the schedule's holidays. */
  isHoliday(epochMs: number): boolean {
    return this.#holidays.has(Math.floor(this.#zone.local(epochMs) / DAY_MS));
  }

  #hoursOn(day: number): DayHours {
    const slot = this.#holidays.has(day) ? HOLIDAY : this.#workdays.has(day) ? WORKDAY : weekdayOf(day);
    return this.#hours[slot] ?? CLOSED;
  }
}

export function isOpen(schedule: Schedule, epochMs: number): boolean {
  return schedule.isOpen(epochMs);
}

/**
 * Checks a schedule as read from YAML and reports every problem, each with its place. The input is
 * `unknown` because YAML can hold anything; a well-typed `ScheduleInput` is accepted too.
 */
export function parseSchedule(
  input: unknown,
  defaultTimezone: string = DEFAULT_TIMEZONE,
): { schedule: Schedule } | { problems: ScheduleProblem[] } {
  const problems: ScheduleProblem[] = [];
  const problem = (yamlPath: (string | number)[], message: string): void => {
    const path = yamlPath.map((s, i) => (typeof s === 'number' ? `[${s}]` : i === 0 ? s : `.${s}`)).join('');
    problems.push({ path, yamlPath, message });
  };
  if (!isMapping(input)) {
    problem([], 'a schedule must be a mapping with hours (and optionally timezone, holidays, workdays)');
    return { problems };
  }
  for (const key of Object.keys(input)) {
    if (!INPUT_KEYS.includes(key)) problem([key], `unknown key "${key}"; expected ${INPUT_KEYS.join(', ')}`);
  }

  const tzName = input.timezone ?? defaultTimezone;
  const zone = typeof tzName === 'string' ? Zone.find(tzName) : undefined;
  if (!zone) {
    problem(
      ['timezone'],
      typeof tzName === 'string'
        ? `unknown timezone "${tzName}"; use an IANA name such as Asia/Shanghai`
        : 'timezone must be an IANA name such as Asia/Shanghai',
    );
  }

  const hours: (DayHours | undefined)[] = [];
  const setBy: (string | undefined)[] = [];
  if (!isMapping(input.hours)) {
    problem(['hours'], 'hours must be a mapping of days to times, e.g. mon-fri: 09:00-18:00');
  } else {
    for (const [key, value] of Object.entries(input.hours)) {
      const lower = key.trim().toLowerCase();
      let slots: number[];
      if (lower === 'holiday') slots = [HOLIDAY];
      else if (lower === 'workday') slots = [WORKDAY];
      else {
        const days = parseDays(key);
        if ('problem' in days) {
          problem(['hours', key], days.problem);
          continue;
        }
        slots = days.days;
      }
      for (const slot of slots) {
        const other = setBy[slot];
        if (other !== undefined) {
          const name = slot === HOLIDAY ? 'holiday' : slot === WORKDAY ? 'workday' : DAY_NAMES[slot];
          problem(['hours', key], `${name} is already set by "${other}"`);
        }
        setBy[slot] = key;
      }
      const day = parseDayHours(value, ['hours', key], problem);
      if (day) for (const slot of slots) hours[slot] ??= day;
    }
  }
  // 调休 days make up for a weekday lost to a holiday; which one is not recorded, so they open like a Monday.
  hours[WORKDAY] ??= hours[1];

  const holidays = parseDates(input.holidays, 'holidays', problem);
  const workdays = parseDates(input.workdays, 'workdays', problem);
  for (const [day, i] of workdays) {
    if (holidays.has(day)) problem(['workdays', i], `${formatDay(day)} is also in holidays`);
  }

  if (problems.length > 0 || !zone) return { problems };
  const table = Array.from({ length: 9 }, (_, slot) => hours[slot] ?? CLOSED);
  return { schedule: new Schedule(zone.name, table, new Set(holidays.keys()), new Set(workdays.keys())) };
}

type Report = (yamlPath: (string | number)[], message: string) => void;

function parseDayHours(value: unknown, path: (string | number)[], problem: Report): DayHours | undefined {
  if (typeof value === 'string' && value.trim().toLowerCase() === 'closed') return CLOSED;
  const items = typeof value === 'string' ? [value] : Array.isArray(value) ? (value as unknown[]) : undefined;
  if (!items) {
    problem(path, `expected "HH:MM-HH:MM", a list of them, or "closed"; got ${describe(value)}`);
    return undefined;
  }
  const windows: { window: TimeWindow; text: string; at: (string | number)[] }[] = [];
  for (const [i, item] of items.entries()) {
    const at = typeof value === 'string' ? path : [...path, i];
    const parsed =
      typeof item !== 'string'
        ? { problem: `expected "HH:MM-HH:MM"; got ${describe(item)}` }
        : item.trim().toLowerCase() === 'closed'
          ? { problem: '"closed" cannot be mixed with opening hours' }
          : parseTimeWindow(item);
    if ('problem' in parsed) problem(at, parsed.problem);
    else windows.push({ window: parsed.window, text: String(item), at });
  }
  if (windows.length < items.length) return undefined;

  windows.sort((a, b) => a.window.start - b.window.start);
  const ranges: number[] = [];
  let spill = 0;
  let reach = -1;
  let reachText = '';
  for (const { window, text, at } of windows) {
    if (window.start < reach) problem(at, `"${reachText}" and "${text}" overlap`);
    const crosses = window.end < window.start;
    reach = crosses ? window.end + DAY_MINUTES : window.end;
    reachText = text;
    ranges.push(window.start, crosses ? DAY_MINUTES : window.end);
    if (crosses) spill = window.end;
  }
  return { ranges, spill };
}

/** Dates as local day numbers, each mapped to its index in the list. */
function parseDates(value: unknown, key: string, problem: Report): Map<number, number> {
  const days = new Map<number, number>();
  if (value === undefined) return days;
  if (!Array.isArray(value)) {
    problem([key], `${key} must be a list of dates such as 2026-10-01`);
    return days;
  }
  for (const [i, item] of (value as unknown[]).entries()) {
    const text = typeof item === 'string' ? item.trim() : '';
    const m = DATE.exec(text);
    if (!m) {
      problem([key, i], `expected a date YYYY-MM-DD; got ${describe(item)}`);
      continue;
    }
    const [y, mo, d] = m.slice(1).map(Number) as [number, number, number];
    const day = Date.UTC(y, mo - 1, d) / DAY_MS;
    if (formatDay(day) !== text) problem([key, i], `"${text}" is not a date in the calendar`);
    else if (!days.has(day)) days.set(day, i);
  }
  return days;
}

const formatDay = (day: number): string => new Date(day * DAY_MS).toISOString().slice(0, 10);
const pad = (n: number): string => String(n).padStart(2, '0');

function isMapping(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function describe(value: unknown): string {
  if (value === null || value === undefined) return 'nothing';
  if (Array.isArray(value)) return 'a list';
  if (typeof value === 'object') return 'a mapping';
  return `${typeof value} ${JSON.stringify(value)}`;
}
