/**
 * Erasing one customer in the Redis store (forget-customer.ts says what and why). Message and send
 * records are keyed by msgid, so they are found by scanning those keys (they last 3 days); the
 * rest is found through kfbot's indexes. Not one transaction (a scan cannot be), but every step
 * can be run again: a forget that was cut off is finished by running it again.
 */
import { randomBytes } from 'node:crypto';
import type { Redis } from 'ioredis';
import { anonymousId, type ForgetReport } from './forget-customer.ts';
import type { RedisKeys } from './redis-keys.ts';
import type { RedisSessions } from './redis-sessions.ts';

const glob = (s: string) => s.replace(/[*?[\]\\]/g, (c) => `\\${c}`);

async function scanKeys(redis: Redis, pattern: string): Promise<string[]> {
  const out: string[] = [];
  let cursor = '0';
  do {
    const [next, keys] = await redis.scan(cursor, 'MATCH', pattern, 'COUNT', 1000);
    cursor = next;
    out.push(...keys);
  } while (cursor !== '0');
  return out;
}

/** Deletes the JSON records under `pattern` whose externalUserId is the customer's. */
async function dropRecords(redis: Redis, pattern: string, externalUserId: string): Promise<number> {
  let n = 0;
  for (const key of await scanKeys(redis, pattern)) {
    const value = await redis.get(key);
    if (!value?.includes(externalUserId)) continue;
    try {
      if ((JSON.parse(value) as { externalUserId?: string }).externalUserId !== externalUserId) continue;
    } catch {
      continue;
    }
    n += await redis.del(key);
  }
  return n;
}

export async function forgetInRedis(
  redis: Redis,
  keys: RedisKeys,
  sessions: RedisSessions,
  externalUserId: string,
): Promise<ForgetReport> {
  // Their texts, from their sessions, before the sessions go: the unanswered groups they gave the example of.
  const texts = new Set<string>();
  for (const s of await sessions.sessionsOf(externalUserId))
    for (const e of await sessions.sessionEntries(s[0], s[1], s[2]))
      if (e.from === 'customer') texts.add(e.text);
  let unanswered = 0;
  const groups = await redis.zrange(keys.unansweredIndex(), 0, -1);
  for (const member of groups) {
    const example = await redis.hget(keys.unansweredGroup(member), 'example');
    if (example === null || !texts.has(example)) continue;
    await redis.multi().del(keys.unansweredGroup(member)).zrem(keys.unansweredIndex(), member).exec();
    unanswered++;
  }

  const conversationKeys = await scanKeys(redis, keys.conversation('*', glob(externalUserId)));
  const mine = conversationKeys.filter((k) => k.endsWith(`:${externalUserId}`));
  const conversations = mine.length ? await redis.del(...mine) : 0;
  let idleTimers = 0;
  for (const member of await redis.zrange(keys.idleDue(), 0, -1))
    if (member.endsWith(`\t${externalUserId}`)) idleTimers += await redis.zrem(keys.idleDue(), member);

  const messages = await dropRecords(redis, keys.message('*'), externalUserId);
  const sends = await dropRecords(redis, keys.send('*'), externalUserId);
  const sessionCount = await sessions.forgetSessions(externalUserId);

  let keptAside = 0;
  for (const entry of await redis.lrange(keys.keptAside(), 0, -1))
    if (entry.includes(externalUserId)) keptAside += await redis.lrem(keys.keptAside(), 0, entry);

  const anonymous = anonymousId(() => randomBytes(8).toString('hex'));
  let anonymisedScores = 0;
  const scoreFields = await redis.hkeys(keys.scores());
  for (const field of scoreFields) {
    const [kf, user, started] = JSON.parse(field) as [string, string, number];
    if (user !== externalUserId) continue;
    const value = await redis.hget(keys.scores(), field);
    const at = await redis.zscore(keys.scoresByTime(), field);
    const renamed = JSON.stringify([kf, anonymous, started]);
    const tx = redis.multi().hdel(keys.scores(), field).zrem(keys.scoresByTime(), field);
    if (value !== null) tx.hset(keys.scores(), renamed, value);
    if (at !== null) tx.zadd(keys.scoresByTime(), at, renamed);
    await tx.exec();
    anonymisedScores++;
  }
  let anonymisedSessionEnds = 0;
  // Every hour's list read in one pipeline (90 days are ~2,000 hours), rewritten only where they appear.
  const hours = await redis.zrange(keys.activityHours(), 0, -1);
  const read = redis.pipeline();
  for (const hour of hours) read.lrange(keys.hourSessionEnds(hour), 0, -1);
  const lists = (await read.exec()) ?? [];
  for (const [i, hour] of hours.entries()) {
    const [err, value] = lists[i] ?? [];
    if (err) throw err;
    const theirs: [number, object][] = [];
    (value as string[]).forEach((entry, j) => {
      const end = JSON.parse(entry) as { externalUserId?: string };
      if (end.externalUserId === externalUserId) theirs.push([j, { ...end, externalUserId: anonymous }]);
    });
    if (theirs.length === 0) continue;
    const tx = redis.multi();
    for (const [j, end] of theirs) tx.lset(keys.hourSessionEnds(hour), j, JSON.stringify(end));
    await tx.exec();
    anonymisedSessionEnds += theirs.length;
  }
  return {
    conversations,
    idleTimers,
    messages,
    sends,
    sessions: sessionCount,
    unanswered,
    keptAside,
    anonymisedScores,
    anonymisedSessionEnds,
  };
}
