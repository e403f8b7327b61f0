import { describe, expect, it } from 'vitest';
import { localParts, resolveTimezone } from '../../src/rules/local-time.ts';
import {
  inWindow,
  isOpen,
  parseDays,
  parseSchedule,
  parseTimeWindow,
  type Schedule,
  type ScheduleProblem,
} from '../../src/rules/schedule.ts';

const at = (iso: string) => Date.parse(iso);

function schedule(input: unknown, defaultTimezone?: string): Schedule {
  const result = defaultTimezone === undefined ? parseSchedule(input) : parseSchedule(input, defaultTimezone);
  if ('problems' in result) throw new Error(JSON.stringify(result.problems));
  return result.schedule;
}

function problems(input: unknown): Pick<ScheduleProblem, 'path' | 'message'>[] {
  const result = parseSchedule(input);
  if ('schedule' in result) throw new Error('expected problems');
  return result.problems.map(({ path, message }) => ({ path, message }));
}

const officeHours = schedule({ hours: { 'mon-fri': '09:00-18:00' } });

describe('localParts', () => {
  it('gives the Shanghai date, weekday and minute of a UTC instant', () => {
    expect(localParts(at('2026-11-26T01:30:00Z'), 'Asia/Shanghai')).toEqual({
      date: '2026-11-26',
      weekday: 4,
      minutes: 9 * 60 + 30,
    });
  });

  it('moves to the next local day when Shanghai is past midnight but UTC is not', () => {
    expect(localParts(at('2026-11-28T16:30:00Z'), 'Asia/Shanghai')).toEqual({
      date: '2026-11-29',
      weekday: 0,
      minutes: 30,
    });
  });

  it('follows daylight saving time in zones that have it', () => {
    // New York: clocks go from 02:00 EST (UTC-5) to 03:00 EDT (UTC-4) at 2026-03-08T07:00Z.
    expect(localParts(at('2026-03-06T14:30:00Z'), 'America/New_York').minutes).toBe(9 * 60 + 30);
    expect(localParts(at('2026-03-09T13:30:00Z'), 'America/New_York').minutes).toBe(9 * 60 + 30);
    // The same instants again, interleaved, so the per-zone offset cache must not answer stale.
    expect(localParts(at('2026-03-06T14:30:00Z'), 'America/New_York').minutes).toBe(9 * 60 + 30);
    expect(localParts(at('2026-03-08T06:59:00Z'), 'America/New_York').minutes).toBe(60 + 59);
    expect(localParts(at('2026-03-08T07:00:00Z'), 'America/New_York').minutes).toBe(3 * 60);
  });

  it('throws for an unknown timezone', () => {
    expect(() => localParts(0, 'Asia/Beijing')).toThrow(RangeError);
  });
});

describe('resolveTimezone', () => {
  it('gives the canonical spelling of an IANA name, or undefined', () => {
    expect(resolveTimezone('asia/shanghai')).toBe('Asia/Shanghai');
    expect(resolveTimezone('UTC')).toBe('UTC');
    expect(resolveTimezone('Asia/Beijing')).toBeUndefined();
  });

  it('resolves aliases as Intl does', () => {
    expect(resolveTimezone('PRC')).toBe('Asia/Shanghai');
    expect(resolveTimezone('us/pacific')).toBe('America/Los_Angeles');
    expect(resolveTimezone('Etc/UTC')).toBe('UTC');
  });

  it('gives every name Intl lists, in any letter case, the spelling a DateTimeFormat resolves it to', () => {
    for (const zone of Intl.supportedValuesOf('timeZone')) {
      for (const name of [zone, zone.toLowerCase(), zone.toUpperCase()]) {
        const intl = new Intl.DateTimeFormat('en-US', { timeZone: name }).resolvedOptions().timeZone;
        expect(resolveTimezone(name), name).toBe(intl);
      }
    }
  });
});

