/**
 * The session log (session-log.ts) in Redis: each session a sorted set of its entries (JSON,
 * scored by time; the same entry written twice is one member), and an index of the sessions (a
 * sorted set: member [open_kfid, external_userid, started] as JSON, scored by when it began), to
 * list, purge and forget by.
 */
import type { Redis } from 'ioredis';
import type { RedisKeys } from './redis-keys.ts';
import {
  emptyCounts,
  isSessionEntryFrom,
  type SessionEntry,
  type SessionLog,
  type SessionQuery,
  type SessionSummary,
} from './session-log.ts';

type SessionId = [openKfId: string, externalUserId: string, startedAt: number];

const BATCH = 500;

/** A glob that matches itself only (SCAN MATCH). */
const globLiteral = (s: string) => s.replace(/[*?[\]\\]/g, (c) => `\\${c}`);

export class RedisSessions implements SessionLog {
  constructor(
    private readonly redis: Redis,
    private readonly keys: RedisKeys,
  ) {}

  #key(id: SessionId): string {
    return this.keys.session(id[0], id[1], id[2]);
  }

  async recordSessionEntries(entries: readonly SessionEntry[]): Promise<void> {
    if (entries.length === 0) return;
    const tx = this.redis.multi();
    for (const e of entries) {
      const id: SessionId = [e.openKfId, e.externalUserId, e.sessionStartedAt];
      tx.zadd(this.keys.sessionIndex(), e.sessionStartedAt, JSON.stringify(id));
      tx.zadd(this.#key(id), 'NX', e.at, JSON.stringify(e));
    }
    await tx.exec();
  }

  async listSessions(q: SessionQuery): Promise<SessionSummary[]> {
    const ids: SessionId[] = [];
    const max = q.until === undefined ? '+inf' : `(${q.until}`;
    for (let offset = 0; ids.length < q.limit; offset += BATCH) {
      const members = await this.redis.zrevrangebyscore(
        this.keys.sessionIndex(),
        max,
        q.since,
        'LIMIT',
        offset,
        BATCH,
      );
      for (const m of members) {
        const id = JSON.parse(m) as SessionId;
        if (q.openKfId === undefined || id[0] === q.openKfId) ids.push(id);
        if (ids.length >= q.limit) break;
      }
      if (members.length < BATCH) break;
    }
    // The index is by start only: order ties as SQLite does (account, then customer).
    ids.sort((a, b) => b[2] - a[2] || a[0].localeCompare(b[0]) || a[1].localeCompare(b[1]));
    const pipe = this.redis.pipeline();
    for (const id of ids) pipe.zrange(this.#key(id), 0, -1);
    const answers = (await pipe.exec()) ?? [];
    const out: SessionSummary[] = [];
    ids.forEach((id, i) => {
      const entries = ((answers[i]?.[1] as string[] | undefined) ?? []).map(
        (m) => JSON.parse(m) as SessionEntry,
      );
      if (entries.length === 0) return;
      const messages = emptyCounts();
      for (const e of entries) messages[isSessionEntryFrom(e.from) ? e.from : 'event']++;
      out.push({
        openKfId: id[0],
        externalUserId: id[1],
        sessionStartedAt: id[2],
        firstAt: Math.min(...entries.map((e) => e.at)),
        lastAt: Math.max(...entries.map((e) => e.at)),
        messages,
      });
    });
    return out;
  }

  async sessionEntries(
    openKfId: string,
    externalUserId: string,
    sessionStartedAt: number,
  ): Promise<SessionEntry[]> {
    const members = await this.redis.zrange(this.#key([openKfId, externalUserId, sessionStartedAt]), 0, -1);
    return members.map((m) => JSON.parse(m) as SessionEntry).sort((a, b) => a.at - b.at || a.seq - b.seq);
  }

  async purgeSessions(before: number): Promise<number> {
    const members = await this.redis.zrangebyscore(this.keys.sessionIndex(), '-inf', `(${before}`);
    return this.#drop(members);
  }

  /** The sessions of one customer (every account). */
  async sessionsOf(externalUserId: string): Promise<SessionId[]> {
    return (await this.#membersOf(externalUserId)).map((m) => JSON.parse(m) as SessionId);
  }

  async forgetSessions(externalUserId: string): Promise<number> {
    return this.#drop(await this.#membersOf(externalUserId));
  }

  async #membersOf(externalUserId: string): Promise<string[]> {
    const members: string[] = [];
    let cursor = '0';
    do {
      const [next, found] = await this.redis.zscan(
        this.keys.sessionIndex(),
        cursor,
        'MATCH',
        `*${globLiteral(JSON.stringify(externalUserId))}*`,
        'COUNT',
        1000,
      );
      cursor = next;
      for (let i = 0; i < found.length; i += 2) {
        const m = found[i] as string;
        if ((JSON.parse(m) as SessionId)[1] === externalUserId) members.push(m);
      }
    } while (cursor !== '0');
    return members;
  }

  async #drop(members: string[]): Promise<number> {
    const unique = [...new Set(members)];
    for (let i = 0; i < unique.length; i += BATCH) {
      const chunk = unique.slice(i, i + BATCH);
      const tx = this.redis.multi();
      tx.del(...chunk.map((m) => this.#key(JSON.parse(m) as SessionId)));
      tx.zrem(this.keys.sessionIndex(), ...chunk);
      await tx.exec();
    }
    return unique.length;
  }
}
