/**
 * Stores of SQLite schema 13 kept one row per UTC hour of rule outcomes and unmatched messages.
 * Upgrading puts each UTC day's hours in one row (schema 14), nothing lost: every local day of any
 * timezone reads as it read from the hourly rows.
 */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { describe, expect, it } from 'vitest';
import { activityDay, daysQuery } from '../../src/store/activity-days.ts';
import { SQLITE_MIGRATIONS } from '../../src/store/sqlite-migrations.ts';
import { SqliteStore } from '../../src/store/sqlite-store.ts';

const HOUR = 3_600_000;
const T0 = Date.parse('2026-03-06T00:00:00Z');

/** Hourly rows as schema 13 kept them: every 5th hour over five days (New York springs forward on 03-08). */
const hourly = Array.from({ length: 24 }, (_, i) => ({
  hour: T0 + i * 5 * HOUR,
  openKfId: i % 3 === 0 ? 'wkB' : 'wkA',
  rule: i % 2 === 0 ? '退款' : 'main → 欢迎语',
  hits: 1 + (i % 4),
  misses: i % 5 === 0 ? 1 : 0,
  unmatched: i % 2 === 1 ? 2 : 0,
}));

/** What the hourly rows give per local day, account and rule: each hour on the date it begins in. */
function expected(timezone: string) {
  const rules = new Map<
    string,
    { day: string; openKfId: string; rule: string; hits: number; misses: number }
  >();
  const unmatched = new Map<string, { day: string; openKfId: string; messages: number }>();
  for (const r of hourly) {
    const day = activityDay(r.hour, timezone);
    const k = JSON.stringify([day, r.openKfId, r.rule]);
    const row = rules.get(k) ?? { day, openKfId: r.openKfId, rule: r.rule, hits: 0, misses: 0 };
    row.hits += r.hits;
    row.misses += r.misses;
    rules.set(k, row);
    if (r.unmatched) {
      const u = JSON.stringify([day, r.openKfId]);
      const urow = unmatched.get(u) ?? { day, openKfId: r.openKfId, messages: 0 };
      urow.messages += r.unmatched;
      unmatched.set(u, urow);
    }
  }
  const sorted = <T>(m: Map<string, T>) => [...m].sort(([a], [b]) => (a < b ? -1 : 1)).map(([, v]) => v);
  return { rules: sorted(rules), unmatched: sorted(unmatched) };
}

describe('a SQLite store with activity counted one row per UTC hour (schema 13)', () => {
  it('reads every local day as before in Beijing, New York and Kolkata time, and adds new counts to the moved ones', async () => {
    const file = join(mkdtempSync(join(tmpdir(), 'kfbot-daily-')), 'kfbot.db');
    const db = new Database(file);
    for (const m of SQLITE_MIGRATIONS.slice(0, 13)) m.up(db);
    db.pragma('user_version = 13');
    const outcome = db.prepare(
      'INSERT INTO rule_outcomes (hour, open_kfid, rule, hits, misses) VALUES (?, ?, ?, ?, ?)',
    );
    const unmatched = db.prepare(
      'INSERT INTO unmatched_messages (hour, open_kfid, messages) VALUES (?, ?, ?)',
    );
    for (const r of hourly) {
      outcome.run(r.hour, r.openKfId, r.rule, r.hits, r.misses);
      if (r.unmatched) unmatched.run(r.hour, r.openKfId, r.unmatched);
    }
    db.close();

    const store = new SqliteStore(file);
    try {
      for (const timezone of ['Asia/Shanghai', 'America/New_York', 'Asia/Kolkata', 'UTC']) {
        const q = daysQuery(timezone, '2026-03-05', '2026-03-12');
        const want = expected(timezone);
        expect(await store.activity.listRuleOutcomes(q)).toEqual(want.rules);
        expect(await store.activity.listUnmatched(q)).toEqual(want.unmatched);
      }
      // 2026-03-06T15:01Z is 23:01 in Beijing: a new hit adds to the day the moved 00:00Z hour is on.
      await store.activity.recordRuleOutcomes({
        openKfId: 'wkB',
        at: T0 + 15 * HOUR + 60_000,
        hits: ['退款'],
      });
      const day = await store.activity.listRuleOutcomes(
        daysQuery('Asia/Shanghai', '2026-03-06', '2026-03-06', 'wkB'),
      );
      expect(day.find((r) => r.rule === '退款')).toEqual({
        day: '2026-03-06',
        openKfId: 'wkB',
        rule: '退款',
        hits: 2,
        misses: 1,
      });
    } finally {
      await store.close();
    }
  });
});
