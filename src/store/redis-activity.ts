/**
 * The activity log (activity-log.ts) in Redis. Counts live in one hash per UTC hour (rule
 * outcomes, unmatched messages, session ends by how), session ends themselves in a list per hour,
 * and the hours with anything in a sorted set, for reading a range and purging it. Scores are one
 * hash of every session's score plus a sorted set of them by time. Fields naming several things
 * are JSON arrays, so no rule name or id can be mistaken for a separator. Key names: redis-keys.ts.
 */
import type { Redis } from 'ioredis';
import { activityDay, hourOf } from './activity-days.ts';
import {
  type ActivityLog,
  type ActivityQuery,
  isSessionEndHow,
  type PartlyDeliveredCount,
  type RuleOutcomeCount,
  type RuleOutcomes,
  type SatisfactionScore,
  type SessionEnd,
  type SessionEndCount,
  type UnmatchedCount,
} from './activity-log.ts';
import { migrateActivityToHours } from './redis-activity-hourly.ts';
import { hourName, type RedisKeys } from './redis-keys.ts';

// KEYS[1] scores, KEYS[2] scores by time; ARGV: field, value, at. A later click of the session
// replaces the score; an older one (a replay) does not.
const RECORD_SCORE = `
local prior = redis.call('ZSCORE', KEYS[2], ARGV[1])
if prior and tonumber(prior) > tonumber(ARGV[3]) then return 0 end
redis.call('HSET', KEYS[1], ARGV[1], ARGV[2])
redis.call('ZADD', KEYS[2], ARGV[3], ARGV[1])
return 1`;

// KEYS[1] hours, KEYS[2] scores, KEYS[3] scores by time; ARGV[1] the first hour kept (its start,
// ms), ARGV[2] the score cutoff (ms), ARGV[3..] the prefixes of an hour's keys. One script, so
// nothing recorded meanwhile is lost between reading what is old and deleting it. (Hour keys are
// built from the prefixes here: fine on one Redis, which is what kfbot supports.)
const PURGE = `
local hours = redis.call('ZRANGEBYSCORE', KEYS[1], '-inf', '(' .. ARGV[1])
for _, hour in ipairs(hours) do
  for i = 3, #ARGV do redis.call('DEL', ARGV[i] .. hour) end
  redis.call('ZREM', KEYS[1], hour)
end
local scores = redis.call('ZRANGEBYSCORE', KEYS[3], '-inf', '(' .. ARGV[2])
for _, field in ipairs(scores) do
  redis.call('HDEL', KEYS[2], field)
  redis.call('ZREM', KEYS[3], field)
end
return { #hours, #scores }`;

// KEYS: hour hashes; ARGV[1] a text a field must hold ('' for any: one account's fields hold
// its id), ARGV[1 + i] the day KEYS[i] counts on. Returns [day .. "\n" .. field, sum, …]: each
// field's counts summed over the hours of its day, in first-seen order. Integer counts only.
const SUM_DAYS = `
local sums, order, only = {}, {}, ARGV[1]
for i, key in ipairs(KEYS) do
  local day, flat = ARGV[i + 1], redis.call('HGETALL', key)
  for j = 1, #flat, 2 do
    local field = flat[j]
    if only == '' or string.find(field, only, 1, true) then
      local k = day .. '\\n' .. field
      local sum = sums[k]
      if sum == nil then order[#order + 1] = k; sum = 0 end
      sums[k] = sum + tonumber(flat[j + 1])
    end
  end
end
local out = {}
for _, k in ipairs(order) do out[#out + 1] = k; out[#out + 1] = sums[k] end
return out`;

/**
 * Days per SUM_DAYS call: each call holds Redis for what it sums (a few thousand fields, a few
 * milliseconds), and other clients' commands run between the calls of one read.
 */
const DAYS_PER_SCRIPT = 3;

