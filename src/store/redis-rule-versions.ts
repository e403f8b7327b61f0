/**
 * The published rule versions (rule-version-log.ts) in Redis: one string per version and the
 * latest number. Publishing is one Lua script — compare the latest, write the version, move the
 * latest — so a replica that dies mid-publish leaves either the whole version or nothing, and
 * replicas polling the latest number never see one without its files.
 */
import type { Redis } from 'ioredis';
import type { RedisKeys } from './redis-keys.ts';
import {
  decodeRuleVersion,
  encodeRuleVersion,
  type NewRuleVersion,
  type RuleVersion,
  type RuleVersionLog,
  type RuleVersionSummary,
  versionToTrim,
} from './rule-version-log.ts';

// KEYS[1] latest, KEYS[2] the new version's key; ARGV[1] base, ARGV[2] the record.
const PUBLISH = `
local latest = tonumber(redis.call('GET', KEYS[1]) or '0')
if latest ~= tonumber(ARGV[1]) then return 0 end
redis.call('SET', KEYS[2], ARGV[2])
redis.call('SET', KEYS[1], tostring(latest + 1))
return latest + 1`;

export class RedisRuleVersions implements RuleVersionLog {
  constructor(
    private readonly redis: Redis,
    private readonly keys: RedisKeys,
  ) {}

  async publishRuleVersion(base: number, v: NewRuleVersion): Promise<number | undefined> {
    const version = base + 1;
    const record: RuleVersion = { ...v, version };
    const got = (await this.redis.eval(
      PUBLISH,
      2,
      this.keys.rulesLatest(),
      this.keys.ruleVersion(version),
      String(base),
      encodeRuleVersion(record),
    )) as number;
    if (got === 0) return undefined;
    await this.#trimFiles(versionToTrim(got));
    return got;
  }

  /**
   * Lets an old version's files go (rule-version-log.ts). After the publish, not in its script: a
   * replica that dies in between leaves one more version whole, which costs nothing but space.
   */
  async #trimFiles(version: number | undefined): Promise<void> {
    if (version === undefined) return;
    const key = this.keys.ruleVersion(version);
    const text = await this.redis.get(key);
    if (text === null) return;
    const old = decodeRuleVersion(text);
    if (old.files !== null) await this.redis.set(key, encodeRuleVersion({ ...old, files: null }));
  }

  async latestRuleVersion(): Promise<number> {
    return Number((await this.redis.get(this.keys.rulesLatest())) ?? 0);
  }

  async ruleVersion(version: number): Promise<RuleVersion | undefined> {
    const text = await this.redis.get(this.keys.ruleVersion(version));
    return text === null ? undefined : decodeRuleVersion(text);
  }

  async listRuleVersions(limit: number): Promise<RuleVersionSummary[]> {
    const latest = await this.latestRuleVersion();
    const numbers: number[] = [];
    for (let v = latest; v >= 1 && numbers.length < limit; v--) numbers.push(v);
    if (numbers.length === 0) return [];
    const texts = await this.redis.mget(numbers.map((v) => this.keys.ruleVersion(v)));
    return texts.flatMap((t) => {
      if (t === null) return [];
      const { version, at, by, message, changed } = decodeRuleVersion(t);
      return [{ version, at, by, message, changed }];
    });
  }
}