describe('isOpen', () => {
  it('is open at 09:30 Shanghai on a Thursday, which is 01:30 UTC', () => {
    expect(isOpen(officeHours, at('2026-11-26T01:30:00Z'))).toBe(true);
  });

  it('reads hours in the schedule timezone, not UTC', () => {
    const utc = schedule({ timezone: 'UTC', hours: { 'mon-fri': '09:00-18:00' } });
    expect(isOpen(utc, at('2026-11-26T01:30:00Z'))).toBe(false);
    expect(isOpen(utc, at('2026-11-26T09:30:00Z'))).toBe(true);
    expect(utc.timezone).toBe('UTC');
    expect(officeHours.timezone).toBe('Asia/Shanghai');
  });

  it('uses the default timezone it is given when the schedule names none', () => {
    const ny = schedule({ hours: { 'mon-fri': '09:00-18:00' } }, 'America/New_York');
    expect(ny.timezone).toBe('America/New_York');
    expect(isOpen(ny, at('2026-03-06T14:30:00Z'))).toBe(true);
    expect(isOpen(ny, at('2026-03-09T13:30:00Z'))).toBe(true);
    expect(isOpen(ny, at('2026-03-06T13:30:00Z'))).toBe(false);
  });

  it('opens at the start minute and closes at the end minute', () => {
    expect(isOpen(officeHours, at('2026-11-26T00:59:59Z'))).toBe(false);
    expect(isOpen(officeHours, at('2026-11-26T01:00:00Z'))).toBe(true);
    expect(isOpen(officeHours, at('2026-11-26T09:59:59Z'))).toBe(true);
    expect(isOpen(officeHours, at('2026-11-26T10:00:00Z'))).toBe(false);
  });

  it('is closed on days the hours do not mention', () => {
    // Saturday 2026-11-28, 10:00 Shanghai.
    expect(isOpen(officeHours, at('2026-11-28T02:00:00Z'))).toBe(false);
  });

  it('uses weekend hours on weekends', () => {
    const s = schedule({ hours: { 'mon-fri': '09:00-18:00', 'sat-sun': '10:00-16:00' } });
    expect(isOpen(s, at('2026-11-28T02:00:00Z'))).toBe(true); // Sat 10:00
    expect(isOpen(s, at('2026-11-29T08:00:00Z'))).toBe(false); // Sun 16:00
  });

  it('is closed between the windows of a split day', () => {
    const s = schedule({ hours: { 'mon-fri': ['09:00-12:00', '13:30-18:00'] } });
    expect(isOpen(s, at('2026-11-26T03:59:00Z'))).toBe(true); // 11:59
    expect(isOpen(s, at('2026-11-26T04:30:00Z'))).toBe(false); // 12:30
    expect(isOpen(s, at('2026-11-26T05:30:00Z'))).toBe(true); // 13:30
  });

  it('is closed on a holiday that falls on a working day', () => {
    const s = schedule({ hours: { 'mon-fri': '09:00-18:00' }, holidays: ['2026-10-01'] });
    expect(isOpen(s, at('2026-10-01T02:00:00Z'))).toBe(false); // Thu 10:00, 国庆
    expect(isOpen(s, at('2026-10-08T02:00:00Z'))).toBe(true); // the next Thursday
  });

  it('uses holiday hours on a holiday when given', () => {
    const s = schedule({
      hours: { 'mon-fri': '09:00-18:00', holiday: '10:00-16:00' },
      holidays: ['2026-10-01'],
    });
    expect(isOpen(s, at('2026-10-01T01:30:00Z'))).toBe(false); // 09:30
    expect(isOpen(s, at('2026-10-01T02:00:00Z'))).toBe(true); // 10:00
  });

  it('opens on a make-up workday (调休) that falls on a Saturday, with Monday hours', () => {
    const s = schedule({ hours: { mon: '08:00-17:00', 'tue-fri': '09:00-18:00' }, workdays: ['2026-10-10'] });
    expect(isOpen(s, at('2026-10-10T00:30:00Z'))).toBe(true); // Sat 08:30
    expect(isOpen(s, at('2026-10-17T00:30:00Z'))).toBe(false); // an ordinary Saturday
  });

  it('uses workday hours on a make-up workday when given', () => {
    const s = schedule({
      hours: { 'mon-fri': '09:00-18:00', workday: '10:00-15:00' },
      workdays: ['2026-10-10'],
    });
    expect(isOpen(s, at('2026-10-10T01:30:00Z'))).toBe(false); // 09:30
    expect(isOpen(s, at('2026-10-10T06:30:00Z'))).toBe(true); // 14:30
  });

  it('keeps a window that crosses midnight open into the next morning', () => {
    const s = schedule({ hours: { fri: '22:00-02:00' } });
    expect(isOpen(s, at('2026-11-27T14:30:00Z'))).toBe(true); // Fri 22:30
    expect(isOpen(s, at('2026-11-27T17:00:00Z'))).toBe(true); // Sat 01:00
    expect(isOpen(s, at('2026-11-27T18:00:00Z'))).toBe(false); // Sat 02:00
    expect(isOpen(s, at('2026-11-26T17:00:00Z'))).toBe(false); // Fri 01:00: Thursday has no window
  });

  it('lets a midnight-crossing window run into a holiday, since it belongs to the day it starts on', () => {
    const s = schedule({ hours: { daily: '20:00-02:00' }, holidays: ['2026-10-01'] });
    expect(isOpen(s, at('2026-09-30T17:00:00Z'))).toBe(true); // Oct 1 01:00, started Sep 30
    expect(isOpen(s, at('2026-10-01T13:00:00Z'))).toBe(false); // Oct 1 21:00, holiday
    expect(isOpen(s, at('2026-10-01T17:00:00Z'))).toBe(false); // Oct 2 01:00, started on the holiday
  });

  it('stays open until midnight for a window ending at 24:00', () => {
    const s = schedule({ hours: { thu: '18:00-24:00' } });
    expect(isOpen(s, at('2026-11-26T15:59:00Z'))).toBe(true); // Thu 23:59
    expect(isOpen(s, at('2026-11-26T16:00:00Z'))).toBe(false); // Fri 00:00
  });

  it('is always open for daily 00:00-24:00', () => {
    const s = schedule({ hours: { daily: '00:00-24:00' } });
    for (let h = 0; h < 24 * 7; h += 5)
      expect(isOpen(s, at('2026-11-23T00:00:00Z') + h * 3_600_000)).toBe(true);
  });

  it('is closed all the time for closed days', () => {
    const s = schedule({ hours: { daily: 'closed' } });
    expect(isOpen(s, at('2026-11-26T02:00:00Z'))).toBe(false);
  });

  it('accepts day names in any letter case and ranges that wrap past Sunday', () => {
    const s = schedule({ hours: { 'FRI-Mon': '10:00-12:00' } });
    expect(isOpen(s, at('2026-11-29T02:30:00Z'))).toBe(true); // Sun
    expect(isOpen(s, at('2026-11-30T02:30:00Z'))).toBe(true); // Mon
    expect(isOpen(s, at('2026-12-01T02:30:00Z'))).toBe(false); // Tue
  });
});

