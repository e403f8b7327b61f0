/**
 * The Redis migration to hourly counts (activity-log.ts). Each day of the old per-UTC-day keys
 * moves, in one transaction per day, into the hour keys the store reads now:
 * - its rule outcomes and unmatched messages, which are only counts, go to the day's 12:00 UTC
 *   (LEGACY_DAY_HOUR_MS), as the SQLite migration files them;
 * - its session ends, kept one record each with their time, go to their own hour, and the hour's
 *   "ended" counts are counted from them (so they land on the right day in every timezone).
 * WATCH makes a day's move all or nothing against anything writing the day meanwhile: a day
 * changed under the move is read again. A migration interrupted half-way resumes with the days
 * not yet moved, because each day's keys are deleted in the transaction that moves them. The
 * hourly purge runs it again (redis-activity.ts), for what replicas still on the old version
 * wrote during a rolling upgrade.
 */
import type { Redis } from 'ioredis';
import { hourOf } from './activity-days.ts';
import { LEGACY_DAY_HOUR_MS } from './activity-log.ts';
import { hourName, type RedisKeys } from './redis-keys.ts';

export async function migrateActivityToHours(redis: Redis, keys: RedisKeys): Promise<void> {
  for (const day of await redis.zrange(keys.legacyActivityDays(), 0, -1)) {
    for (;;) {
      const counts = keys.legacyDayCounts(day);
      const ends = keys.legacySessionEnds(day);
      await redis.watch(counts, ends);
      const [hash, list] = await Promise.all([redis.hgetall(counts), redis.lrange(ends, 0, -1)]);
      const tx = redis.multi();
      const noon = Date.parse(`${day}T00:00:00Z`) + LEGACY_DAY_HOUR_MS;
      const add = (at: number) => tx.zadd(keys.activityHours(), hourOf(at), hourName(at));
      let endsCounted = false;
      for (const entry of list) {
        const end = parseEnd(entry);
        if (!end) continue;
        tx.rpush(keys.hourSessionEnds(hourName(end.at)), entry);
        tx.hincrby(keys.hourCounts(hourName(end.at)), JSON.stringify(['ended', end.openKfId, end.how]), 1);
        add(end.at);
        endsCounted = true;
      }
      for (const [field, value] of Object.entries(hash)) {
        // "ended" counts come from the records above; without records (none readable) the counts go to noon.
        if (endsCounted && field.startsWith('["ended"')) continue;
        tx.hincrby(keys.hourCounts(hourName(noon)), field, Number(value));
        add(noon);
      }
      tx.del(counts, ends).zrem(keys.legacyActivityDays(), day);
      if ((await tx.exec()) !== null) break; // null: the day changed while it was read; read it again
    }
  }
}

function parseEnd(entry: string): { at: number; openKfId: string; how: string } | undefined {
  try {
    const e = JSON.parse(entry) as { at?: unknown; openKfId?: unknown; how?: unknown };
    if (typeof e.at === 'number' && typeof e.openKfId === 'string' && typeof e.how === 'string')
      return { at: e.at, openKfId: e.openKfId, how: e.how };
  } catch {}
  return undefined;
}
