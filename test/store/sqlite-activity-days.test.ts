/**
 * SQLite keeps a UTC day's 24 hourly counts in one row (migration 14): what reaches into the middle
 * of such a row — a purge cutoff, a day of a zone that begins mid-row — takes only its hours.
 */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { daysQuery } from '../../src/store/activity-days.ts';
import { SqliteStore } from '../../src/store/sqlite-store.ts';

const HOUR = 3_600_000;
const DAY0 = Date.parse('2026-11-20T00:00:00Z');

let store: SqliteStore;
afterEach(() => store?.close());

describe('SQLite activity rows of one UTC day', () => {
  it('purges the hours before the cutoff out of the cutoff day’s row and keeps its later hours', async () => {
    store = new SqliteStore(join(mkdtempSync(join(tmpdir(), 'kfbot-days-')), 'kfbot.db'));
    const a = store.activity;
    for (const h of [2, 5, 9, 14])
      await a.recordRuleOutcomes({
        openKfId: 'wkA',
        at: DAY0 + h * HOUR + 60_000,
        hits: ['r'],
        unmatched: h === 5,
      });
    // Hours 2 and 5 go (and 5's unmatched message); 9 and 14 stay, in the same UTC day.
    expect(await a.purgeActivity(DAY0 + 9 * HOUR + 1000)).toEqual({ hours: 2, scores: 0 });
    const utc = daysQuery('UTC', '2026-11-20', '2026-11-20');
    expect(await a.listRuleOutcomes(utc)).toEqual([
      { day: '2026-11-20', openKfId: 'wkA', rule: 'r', hits: 2, misses: 0 },
    ]);
    expect(await a.listUnmatched(utc)).toEqual([]);
    // Beijing's 11-20 ends at 16:00Z: both kept hours are in it.
    expect(
      (await a.listRuleOutcomes(daysQuery('Asia/Shanghai', '2026-11-20'))).map((r) => [r.day, r.hits]),
    ).toEqual([['2026-11-20', 2]]);
    // New York's 11-20 begins at 05:00Z, so 09:00 and 14:00 UTC are on it; 11-19 holds nothing left.
    expect(
      (await a.listRuleOutcomes(daysQuery('America/New_York', '2026-11-19', '2026-11-20'))).map((r) => [
        r.day,
        r.hits,
      ]),
    ).toEqual([['2026-11-20', 2]]);
  });

  it('splits one UTC day between two New York dates', async () => {
    store = new SqliteStore(join(mkdtempSync(join(tmpdir(), 'kfbot-days-')), 'kfbot.db'));
    const a = store.activity;
    // 03:00Z is 22:00 on 11-19 in New York (UTC−5); 05:00Z is midnight of 11-20.
    for (const h of [3, 4, 5, 23])
      await a.recordRuleOutcomes({ openKfId: 'wkA', at: DAY0 + h * HOUR, hits: ['r'] });
    expect(
      (await a.listRuleOutcomes(daysQuery('America/New_York', '2026-11-19', '2026-11-20'))).map((r) => [
        r.day,
        r.hits,
      ]),
    ).toEqual([
      ['2026-11-19', 2],
      ['2026-11-20', 2],
    ]);
    // Asked from 11-20 only: the row's first hours are left out.
    expect(
      (await a.listRuleOutcomes(daysQuery('America/New_York', '2026-11-20'))).map((r) => [r.day, r.hits]),
    ).toEqual([['2026-11-20', 2]]);
  });
});