describe('isHoliday', () => {
  it('tells whether the local date is a holiday', () => {
    const s = schedule({ hours: {}, holidays: ['2026-10-01'] });
    expect(s.isHoliday(at('2026-09-30T16:00:00Z'))).toBe(true); // Oct 1 00:00 Shanghai
    expect(s.isHoliday(at('2026-09-30T15:59:00Z'))).toBe(false);
  });
});

describe('parseSchedule problems', () => {
  it('rejects a time that is not HH:MM-HH:MM', () => {
    expect(problems({ hours: { 'mon-fri': '9:00-18:00' } })).toEqual([
      { path: 'hours.mon-fri', message: '"9:00-18:00" is not HH:MM-HH:MM' },
    ]);
  });

  it('points at the list item that is wrong', () => {
    const result = parseSchedule({ hours: { 'mon-fri': ['09:00-12:00', '13:30'] } });
    expect(result).toEqual({
      problems: [
        {
          path: 'hours.mon-fri[1]',
          yamlPath: ['hours', 'mon-fri', 1],
          message: '"13:30" is not HH:MM-HH:MM',
        },
      ],
    });
  });

  it('rejects an unknown day name', () => {
    expect(problems({ hours: { monday: '09:00-18:00' } })).toEqual([
      {
        path: 'hours.monday',
        message:
          'unknown day "monday"; use mon, tue, wed, thu, fri, sat, sun, a range such as mon-fri, daily, holiday or workday',
      },
    ]);
  });

  it('rejects an unknown timezone', () => {
    expect(problems({ timezone: 'Asia/Beijing', hours: {} })).toEqual([
      {
        path: 'timezone',
        message: 'unknown timezone "Asia/Beijing"; use an IANA name such as Asia/Shanghai',
      },
    ]);
  });

  it('rejects malformed and impossible dates', () => {
    expect(problems({ hours: {}, holidays: ['2026-2-3', '2026-02-30', 20261001] })).toEqual([
      { path: 'holidays[0]', message: 'expected a date YYYY-MM-DD; got string "2026-2-3"' },
      { path: 'holidays[1]', message: '"2026-02-30" is not a date in the calendar' },
      { path: 'holidays[2]', message: 'expected a date YYYY-MM-DD; got number 20261001' },
    ]);
  });

  it('rejects a date that is both a holiday and a workday', () => {
    expect(problems({ hours: {}, holidays: ['2026-10-01'], workdays: ['2026-10-01'] })).toEqual([
      { path: 'workdays[0]', message: '2026-10-01 is also in holidays' },
    ]);
  });

  it('rejects two keys defining the same day', () => {
    expect(problems({ hours: { 'mon-fri': '09:00-18:00', mon: '10:00-18:00' } })).toEqual([
      { path: 'hours.mon', message: 'mon is already set by "mon-fri"' },
    ]);
    expect(problems({ hours: { daily: '09:00-18:00', sun: 'closed' } })).toEqual([
      { path: 'hours.sun', message: 'sun is already set by "daily"' },
    ]);
  });

  it('rejects overlapping windows on one day', () => {
    expect(problems({ hours: { mon: ['13:00-18:00', '09:00-13:30'] } })).toEqual([
      { path: 'hours.mon[0]', message: '"09:00-13:30" and "13:00-18:00" overlap' },
    ]);
    expect(problems({ hours: { mon: ['22:00-02:00', '23:00-23:30'] } })).toEqual([
      { path: 'hours.mon[1]', message: '"22:00-02:00" and "23:00-23:30" overlap' },
    ]);
  });

  it('rejects times that are not times of day, empty windows and a start of 24:00', () => {
    expect(
      problems({ hours: { mon: '09:00-25:00', tue: '09:60-10:00', wed: '09:00-09:00', thu: '24:00-02:00' } }),
    ).toEqual([
      { path: 'hours.mon', message: '"09:00-25:00": 25:00 is not a time of day' },
      { path: 'hours.tue', message: '"09:60-10:00": 09:60 is not a time of day' },
      { path: 'hours.wed', message: '"09:00-09:00" is empty; for the whole day write 00:00-24:00' },
      { path: 'hours.thu', message: '"24:00-02:00" cannot start at 24:00; write 00:00-02:00' },
    ]);
  });

  it('rejects closed mixed with hours, and values that are not text', () => {
    expect(problems({ hours: { mon: ['09:00-12:00', 'closed'], tue: 9, wed: null } })).toEqual([
      { path: 'hours.mon[1]', message: '"closed" cannot be mixed with opening hours' },
      { path: 'hours.tue', message: 'expected "HH:MM-HH:MM", a list of them, or "closed"; got number 9' },
      { path: 'hours.wed', message: 'expected "HH:MM-HH:MM", a list of them, or "closed"; got nothing' },
    ]);
  });

  it('rejects a schedule without hours, unknown keys, and holidays that are not a list', () => {
    expect(problems({ holiday: ['2026-10-01'], holidays: '2026-10-01' })).toEqual([
      { path: 'holiday', message: 'unknown key "holiday"; expected timezone, hours, holidays, workdays' },
      { path: 'hours', message: 'hours must be a mapping of days to times, e.g. mon-fri: 09:00-18:00' },
      { path: 'holidays', message: 'holidays must be a list of dates such as 2026-10-01' },
    ]);
    expect(problems('09:00-18:00')).toEqual([
      {
        path: '',
        message: 'a schedule must be a mapping with hours (and optionally timezone, holidays, workdays)',
      },
    ]);
  });

  it('reports every problem at once', () => {
    const found = problems({
      timezone: 'Mars/Olympus',
      hours: { monday: '9-5', 'tue-fri': '9:00-18:00' },
      workdays: ['2026-13-01'],
    });
    expect(found.map((p) => p.path)).toEqual(['timezone', 'hours.monday', 'hours.tue-fri', 'workdays[0]']);
  });
});