/** One read of the hour hashes, split by what they count, per day of the query's timezone. */
interface DayCounts {
  outcomes: RuleOutcomeCount[];
  partly: PartlyDeliveredCount[];
  unmatched: UnmatchedCount[];
  ends: SessionEndCount[];
}

/**
 * Redis sorts nothing for us here; SQLite's order is UTF-8 byte order, and so is this, without
 * encoding: UTF-16 order is code point order except that surrogates (characters past U+FFFF)
 * sort below U+E000–U+FFFF, so those two ranges trade places before comparing.
 */
export function byBytes(a: string, b: string): number {
  if (a === b) return 0;
  const n = Math.min(a.length, b.length);
  for (let i = 0; i < n; i++) {
    let x = a.charCodeAt(i);
    let y = b.charCodeAt(i);
    if (x === y) continue;
    if (x >= 0xd800) x = x >= 0xe000 ? x - 0x800 : x + 0x2000;
    if (y >= 0xd800) y = y >= 0xe000 ? y - 0x800 : y + 0x2000;
    return x - y;
  }
  return a.length - b.length;
}

/** The hour-hash measures of replies delivered in part, and the count each adds to. */
const PARTLY_MEASURES = { partly: 'messages', partlySent: 'sent', partlyParts: 'parts' } as const;

/** A field of an hour hash, parsed: [measure, open_kfid, rule or how]; undefined if not one. */
type Field = readonly [measure: string, openKfId: string, third: unknown] | undefined;

function parseField(field: string): Field {
  const parsed: unknown = JSON.parse(field);
  if (!Array.isArray(parsed)) return undefined;
  const [measure, openKfId, third] = parsed as unknown[];
  if (typeof measure !== 'string' || typeof openKfId !== 'string') return undefined;
  return [measure, openKfId, third];
}

/** A map's entries sorted by key in byte order. */
const sorted = <V>(m: Map<string, V>): [string, V][] => [...m].sort((a, b) => byBytes(a[0], b[0]));

export class RedisActivity implements ActivityLog {
  readonly #redis: Redis;
  readonly #keys: RedisKeys;

  constructor(redis: Redis, keys: RedisKeys) {
    this.#redis = redis;
    this.#keys = keys;
  }

