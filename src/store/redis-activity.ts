/**
 * The activity log (activity-log.ts) in Redis. Counts live in one hash per UTC day (rule outcomes,
 * unmatched messages, session ends by how), session ends themselves in a list per day, and the
 * days with anything in a sorted set, for reading a range of days and purging them. Scores are one
 * hash of every session's score plus a sorted set of them by time. Fields naming several things
 * are JSON arrays, so no rule name or id can be mistaken for a separator. Key names: redis-keys.ts.
 */
import type { Redis } from 'ioredis';
import {
  type ActivityLog,
  type ActivityQuery,
  dayStart,
  isSessionEndHow,
  type RuleOutcomeCount,
  type RuleOutcomes,
  type SatisfactionScore,
  type SessionEnd,
  type SessionEndCount,
  type UnmatchedCount,
  utcDay,
} from './activity-log.ts';
import type { RedisKeys } from './redis-keys.ts';

// KEYS[1] scores, KEYS[2] scores by time; ARGV: field, value, at. A later click of the session
// replaces the score; an older one (a replay) does not.
const RECORD_SCORE = `
local prior = redis.call('ZSCORE', KEYS[2], ARGV[1])
if prior and tonumber(prior) > tonumber(ARGV[3]) then return 0 end
redis.call('HSET', KEYS[1], ARGV[1], ARGV[2])
redis.call('ZADD', KEYS[2], ARGV[3], ARGV[1])
return 1`;

// KEYS[1] days, KEYS[2] scores, KEYS[3] scores by time; ARGV[1] the first day kept (its start, ms),
// ARGV[2] the score cutoff (ms), ARGV[3..] the prefixes of a day's keys. One script, so nothing
// recorded meanwhile is lost between reading what is old and deleting it. (Day keys are built
// from the prefixes here: fine on one Redis, which is what kfbot supports.)
const PURGE = `
local days = redis.call('ZRANGEBYSCORE', KEYS[1], '-inf', '(' .. ARGV[1])
for _, day in ipairs(days) do
  for i = 3, #ARGV do redis.call('DEL', ARGV[i] .. day) end
  redis.call('ZREM', KEYS[1], day)
end
local scores = redis.call('ZRANGEBYSCORE', KEYS[3], '-inf', '(' .. ARGV[2])
for _, field in ipairs(scores) do
  redis.call('HDEL', KEYS[2], field)
  redis.call('ZREM', KEYS[3], field)
end
return { #days, #scores }`;

/** One read of the day hashes, split by what they count. */
interface DayCounts {
  outcomes: RuleOutcomeCount[];
  unmatched: UnmatchedCount[];
  ends: SessionEndCount[];
}

/** Redis sorts nothing for us here; SQLite's order is UTF-8 byte order, and so is this. */
const byBytes = (a: string, b: string) => Buffer.compare(Buffer.from(a), Buffer.from(b));

export class RedisActivity implements ActivityLog {
  readonly #redis: Redis;
  readonly #keys: RedisKeys;

  constructor(redis: Redis, keys: RedisKeys) {
    this.#redis = redis;
    this.#keys = keys;
  }

  async recordRuleOutcomes(o: RuleOutcomes): Promise<void> {
    const day = utcDay(o.at);
    const counts = this.#keys.dayCounts(day);
    const tx = this.#redis.multi();
    for (const rule of o.hits ?? []) tx.hincrby(counts, JSON.stringify(['hits', o.openKfId, rule]), 1);
    for (const rule of o.misses ?? []) tx.hincrby(counts, JSON.stringify(['misses', o.openKfId, rule]), 1);
    if (o.unmatched) tx.hincrby(counts, JSON.stringify(['unmatched', o.openKfId]), 1);
    tx.zadd(this.#keys.activityDays(), dayStart(day), day);
    await tx.exec();
  }

  async recordScore(s: SatisfactionScore): Promise<void> {
    const field = JSON.stringify([s.openKfId, s.externalUserId, s.sessionStartedAt]);
    const value = JSON.stringify({ score: s.score, clickId: s.clickId, at: s.at });
    await this.#redis.eval(
      RECORD_SCORE,
      2,
      this.#keys.scores(),
      this.#keys.scoresByTime(),
      field,
      value,
      String(s.at),
    );
  }

