/**
 * Stores from before hourly activity counts (SQLite schema 11, Redis schema 8) kept one count per
 * UTC day. Upgrading moves every count to an hour, nothing lost: a day's counts to its 12:00 UTC
 * (the same date in every zone from UTC−12 to UTC+11), Redis's session ends to their own hour.
 */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { describe, expect, it } from 'vitest';
import { daysQuery } from '../../src/store/activity-days.ts';
import type { ActivityLog } from '../../src/store/activity-log.ts';
import { RedisKeys } from '../../src/store/redis-keys.ts';
import { migrateRedis, REDIS_SCHEMA_VERSION } from '../../src/store/redis-migrations.ts';
import { RedisStore, redisClient } from '../../src/store/redis-store.ts';
import { SQLITE_MIGRATIONS } from '../../src/store/sqlite-migrations.ts';
import { SqliteStore } from '../../src/store/sqlite-store.ts';
import { REDIS_URL } from './redis-url.ts';

/** What every old day held, read back per day, summed over rules and accounts. */
async function perDay(a: ActivityLog, timezone: string) {
  const q = daysQuery(timezone, '2026-11-01', '2026-11-30');
  const out: Record<string, { hits: number; misses: number; unmatched: number; ends: number }> = {};
  const row = (day: string) => {
    out[day] ??= { hits: 0, misses: 0, unmatched: 0, ends: 0 };
    return out[day];
  };
  for (const r of await a.listRuleOutcomes(q)) {
    row(r.day).hits += r.hits;
    row(r.day).misses += r.misses;
  }
  for (const r of await a.listUnmatched(q)) row(r.day).unmatched += r.messages;
  for (const r of await a.countSessionEnds(q)) row(r.day).ends += r.count;
  return out;
}

describe('a SQLite store with activity counted per UTC day (schema 11)', () => {
  it('keeps every count, each old day on its own date in Beijing time and in New York time', async () => {
    const file = join(mkdtempSync(join(tmpdir(), 'kfbot-hourly-')), 'kfbot.db');
    const db = new Database(file);
    for (const m of SQLITE_MIGRATIONS.slice(0, 11)) m.up(db);
    db.pragma('user_version = 11');
    const outcome = db.prepare(
      'INSERT INTO rule_outcomes (day, open_kfid, rule, hits, misses) VALUES (?, ?, ?, ?, ?)',
    );
    outcome.run('2026-11-20', 'wkA', '退款', 7, 1);
    outcome.run('2026-11-20', 'wkB', '退款', 2, 0);
    outcome.run('2026-11-21', 'wkA', '欢迎语', 3, 0);
    db.prepare('INSERT INTO unmatched_messages (day, open_kfid, messages) VALUES (?, ?, ?)').run(
      '2026-11-21',
      'wkA',
      4,
    );
    // Session ends were always kept one row each with their time: 23:00 UTC is the next day in Beijing.
    db.prepare('INSERT INTO session_ends (open_kfid, external_userid, at, how) VALUES (?, ?, ?, ?)').run(
      'wkA',
      'wm1',
      Date.parse('2026-11-20T23:00:00Z'),
      'bot',
    );
    db.close();

    const store = new SqliteStore(file);
    try {
      const expected = {
        '2026-11-20': { hits: 9, misses: 1, unmatched: 0, ends: 0 },
        '2026-11-21': { hits: 3, misses: 0, unmatched: 4, ends: 1 },
      };
      expect(await perDay(store.activity, 'Asia/Shanghai')).toEqual(expected);
      expect(await perDay(store.activity, 'America/New_York')).toEqual({
        '2026-11-20': { ...expected['2026-11-20'], ends: 1 },
        '2026-11-21': { ...expected['2026-11-21'], ends: 0 },
      });
      // New counts add to the migrated hours.
      await store.activity.recordRuleOutcomes({
        openKfId: 'wkA',
        at: Date.parse('2026-11-20T12:10:00Z'),
        hits: ['退款'],
      });
      const rows = await store.activity.listRuleOutcomes(daysQuery('UTC', '2026-11-20', '2026-11-20', 'wkA'));
      expect(rows).toEqual([{ day: '2026-11-20', openKfId: 'wkA', rule: '退款', hits: 8, misses: 1 }]);
    } finally {
      await store.close();
    }
  });
});