  async recordRuleOutcomes(o: RuleOutcomes): Promise<void> {
    const hour = hourName(o.at);
    const counts = this.#keys.hourCounts(hour);
    const tx = this.#redis.multi();
    for (const rule of o.hits ?? []) tx.hincrby(counts, JSON.stringify(['hits', o.openKfId, rule]), 1);
    for (const rule of o.misses ?? []) tx.hincrby(counts, JSON.stringify(['misses', o.openKfId, rule]), 1);
    for (const p of o.partly ?? []) {
      tx.hincrby(counts, JSON.stringify(['partly', o.openKfId, p.rule]), 1);
      tx.hincrby(counts, JSON.stringify(['partlySent', o.openKfId, p.rule]), p.sent);
      tx.hincrby(counts, JSON.stringify(['partlyParts', o.openKfId, p.rule]), p.of);
    }
    if (o.unmatched) tx.hincrby(counts, JSON.stringify(['unmatched', o.openKfId]), 1);
    tx.zadd(this.#keys.activityHours(), hourOf(o.at), hour);
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
    const hour = hourName(e.at);
    await this.#redis
      .multi()
      .rpush(this.#keys.hourSessionEnds(hour), JSON.stringify(e))
      .hincrby(this.#keys.hourCounts(hour), JSON.stringify(['ended', e.openKfId, e.how]), 1)
      .zadd(this.#keys.activityHours(), hourOf(e.at), hour)
      .exec();
  }

  /** Reads of the hour hashes under way, by query: concurrent readers share one (see #read). */
  readonly #reading = new Map<string, Promise<DayCounts>>();

  /**
   * Every count of the query's hours, of one account or all, per day of its timezone and split by
   * measure. The overview asks for rule outcomes, unmatched messages and session ends at once, and
   * each lives in the same hour hashes: callers asking for the same query while a read is under
   * way share it, so the hashes are fetched (one pipeline) and parsed once rather than three
   * times. Nothing is kept after the read settles: the next request reads afresh.
   */
  #read(q: ActivityQuery): Promise<DayCounts> {
    const key = JSON.stringify([hourOf(q.from), q.until ?? null, q.openKfId ?? null, q.timezone]);
    const pending = this.#reading.get(key);
    if (pending) return pending;
    const read = this.#fetch(q).finally(() => this.#reading.delete(key));
    this.#reading.set(key, read);
    return read;
  }

  async #fetch(q: ActivityQuery): Promise<DayCounts> {
    const out: DayCounts = { outcomes: [], partly: [], unmatched: [], ends: [] };
    const until = q.until === undefined ? '+inf' : `(${hourOf(q.until)}`;
    const hours = await this.#redis.zrangebyscore(
      this.#keys.activityHours(),
      hourOf(q.from),
      until,
      'WITHSCORES',
    );
    if (hours.length === 0) return out;
    // The hours of each day of the query's timezone (activityDay: the one rule every reader
    // dates by), in chunks of a few days: Redis sums each chunk's hours into its days (SUM_DAYS),
    // one pipeline for all chunks, so a reply carries a day's counts once, not once per hour.
    // A field names its account as the array's second string: for one account the script keeps
    // only fields that can be its (one account of twenty moves a twentieth).
    const account = q.openKfId === undefined ? '' : `,${JSON.stringify(q.openKfId)}`;
    const pipeline = this.#redis.pipeline();
    let chunk: { keys: string[]; days: string[] } = { keys: [], days: [] };
    let chunkDays = new Set<string>();
    const send = () => {
      if (chunk.keys.length > 0)
        pipeline.eval(SUM_DAYS, chunk.keys.length, ...chunk.keys, account, ...chunk.days);
      chunk = { keys: [], days: [] };
      chunkDays = new Set();
    };
    for (let i = 0; i < hours.length; i += 2) {
      const day = activityDay(Number(hours[i + 1]), q.timezone);
      if (!chunkDays.has(day) && chunkDays.size >= DAYS_PER_SCRIPT) send();
      chunkDays.add(day);
      chunk.keys.push(this.#keys.hourCounts(hours[i] as string));
      chunk.days.push(day);
    }
    send();
    // The same fields recur day after day, so each distinct one is parsed once.
    const fields = new Map<string, Field>();
    // day → account → rule (or how) → counts.
    const rules = new Map<string, Map<string, Map<string, { hits: number; misses: number }>>>();
    const partly = new Map<
      string,
      Map<string, Map<string, { messages: number; sent: number; parts: number }>>
    >();
    const unmatched = new Map<string, Map<string, number>>();
    const ends = new Map<string, Map<string, Map<string, number>>>();
    const within = <V>(m: Map<string, Map<string, V>>, day: string, openKfId: string, make: () => V): V => {
      const byAccount = m.get(day) ?? new Map<string, V>();
      m.set(day, byAccount);
      const v = byAccount.get(openKfId) ?? make();
      byAccount.set(openKfId, v);
      return v;
    };
    for (const [err, reply] of (await pipeline.exec()) ?? []) {
      if (err) throw err;
      const flat = reply as (string | number)[];
      for (let j = 0; j < flat.length; j += 2) {
        const dayField = String(flat[j]);
        const cut = dayField.indexOf('\n');
        const day = dayField.slice(0, cut);
        const field = dayField.slice(cut + 1);
        const value = flat[j + 1];
        const parsed = fields.has(field) ? fields.get(field) : parseField(field);
        fields.set(field, parsed);
        if (parsed === undefined) continue;
        const [measure, openKfId, third] = parsed;
        if (q.openKfId !== undefined && openKfId !== q.openKfId) continue;
        const count = Number(value);
        if ((measure === 'hits' || measure === 'misses') && typeof third === 'string') {
          const byRule = within(
            rules,
            day,
            openKfId,
            () => new Map<string, { hits: number; misses: number }>(),
          );
          const row = byRule.get(third) ?? { hits: 0, misses: 0 };
          row[measure] += count;
          byRule.set(third, row);
        } else if (Object.hasOwn(PARTLY_MEASURES, measure) && typeof third === 'string') {
          const byRule = within(
            partly,
            day,
            openKfId,
            () => new Map<string, { messages: number; sent: number; parts: number }>(),
          );
          const row = byRule.get(third) ?? { messages: 0, sent: 0, parts: 0 };
          row[PARTLY_MEASURES[measure as keyof typeof PARTLY_MEASURES]] += count;
          byRule.set(third, row);
        } else if (measure === 'unmatched') {
          const byAccount = unmatched.get(day) ?? new Map<string, number>();
          unmatched.set(day, byAccount);
          byAccount.set(openKfId, (byAccount.get(openKfId) ?? 0) + count);
        } else if (measure === 'ended' && isSessionEndHow(third)) {
          const byHow = within(ends, day, openKfId, () => new Map<string, number>());
          byHow.set(third, (byHow.get(third) ?? 0) + count);
        }
      }
    }
    for (const [day, byAccount] of sorted(rules))
      for (const [openKfId, byRule] of sorted(byAccount))
        for (const [rule, c] of sorted(byRule)) out.outcomes.push({ day, openKfId, rule, ...c });
    for (const [day, byAccount] of sorted(partly))
      for (const [openKfId, byRule] of sorted(byAccount))
        for (const [rule, c] of sorted(byRule)) out.partly.push({ day, openKfId, rule, ...c });
    for (const [day, byAccount] of sorted(unmatched))
      for (const [openKfId, messages] of sorted(byAccount)) out.unmatched.push({ day, openKfId, messages });
    for (const [day, byAccount] of sorted(ends))
      for (const [openKfId, byHow] of sorted(byAccount))
        for (const [how, count] of sorted(byHow))
          if (isSessionEndHow(how)) out.ends.push({ day, openKfId, how, count });
    return out;
  }

  // Each caller gets its own array (a sharer may sort or filter what it was given).
  async listRuleOutcomes(q: ActivityQuery): Promise<RuleOutcomeCount[]> {
    return (await this.#read(q)).outcomes.map((r) => ({ ...r }));
  }

  async listPartlyDelivered(q: ActivityQuery): Promise<PartlyDeliveredCount[]> {
    return (await this.#read(q)).partly.map((r) => ({ ...r }));
  }

  async listUnmatched(q: ActivityQuery): Promise<UnmatchedCount[]> {
    return (await this.#read(q)).unmatched.map((r) => ({ ...r }));
  }

  async countSessionEnds(q: ActivityQuery): Promise<SessionEndCount[]> {
    return (await this.#read(q)).ends.map((r) => ({ ...r }));
  }

  async listScores(q: ActivityQuery): Promise<SatisfactionScore[]> {
    const until = q.until === undefined ? '+inf' : `(${hourOf(q.until)}`;
    const fields = await this.#redis.zrangebyscore(this.#keys.scoresByTime(), hourOf(q.from), until);
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

  async purgeActivity(before: number): Promise<{ hours: number; scores: number }> {
    // A replica still on the version before hourly counts (a rolling upgrade) writes per-day keys
    // after the migration moved them: the hourly purge moves what it wrote, none of it lost.
    await migrateActivityToHours(this.#redis, this.#keys);
    const [hours, scores] = (await this.#redis.eval(
      PURGE,
      3,
      this.#keys.activityHours(),
      this.#keys.scores(),
      this.#keys.scoresByTime(),
      String(hourOf(before)),
      String(before),
      this.#keys.hourCounts(''),
      this.#keys.hourSessionEnds(''),
    )) as [number, number];
    return { hours, scores };
  }
}