  async recordSessionEnd(e: SessionEnd): Promise<void> {
    const day = utcDay(e.at);
    await this.#redis
      .multi()
      .rpush(this.#keys.sessionEnds(day), JSON.stringify(e))
      .hincrby(this.#keys.dayCounts(day), JSON.stringify(['ended', e.openKfId, e.how]), 1)
      .zadd(this.#keys.activityDays(), dayStart(day), day)
      .exec();
  }

  /** Reads of the day hashes under way, by query: concurrent readers share one (see #read). */
  readonly #reading = new Map<string, Promise<DayCounts>>();

  /**
   * Every day's counts from `fromDay` on, of one account or all, split by measure. The overview
   * asks for rule outcomes, unmatched messages and session ends at once, and each lives in the
   * same day hashes: callers asking for the same query while a read is under way share it, so the
   * hashes are fetched (one pipeline) and parsed once rather than three times. Nothing is kept
   * after the read settles: the next request reads afresh.
   */
  #read(q: ActivityQuery): Promise<DayCounts> {
    const key = JSON.stringify([q.fromDay, q.openKfId ?? null]);
    const pending = this.#reading.get(key);
    if (pending) return pending;
    const read = this.#fetch(q).finally(() => this.#reading.delete(key));
    this.#reading.set(key, read);
    return read;
  }

  async #fetch(q: ActivityQuery): Promise<DayCounts> {
    const out: DayCounts = { outcomes: [], unmatched: [], ends: [] };
    const days = await this.#redis.zrangebyscore(this.#keys.activityDays(), dayStart(q.fromDay), '+inf');
    if (days.length === 0) return out;
    const pipeline = this.#redis.pipeline();
    for (const day of days) pipeline.hgetall(this.#keys.dayCounts(day));
    // A field names its account as the array's second string: a field that cannot be the asked
    // account's is skipped before it is parsed (one account of twenty parses a twentieth).
    const account = q.openKfId === undefined ? undefined : `,${JSON.stringify(q.openKfId)}`;
    const rules = new Map<string, RuleOutcomeCount>();
    for (const [i, [err, hash]] of ((await pipeline.exec()) ?? []).entries()) {
      if (err) throw err;
      const day = days[i] as string;
      for (const [field, value] of Object.entries(hash as Record<string, string>)) {
        if (account !== undefined && !field.includes(account)) continue;
        const parsed: unknown = JSON.parse(field);
        if (!Array.isArray(parsed)) continue;
        const [measure, openKfId, third] = parsed as unknown[];
        if (typeof openKfId !== 'string' || (q.openKfId !== undefined && openKfId !== q.openKfId)) continue;
        const count = Number(value);
        if ((measure === 'hits' || measure === 'misses') && typeof third === 'string') {
          const key = JSON.stringify([day, openKfId, third]);
          const row = rules.get(key) ?? { day, openKfId, rule: third, hits: 0, misses: 0 };
          row[measure] = count;
          rules.set(key, row);
        } else if (measure === 'unmatched') out.unmatched.push({ day, openKfId, messages: count });
        else if (measure === 'ended' && isSessionEndHow(third))
          out.ends.push({ day, openKfId, how: third, count });
      }
    }
    out.outcomes = [...rules.values()].sort(
      (a, b) => byBytes(a.day, b.day) || byBytes(a.openKfId, b.openKfId) || byBytes(a.rule, b.rule),
    );
    out.unmatched.sort((a, b) => byBytes(a.day, b.day) || byBytes(a.openKfId, b.openKfId));
    out.ends.sort(
      (a, b) => byBytes(a.day, b.day) || byBytes(a.openKfId, b.openKfId) || byBytes(a.how, b.how),
    );
    return out;
  }

  // Each caller gets its own array (a sharer may sort or filter what it was given).
  async listRuleOutcomes(q: ActivityQuery): Promise<RuleOutcomeCount[]> {
    return (await this.#read(q)).outcomes.map((r) => ({ ...r }));
  }

  async listUnmatched(q: ActivityQuery): Promise<UnmatchedCount[]> {
    return (await this.#read(q)).unmatched.map((r) => ({ ...r }));
  }

  async countSessionEnds(q: ActivityQuery): Promise<SessionEndCount[]> {
    return (await this.#read(q)).ends.map((r) => ({ ...r }));
  }

  async listScores(q: ActivityQuery): Promise<SatisfactionScore[]> {
    const fields = await this.#redis.zrangebyscore(this.#keys.scoresByTime(), dayStart(q.fromDay), '+inf');
    if (fields.length === 0) return [];
    const values = await this.#redis.hmget(this.#keys.scores(), ...fields);
    const out: SatisfactionScore[] = [];
    fields.forEach((field, i) => {
      const [openKfId, externalUserId, sessionStartedAt] = JSON.parse(field) as [string, string, number];
      const raw = values[i];
      if (!raw || (q.openKfId !== undefined && openKfId !== q.openKfId)) return;
      const { score, clickId, at } = JSON.parse(raw) as { score: number; clickId: string; at: number };
      out.push({ openKfId, externalUserId, sessionStartedAt, score, clickId, at });
    });
    return out.sort(
      (a, b) => a.at - b.at || byBytes(a.openKfId, b.openKfId) || byBytes(a.externalUserId, b.externalUserId),
    );
  }

  async purgeActivity(before: number): Promise<{ days: number; scores: number }> {
    const [days, scores] = (await this.#redis.eval(
      PURGE,
      3,
      this.#keys.activityDays(),
      this.#keys.scores(),
      this.#keys.scoresByTime(),
      String(dayStart(utcDay(before))),
      String(before),
      this.#keys.dayCounts(''),
      this.#keys.sessionEnds(''),
    )) as [number, number];
    return { days, scores };
  }
}
