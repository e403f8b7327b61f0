/**
 * The store for several replicas: everything in Redis, shared. Multi-key changes are single Lua
 * scripts (atomic: a crash or a lost connection leaves all or nothing), the cursor write is fenced
 * by the account's lease, and records expire with WeCom's 3-day retention instead of being purged.
 *
 * Commands fail at once while Redis is unreachable (no offline queue), so a callback gets a 503
 * and WeCom retries it rather than waiting on a command that may never run.
 */
import { Redis } from 'ioredis';
import { parseRedisUrl } from '../config/redis-url.ts';
import type { CachedToken } from '../wecom/access-token.ts';
import type { ForgetReport } from './forget-customer.ts';
import type { DueSilence } from './idle-timer-index.ts';
import type { CachedMedia } from './media-cache.ts';
import { type Fence, LeaseLostError } from './pull-work.ts';
import { RedisActivity } from './redis-activity.ts';
import { redisOptions } from './redis-connection.ts';
import { RedisDrafts } from './redis-drafts.ts';
import { RedisEmbeddings } from './redis-embeddings.ts';
import { forgetInRedis } from './redis-forget.ts';
import { RedisKeys } from './redis-keys.ts';
import { RedisMedia } from './redis-media.ts';
import { RedisReplicas } from './redis-replicas.ts';
import { RedisRuleVersions } from './redis-rule-versions.ts';
import { FailoverSafeSentinelConnector } from './redis-sentinel-connector.ts';
import { RedisSessions } from './redis-sessions.ts';
import { RedisSignedOutSessions } from './redis-signed-out-sessions.ts';
import { RedisUnanswered } from './redis-unanswered.ts';
import type { Conversation, KeptAsideRecord, MessageRecord, SendRecord, Store } from './store.ts';
import { decodeConversation, decodeMessage, encodeConversation, encodeMessage } from './stored-records.ts';
import type { UnansweredChoice, UnansweredSighting } from './unanswered-log.ts';

/** WeCom keeps messages 3 days (§3); dedupe and send records a little longer. */
export const RECORD_TTL_MS = 3 * 24 * 3600_000 + 3600_000;
/** Conversation state (variables, counters) outlives a session: a month of silence forgets it. */
export const CONVERSATION_TTL_MS = 30 * 24 * 3600_000;

const SET_IF_OWNER = `
if redis.call('GET', KEYS[2]) == ARGV[2] then
  redis.call('SET', KEYS[1], ARGV[1])
  return 1
end
return 0`;

// KEYS[2..3], ARGV[3..6]: the conversation and its idle timer (ARGV[6] '' removes it).
const RECORD_MESSAGE = `
if redis.call('EXISTS', KEYS[1]) == 1 then return 0 end
redis.call('SET', KEYS[1], ARGV[1], 'PX', ARGV[2])
if KEYS[2] then
  redis.call('SET', KEYS[2], ARGV[3], 'PX', ARGV[4])
  if ARGV[6] == '' then redis.call('ZREM', KEYS[3], ARGV[5])
  else redis.call('ZADD', KEYS[3], ARGV[6], ARGV[5]) end
end
return 1`;

// Accounts with a due idle rule (ARGV[1] now) not claimed by anyone; claims them for ARGV[2] ms.
const CLAIM_DUE_ACCOUNTS = `
local due = redis.call('ZRANGE', KEYS[1], '-inf', ARGV[1], 'BYSCORE', 'LIMIT', 0, 1000)
local seen, claimed = {}, {}
for _, member in ipairs(due) do
  local account = string.match(member, '^([^\t]*)\t')
  if account and not seen[account] then
    seen[account] = true
    if redis.call('SET', ARGV[3] .. account, '1', 'PX', ARGV[2], 'NX') then table.insert(claimed, account) end
  end
end
return claimed`;

const SEP = '\t';

const FINISH_MESSAGE = `
local raw = redis.call('GET', KEYS[1])
if not raw then return 0 end
local m = cjson.decode(raw)
m.status = ARGV[1]
if ARGV[2] ~= '' then m.note = ARGV[2] end
redis.call('SET', KEYS[1], cjson.encode(m), 'KEEPTTL')
return 1`;