describe('a Redis keyspace with activity counted per UTC day (schema 8)', () => {
  it('moves every count to hours, session ends to their own hour, and deletes the day keys', async () => {
    const redis = redisClient(REDIS_URL);
    await redis.connect();
    const keys = new RedisKeys(`kfbot-hourly-${process.pid}:`);
    try {
      await redis.set(keys.schemaVersion(), '8');
      const day = (d: string, fields: Record<string, number>, ends: object[]) => {
        const tx = redis.multi();
        for (const [f, n] of Object.entries(fields)) tx.hset(keys.legacyDayCounts(d), f, n);
        for (const e of ends) tx.rpush(keys.legacySessionEnds(d), JSON.stringify(e));
        return tx.zadd(keys.legacyActivityDays(), Date.parse(`${d}T00:00:00Z`), d).exec();
      };
      const late = {
        openKfId: 'wkA',
        externalUserId: 'wm1',
        at: Date.parse('2026-11-20T23:00:00Z'),
        how: 'bot',
      };
      await day(
        '2026-11-20',
        {
          [JSON.stringify(['hits', 'wkA', '退款'])]: 7,
          [JSON.stringify(['misses', 'wkA', '退款'])]: 1,
          [JSON.stringify(['hits', 'wkB', '退款'])]: 2,
          [JSON.stringify(['ended', 'wkA', 'bot'])]: 1,
        },
        [late],
      );
      await day(
        '2026-11-21',
        { [JSON.stringify(['hits', 'wkA', '欢迎语'])]: 3, [JSON.stringify(['unmatched', 'wkA'])]: 4 },
        [],
      );

      expect(await migrateRedis({ redis, keys }, 'redis-test')).toEqual({
        from: 8,
        to: REDIS_SCHEMA_VERSION,
      });
      const store = new RedisStore(redis, keys);
      const expected = {
        '2026-11-20': { hits: 9, misses: 1, unmatched: 0, ends: 0 },
        '2026-11-21': { hits: 3, misses: 0, unmatched: 4, ends: 1 },
      };
      expect(await perDay(store.activity, 'Asia/Shanghai')).toEqual(expected);
      expect(await perDay(store.activity, 'America/New_York')).toEqual({
        '2026-11-20': { ...expected['2026-11-20'], ends: 1 },
        '2026-11-21': { ...expected['2026-11-21'], ends: 0 },
      });
      // The old keys are gone; the session end is in its hour's list, where kfbot forget finds it.
      expect(
        await redis.exists(
          keys.legacyActivityDays(),
          keys.legacyDayCounts('2026-11-20'),
          keys.legacySessionEnds('2026-11-20'),
        ),
      ).toBe(0);
      expect(await redis.lrange(keys.hourSessionEnds('2026-11-20T23'), 0, -1)).toEqual([
        JSON.stringify(late),
      ]);
      const report = await store.forgetCustomer('wm1');
      expect(report.anonymisedSessionEnds).toBe(1);

      // A replica still on the old version (a rolling upgrade) writes a day key again: the hourly
      // purge moves it too.
      await day('2026-11-21', { [JSON.stringify(['unmatched', 'wkA'])]: 2 }, []);
      await store.activity.purgeActivity(Date.parse('2026-01-01T00:00:00Z'));
      expect((await perDay(store.activity, 'Asia/Shanghai'))['2026-11-21']?.unmatched).toBe(6);
      expect(await redis.exists(keys.legacyActivityDays())).toBe(0);
    } finally {
      const left = await redis.keys(`${keys.prefix}*`);
      if (left.length) await redis.del(...left);
      await redis.quit();
    }
  });
});
