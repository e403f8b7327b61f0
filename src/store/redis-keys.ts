/**
 * kfbot's whole Redis keyspace, in one place: every key the store, the pull stream and the leases
 * use is built here, under one prefix (so tests and several kfbot deployments can share a Redis).
 */
/** An hour's name in keys: its start as YYYY-MM-DDTHH (UTC). */
export const hourName = (at: number): string =>
  new Date(Math.floor(at / 3_600_000) * 3_600_000).toISOString().slice(0, 13);

export class RedisKeys {
  constructor(readonly prefix = 'kfbot:') {}

  #key(...parts: string[]): string {
    return `${this.prefix}${parts.join(':')}`;
  }

  /** The sync_msg cursor of an account (a string). */
  cursor(openKfId: string): string {
    return this.#key('cursor', openKfId);
  }
  /** One inbound message's record (JSON, expires with WeCom's retention). */
  message(msgid: string): string {
    return this.#key('msg', msgid);
  }
  /** One outbound call's record, by client msgid (JSON). */
  send(key: string): string {
    return this.#key('send', key);
  }
  /** One customer's conversation on one account (JSON). */
  conversation(openKfId: string, externalUserId: string): string {
    return this.#key('conv', openKfId, externalUserId);
  }
  /** The shared WeCom access token (JSON). */
  accessToken(cacheKey: string): string {
    return this.#key('token', cacheKey);
  }
  /** Held by the one replica refreshing the access token. */
  accessTokenRefresh(cacheKey: string): string {
    return this.#key('tokenlock', cacheKey);
  }
  /** The FAQ's question embeddings: a hash, field = provider/model/text hash (redis-embeddings.ts). */
  embeddings(): string {
    return this.#key('embeddings');
  }
  /** An uploaded media id, by content hash (JSON). */
  media(key: string): string {
    return this.#key('media', key);
  }
  /** The `media` key of the record whose id is this media_id (a string; schema 11). */
  mediaById(mediaId: string): string {
    return this.#key('media-id', mediaId);
  }
  /** The stream of owed pulls (one entry per verified callback). */
  pulls(): string {
    return this.#key('pulls');
  }
  /** An account's newest callback token (JSON, expires when the token does). */
  pullToken(openKfId: string): string {
    return this.#key('pulltoken', openKfId);
  }
  /** Who pulls an account now: the lease holder's fencing token. */
  lease(openKfId: string): string {
    return this.#key('lease', openKfId);
  }
  /** The keyspace's schema version (redis-migrations.ts). */
  schemaVersion(): string {
    return this.#key('schema-version');
  }
  /** Held by the one replica migrating the keyspace. */
  schemaLock(): string {
    return this.#key('schema-lock');
  }
  /** Stored records kfbot could not read, with key and reason (a list of JSON). */
  keptAside(): string {
    return this.#key('kept-aside');
  }
  /** The counter fencing tokens for an account's lease are drawn from. */
  fence(openKfId: string): string {
    return this.#key('fence', openKfId);
  }
  /** One group of unanswered customer texts (a hash), by "<open_kfid>\n<normalised text>". */
  unansweredGroup(member: string): string {
    return this.#key('unanswered', member);
  }
  /** Every unanswered group, scored by when it was last seen (a sorted set). */
  unansweredIndex(): string {
    return this.#key('unanswered-index');
  }
  /**
   * Customers with a due idle rule (a sorted set: member "<open_kfid>\t<external_userid>", score the
   * epoch ms it is due), written with their conversation.
   */
  idleDue(): string {
    return this.#key('idle-due');
  }
  /** Held (PX) by the replica that asked for an account's pull to fire its due idle rules. */
  idleClaim(openKfId: string): string {
    return this.#key('idle-claim', openKfId);
  }
  /**
   * One UTC hour's activity counts (a hash, created on first use): field ["hits"|"misses",
   * open_kfid, rule], ["unmatched", open_kfid] or ["ended", open_kfid, how] (JSON) → count. `hour`
   * is its start as YYYY-MM-DDTHH (UTC).
   */
  hourCounts(hour: string): string {
    return this.#key('activity-hour', hour);
  }
  /** One UTC hour's session ends and hand-overs (a list of JSON {openKfId, externalUserId, at, how}). */
  hourSessionEnds(hour: string): string {
    return this.#key('session-ends-hour', hour);
  }
  /** The UTC hours with activity (a sorted set: YYYY-MM-DDTHH → its start, epoch ms), to read and purge. */
  activityHours(): string {
    return this.#key('activity-hours');
  }
  /** A console session signed out (a string, expiring when its cookie would; signed-out-sessions.ts). */
  signedOutSession(id: string): string {
    return this.#key('console-signed-out', id);
  }
  /** Before schema 9: one UTC day's counts, as hourCounts (migrated to hours, then deleted). */
  legacyDayCounts(day: string): string {
    return this.#key('activity', day);
  }
  /** Before schema 9: one UTC day's session ends (migrated to hours, then deleted). */
  legacySessionEnds(day: string): string {
    return this.#key('session-ends', day);
  }
  /** Before schema 9: the UTC days with activity (a sorted set: day → its start). */
  legacyActivityDays(): string {
    return this.#key('activity-days');
  }
  /** Satisfaction scores (a hash): [open_kfid, external_userid, sessionStartedAt] (JSON) → {score, clickId, at}. */
  scores(): string {
    return this.#key('scores');
  }
  /** The same fields by the time of their click (a sorted set), to read and purge by time. */
  scoresByTime(): string {
    return this.#key('scores-by-time');
  }
  /** One customer session's entries (a sorted set of JSON, by time; session-log.ts). */
  session(openKfId: string, externalUserId: string, startedAt: number): string {
    return this.#key('session', openKfId, externalUserId, String(startedAt));
  }
  /** Every kept session (a sorted set: [open_kfid, external_userid, started] as JSON → started). */
  sessionIndex(): string {
    return this.#key('sessions');
  }
  /** Set while WeCom blocks an API (45009/45033): no replica calls it until the key expires. */
  budgetPause(api: string): string {
    return this.#key('budget', api, 'pause');
  }
  /** Calls of an API per bucket of one limit window (a hash: bucket number → calls). */
  budgetWindow(api: string, windowMs: number): string {
    return this.#key('budget', api, String(windowMs));
  }
  /** The latest published rule version's number (rule-version-log.ts). */
  rulesLatest(): string {
    return this.#key('rules', 'latest');
  }
  /** One published rule version (JSON: who, when, message, diff, files). */
  ruleVersion(version: number): string {
    return this.#key('rules', 'v', String(version));
  }
  /** One console session's unpublished draft (JSON, draft-book.ts). */
  draft(sessionKey: string): string {
    return this.#key('draft', sessionKey);
  }
  /** Live replicas' entries: a hash, field = replica id, value = JSON (redis-replicas.ts). */
  replicas(): string {
    return this.#key('replicas');
  }
  /** The same replica ids by when their entry expires (a sorted set). */
  replicaExpiries(): string {
    return this.#key('replicas', 'expiries');
  }
}