// A planned message's new plan (ARGV[1]) and, in the same step, its customer's conversation.
const REPLAN_MESSAGE = `
local raw = redis.call('GET', KEYS[1])
if not raw then return 0 end
local m = cjson.decode(raw)
if m.status ~= 'planned' then return 0 end
m.plan = ARGV[1]
redis.call('SET', KEYS[1], cjson.encode(m), 'KEEPTTL')
if KEYS[2] then
  redis.call('SET', KEYS[2], ARGV[2], 'PX', ARGV[3])
  if ARGV[5] == '' then redis.call('ZREM', KEYS[3], ARGV[4])
  else redis.call('ZADD', KEYS[3], ARGV[5], ARGV[4]) end
end
return 1`;

const DELETE_IF_EQUALS = `
if redis.call('GET', KEYS[1]) == ARGV[1] then return redis.call('DEL', KEYS[1]) end
return 0`;

/** A connection for a KFBOT_STORE URL (redis-connection.ts); `caFile` is KFBOT_REDIS_CA_FILE. */
export function redisClient(url: string, onError?: (err: Error) => void, caFile?: string): Redis {
  const parsed = parseRedisUrl(url);
  if ('problem' in parsed) throw new Error(parsed.problem);
  const redis = new Redis({
    ...redisOptions(parsed, caFile),
    // duplicate() copies the options, so the pull work's reading connection has it too.
    ...(parsed.sentinel && { Connector: FailoverSafeSentinelConnector }),
    lazyConnect: true,
    enableOfflineQueue: false,
    maxRetriesPerRequest: 1,
    connectTimeout: 2000,
    // Reconnect for ever, at most every 2 s: the replica recovers by itself when Redis returns.
    retryStrategy: (times) => Math.min(times * 100, 2000),
    // A primary demoted by a failover answers writes with READONLY: find the new one.
    reconnectOnError: (err) => err.message.startsWith('READONLY'),
  });
  // Connection errors are expected while Redis is away; the caller decides how loudly to say so.
  redis.on('error', onError ?? (() => {}));
  return redis;
}

export class RedisStore implements Store {
  readonly #redis: Redis;
  readonly keys: RedisKeys;
  readonly #unanswered: RedisUnanswered;
  readonly #media: RedisMedia;
  /** The activity log (redis-activity.ts). */
  readonly activity: RedisActivity;
  /** The session log (redis-sessions.ts). */
  readonly sessions: RedisSessions;
  readonly embeddings: RedisEmbeddings;
  /** Published rule versions (redis-rule-versions.ts). */
  readonly ruleVersions: RedisRuleVersions;
  readonly drafts: RedisDrafts;
  /** Live replicas and the rules each runs (redis-replicas.ts). */
  readonly replicas: RedisReplicas;
  /** Signed-out console sessions (redis-signed-out-sessions.ts). */
  readonly signedOut: RedisSignedOutSessions;

  /** KFBOT_REDIS_WAIT_REPLICAS: waits for replicas before a WeCom call (redis-replica-wait.ts). */
  readonly #replicaWait: { settle(): Promise<void> } | undefined;

  constructor(redis: Redis, keys = new RedisKeys(), replicaWait?: { settle(): Promise<void> }) {
    this.#redis = redis;
    this.#replicaWait = replicaWait;
    this.keys = keys;
    this.#unanswered = new RedisUnanswered(redis, keys);
    this.activity = new RedisActivity(redis, keys);
    this.sessions = new RedisSessions(redis, keys);
    this.embeddings = new RedisEmbeddings(redis, keys);
    this.ruleVersions = new RedisRuleVersions(redis, keys);
    this.drafts = new RedisDrafts(redis, keys);
    this.replicas = new RedisReplicas(redis, keys);
    this.signedOut = new RedisSignedOutSessions(redis, keys);
    this.#media = new RedisMedia(redis, keys);
  }

  async getCursor(openKfId: string): Promise<string | undefined> {
    return (await this.#redis.get(this.keys.cursor(openKfId))) ?? undefined;
  }

  async setCursor(openKfId: string, cursor: string, fence?: Fence): Promise<void> {
    if (!fence) {
      await this.#redis.set(this.keys.cursor(openKfId), cursor);
      return;
    }
    const ok = await this.#redis.eval(
      SET_IF_OWNER,
      2,
      this.keys.cursor(openKfId),
      fence.key,
      cursor,
      fence.token,
    );
    if (ok !== 1) throw new LeaseLostError(openKfId);
  }