describe('parseTimeWindow and parseDays', () => {
  it('parses a window into minutes, tolerating spaces around the dash', () => {
    expect(parseTimeWindow('12:00 - 13:30')).toEqual({ window: { start: 720, end: 810 } });
    expect(parseTimeWindow('22:00-02:00')).toEqual({ window: { start: 1320, end: 120 } });
  });

  it('parses day keys, ranges, wrapping ranges and comma lists', () => {
    expect(parseDays('mon-fri')).toEqual({ days: [1, 2, 3, 4, 5] });
    expect(parseDays('sat-sun')).toEqual({ days: [0, 6] });
    expect(parseDays('fri-mon')).toEqual({ days: [0, 1, 5, 6] });
    expect(parseDays('mon, wed,fri')).toEqual({ days: [1, 3, 5] });
    expect(parseDays('daily')).toEqual({ days: [0, 1, 2, 3, 4, 5, 6] });
    expect(parseDays('mon-friday')).toMatchObject({
      problem: expect.stringMatching(/^unknown day "friday"/),
    });
  });
});

describe('inWindow', () => {
  it('tells whether it is the lunch break in Shanghai', () => {
    expect(inWindow(at('2026-11-26T04:30:00Z'), 'Asia/Shanghai', '12:00-13:30')).toBe(true);
    expect(inWindow(at('2026-11-26T05:30:00Z'), 'Asia/Shanghai', '12:00-13:30')).toBe(false);
  });

  it('only counts the given weekdays', () => {
    const weekdays = new Set([1, 2, 3, 4, 5]);
    expect(inWindow(at('2026-11-26T04:30:00Z'), 'Asia/Shanghai', '12:00-13:30', weekdays)).toBe(true); // Thu
    expect(inWindow(at('2026-11-28T04:30:00Z'), 'Asia/Shanghai', '12:00-13:30', weekdays)).toBe(false); // Sat
  });

  it('counts the morning part of a midnight-crossing window under the day it started', () => {
    const window = parseTimeWindow('22:00-02:00');
    if (!('window' in window)) throw new Error(window.problem);
    const fridays = new Set([5]);
    expect(inWindow(at('2026-11-27T17:00:00Z'), 'Asia/Shanghai', window.window, fridays)).toBe(true); // Sat 01:00
    expect(inWindow(at('2026-11-26T17:00:00Z'), 'Asia/Shanghai', window.window, fridays)).toBe(false); // Fri 01:00
    expect(inWindow(at('2026-11-27T14:30:00Z'), 'Asia/Shanghai', window.window, fridays)).toBe(true); // Fri 22:30
  });

  it('throws for a malformed window string', () => {
    expect(() => inWindow(0, 'Asia/Shanghai', '12-13')).toThrow('"12-13" is not HH:MM-HH:MM');
  });
});
