/**
 * The unanswered-question log (unanswered-log.ts) in Redis: a hash per group and one sorted set of
 * groups by last sighting, for listing and purging by time. A sighting is one Lua script, so
 * replicas recording the same text at once still count both.
 */
import type { Redis } from 'ioredis';
import type { RedisKeys } from './redis-keys.ts';
import {
  decodeCandidates,
  type UnansweredChoice,
  type UnansweredLog,
  type UnansweredQuestion,
  type UnansweredSighting,
} from './unanswered-log.ts';

// KEYS[1] the group's hash, KEYS[2] the index; ARGV: member, at, example, candidates, openKfId, text.
const RECORD = `
local last = tonumber(redis.call('HGET', KEYS[1], 'lastSeen') or '-1')
local at = tonumber(ARGV[2])
redis.call('HINCRBY', KEYS[1], 'count', 1)
redis.call('HSETNX', KEYS[1], 'openKfId', ARGV[5])
redis.call('HSETNX', KEYS[1], 'text', ARGV[6])
local first = tonumber(redis.call('HGET', KEYS[1], 'firstSeen') or ARGV[2])
if at <= first then redis.call('HSET', KEYS[1], 'firstSeen', ARGV[2]) end
if at >= last then
  redis.call('HSET', KEYS[1], 'lastSeen', ARGV[2], 'example', ARGV[3], 'candidates', ARGV[4])
  redis.call('ZADD', KEYS[2], at, ARGV[1])
end
return 1`;

// KEYS[1] the group's hash; ARGV[1] the field ("chose:<item id>"). Only a group that exists: a
// choice never creates one (it was purged, or kept nothing while retention was 0).
const CHOOSE = `
if redis.call('EXISTS', KEYS[1]) == 1 then return redis.call('HINCRBY', KEYS[1], ARGV[1], 1) end
return 0`;

// KEYS[1] the index; ARGV[1] the cutoff, ARGV[2] the group key prefix. One script, so a sighting
// cannot land between reading the old groups and deleting them. (Group keys are built here from
// the prefix: fine on one Redis, which is what kfbot supports.)
const PURGE = `
local members = redis.call('ZRANGEBYSCORE', KEYS[1], '-inf', '(' .. ARGV[1])
for _, m in ipairs(members) do
  redis.call('DEL', ARGV[2] .. m)
  redis.call('ZREM', KEYS[1], m)
end
return #members`;

/** A group hash's field per chosen item: "chose:<item id>" → clicks. */
const CHOSE = 'chose:';

export class RedisUnanswered implements UnansweredLog {
  readonly #redis: Redis;
  readonly #keys: RedisKeys;

  constructor(redis: Redis, keys: RedisKeys) {
    this.#redis = redis;
    this.#keys = keys;
  }

  #group(member: string): string {
    return this.#keys.unansweredGroup(member);
  }

  async recordUnanswered(s: UnansweredSighting): Promise<void> {
    // The member names the group: the account and the text, which holds no newline after normalising.
    const member = `${s.openKfId}\n${s.text}`;
    await this.#redis.eval(
      RECORD,
      2,
      this.#group(member),
      this.#keys.unansweredIndex(),
      member,
      String(s.at),
      s.example,
      JSON.stringify(s.candidates),
      s.openKfId,
      s.text,
    );
  }

  async listUnanswered(since: number, limit: number, openKfId?: string): Promise<UnansweredQuestion[]> {
    const all = await this.#redis.zrangebyscore(this.#keys.unansweredIndex(), since, '+inf');
    // A member starts with its account: one account's groups are picked before their hashes are read.
    const members = openKfId === undefined ? all : all.filter((m) => m.startsWith(`${openKfId}\n`));
    if (members.length === 0) return [];
    const pipeline = this.#redis.pipeline();
    for (const m of members) pipeline.hgetall(this.#group(m));
    const rows = (await pipeline.exec()) ?? [];
    const out: UnansweredQuestion[] = [];
    for (const [err, raw] of rows) {
      if (err) throw err;
      const h = raw as Record<string, string>;
      if (!h.text || !h.openKfId) continue;
      out.push({
        openKfId: h.openKfId,
        text: h.text,
        example: h.example ?? h.text,
        count: Number(h.count ?? 0),
        firstSeen: Number(h.firstSeen ?? 0),
        lastSeen: Number(h.lastSeen ?? 0),
        candidates: decodeCandidates(h.candidates),
        chosen: Object.fromEntries(
          Object.entries(h)
            .filter(([field, n]) => field.startsWith(CHOSE) && Number(n) > 0)
            .map(([field, n]) => [field.slice(CHOSE.length), Number(n)]),
        ),
      });
    }
    out.sort((a, b) => b.count - a.count || b.lastSeen - a.lastSeen || a.text.localeCompare(b.text));
    return out.slice(0, limit);
  }

  async recordChoice(c: UnansweredChoice): Promise<void> {
    await this.#redis.eval(CHOOSE, 1, this.#group(`${c.openKfId}\n${c.text}`), `${CHOSE}${c.item}`);
  }

  async purgeUnanswered(before: number): Promise<number> {
    const removed = await this.#redis.eval(
      PURGE,
      1,
      this.#keys.unansweredIndex(),
      String(before),
      this.#group(''),
    );
    return Number(removed);
  }
}