  async getMessage(msgid: string): Promise<MessageRecord | undefined> {
    const raw = await this.#redis.get(this.keys.message(msgid));
    return raw ? decodeMessage(`msg:${msgid}`, raw) : undefined;
  }

  async recordMessage(
    message: MessageRecord,
    conversation?: { openKfId: string; externalUserId: string; value: Conversation },
  ): Promise<boolean> {
    const keys = [this.keys.message(message.msgid)];
    const args: (string | number)[] = [encodeMessage(message), RECORD_TTL_MS];
    if (conversation) this.#withConversation(conversation, keys, args);
    return (await this.#redis.eval(RECORD_MESSAGE, keys.length, ...keys, ...args)) === 1;
  }

  /** The keys and arguments RECORD_MESSAGE and REPLAN_MESSAGE take to write the conversation too. */
  #withConversation(
    conversation: { openKfId: string; externalUserId: string; value: Conversation },
    keys: string[],
    args: (string | number)[],
  ): void {
    const { openKfId, externalUserId, value } = conversation;
    keys.push(this.keys.conversation(openKfId, externalUserId), this.keys.idleDue());
    args.push(
      encodeConversation(value),
      CONVERSATION_TTL_MS,
      `${openKfId}${SEP}${externalUserId}`,
      value.idleDueAt ?? '',
    );
  }

  async replanMessage(
    msgid: string,
    plan: string,
    conversation?: { openKfId: string; externalUserId: string; value: Conversation },
  ): Promise<boolean> {
    const keys = [this.keys.message(msgid)];
    const args: (string | number)[] = [plan];
    if (conversation) this.#withConversation(conversation, keys, args);
    return (await this.#redis.eval(REPLAN_MESSAGE, keys.length, ...keys, ...args)) === 1;
  }

  async finishMessage(msgid: string, status: 'done' | 'skipped', note?: string): Promise<void> {
    await this.#redis.eval(FINISH_MESSAGE, 1, this.keys.message(msgid), status, note ?? '');
  }

  async getSend(key: string): Promise<SendRecord | undefined> {
    const raw = await this.#redis.get(this.keys.send(key));
    return raw ? (JSON.parse(raw) as SendRecord) : undefined;
  }

  async putSend(record: SendRecord): Promise<void> {
    await this.#redis.set(this.keys.send(record.key), JSON.stringify(record), 'PX', RECORD_TTL_MS);
    // The call to WeCom follows: everything it depends on must survive a failover.
    if (record.status === 'attempting') await this.#replicaWait?.settle();
  }

  async getConversation(openKfId: string, externalUserId: string): Promise<Conversation | undefined> {
    const raw = await this.#redis.get(this.keys.conversation(openKfId, externalUserId));
    return raw ? decodeConversation(`conv:${openKfId}:${externalUserId}`, raw) : undefined;
  }

  async keepAside(key: string, value: string, reason: string): Promise<void> {
    // A list, not a hash by key: the same key may be set aside more than once, and none is lost.
    await this.#redis.rpush(this.keys.keptAside(), JSON.stringify({ key, value, reason, at: Date.now() }));
  }

  async forgetCustomer(externalUserId: string): Promise<ForgetReport> {
    return forgetInRedis(this.#redis, this.keys, this.sessions, externalUserId);
  }

  async keptAside(): Promise<KeptAsideRecord[]> {
    const entries = await this.#redis.lrange(this.keys.keptAside(), 0, -1);
    return entries.map((e) => JSON.parse(e) as KeptAsideRecord);
  }

  async putConversation(openKfId: string, externalUserId: string, value: Conversation): Promise<void> {
    const member = `${openKfId}${SEP}${externalUserId}`;
    const tx = this.#redis
      .multi()
      .set(
        this.keys.conversation(openKfId, externalUserId),
        encodeConversation(value),
        'PX',
        CONVERSATION_TTL_MS,
      );
    if (value.idleDueAt === undefined) tx.zrem(this.keys.idleDue(), member);
    else tx.zadd(this.keys.idleDue(), value.idleDueAt, member);
    const results = await tx.exec();
    const failed = results?.find(([err]) => err);
    if (!results || failed) throw failed?.[0] ?? new Error('Redis did not run the transaction');
  }

  async dueIdle(openKfId: string, now: number, limit: number): Promise<DueSilence[]> {
    // Members sort by score, then lexically: read due ones, keep this account's.
    const raw = await this.#redis.zrangebyscore(this.keys.idleDue(), '-inf', now, 'WITHSCORES');
    const out: DueSilence[] = [];
    for (let i = 0; i < raw.length && out.length < limit; i += 2) {
      const [account, customer] = (raw[i] as string).split(SEP);
      if (account === openKfId && customer !== undefined)
        out.push({ openKfId, externalUserId: customer, dueAt: Number(raw[i + 1]) });
    }
    return out;
  }

  async claimDueIdleAccounts(now: number, holdMs: number): Promise<string[]> {
    return (await this.#redis.eval(
      CLAIM_DUE_ACCOUNTS,
      1,
      this.keys.idleDue(),
      now,
      holdMs,
      this.keys.idleClaim(''),
    )) as string[];
  }

  async clearIdleDue(openKfId: string, externalUserId: string): Promise<void> {
    await this.#redis.zrem(this.keys.idleDue(), `${openKfId}${SEP}${externalUserId}`);
  }

  async nextIdleDue(): Promise<number | undefined> {
    const first = await this.#redis.zrange(this.keys.idleDue(), 0, 0, 'WITHSCORES');
    return first[1] === undefined ? undefined : Number(first[1]);
  }

  async getAccessToken(key: string): Promise<CachedToken | undefined> {
    const raw = await this.#redis.get(this.keys.accessToken(key));
    return raw ? (JSON.parse(raw) as CachedToken) : undefined;
  }

  async putAccessToken(key: string, value: CachedToken): Promise<void> {
    const ttl = Math.max(1, value.expiresAt - Date.now());
    await this.#redis.set(this.keys.accessToken(key), JSON.stringify(value), 'PX', ttl);
  }

  async deleteAccessTokenIfMatches(key: string, token: string): Promise<void> {
    const current = await this.getAccessToken(key);
    if (current?.token !== token) return;
    await this.#redis.eval(DELETE_IF_EQUALS, 1, this.keys.accessToken(key), JSON.stringify(current));
  }

  /**
   * One replica at a time refreshes a token (§1, §9.13: single-flight the refresh, or replicas
   * invalidate each other's tokens and hit the gettoken limits). Returns false if another holds it.
   */
  async acquireAccessTokenRefresh(key: string, ttlMs: number): Promise<boolean> {
    return (await this.#redis.set(this.keys.accessTokenRefresh(key), '1', 'PX', ttlMs, 'NX')) === 'OK';
  }

  async releaseAccessTokenRefresh(key: string): Promise<void> {
    await this.#redis.del(this.keys.accessTokenRefresh(key));
  }

  // The media cache: see redis-media.ts.
  getMedia(key: string) {
    return this.#media.getMedia(key);
  }

  putMedia(key: string, media: CachedMedia) {
    return this.#media.putMedia(key, media);
  }

  findMedia(mediaId: string) {
    return this.#media.findMedia(mediaId);
  }

  // Unanswered questions: see redis-unanswered.ts (purged by the retention the operator sets).
  recordUnanswered(sighting: UnansweredSighting) {
    return this.#unanswered.recordUnanswered(sighting);
  }

  listUnanswered(since: number, limit: number, openKfId?: string) {
    return this.#unanswered.listUnanswered(since, limit, openKfId);
  }

  recordChoice(choice: UnansweredChoice) {
    return this.#unanswered.recordChoice(choice);
  }

  purgeUnanswered(before: number) {
    return this.#unanswered.purgeUnanswered(before);
  }

  /** Records expire by themselves (RECORD_TTL_MS); nothing to sweep. */
  async purge(): Promise<{ messages: number; sends: number }> {
    return { messages: 0, sends: 0 };
  }

  async ping(): Promise<void> {
    try {
      await this.#redis.ping();
    } catch (err) {
      // ioredis says "Stream isn't writeable and enableOfflineQueue options is false": say what it means.
      const state = this.#redis.status;
      throw new Error(
        state === 'ready'
          ? `Redis did not answer PING: ${(err as Error).message}`
          : `Redis is not reachable (connection ${state}); kfbot reconnects by itself when it is back`,
      );
    }
  }

  async close(): Promise<void> {
    if (this.#redis.status !== 'end') await this.#redis.quit().catch(() => this.#redis.disconnect());
  }
}
