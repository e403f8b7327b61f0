/**
 * The activity and session logs' writes on SQLite are committed once per event-loop turn
 * (sqlite-report-writes.ts). What a caller notices must not change: after `await` the row is
 * there, a write that fails fails alone, and nothing asked for before close is lost.
 */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterEach, describe, expect, it } from 'vitest';
import { daysQuery } from '../../src/store/activity-days.ts';
import type { SessionEntry } from '../../src/store/session-log.ts';
import { SqliteStore } from '../../src/store/sqlite-store.ts';

const AT = Date.parse('2026-12-07T08:00:00Z');
const stores: SqliteStore[] = [];
afterEach(async () => {
  for (const s of stores.splice(0)) await s.close();
});

function open(): { store: SqliteStore; file: string } {
  const file = join(mkdtempSync(join(tmpdir(), 'kfbot-report-writes-')), 'kfbot.db');
  const store = new SqliteStore(file);
  stores.push(store);
  return { store, file };
}

function entry(customer: string, msgid: string, seq: number, text: string): SessionEntry {
  return {
    openKfId: 'wkA',
    externalUserId: customer,
    sessionStartedAt: AT,
    at: AT + seq,
    msgid,
    seq,
    from: seq === 0 ? 'customer' : 'bot',
    kind: 'text',
    text,
  };
}

describe('report writes on SQLite', () => {
  it('keeps every count and entry asked for at once by many decisions, readable once awaited', async () => {
    const { store } = open();
    const writes: Promise<void>[] = [];
    for (let i = 0; i < 50; i++) {
      writes.push(store.activity.recordRuleOutcomes({ openKfId: 'wkA', at: AT, hits: ['欢迎语'] }));
      writes.push(
        store.sessions.recordSessionEntries([
          entry(`wm${i}`, `msg${i}`, 0, `你好 ${i}`),
          entry(`wm${i}`, `msg${i}`, 1, '欢迎'),
        ]),
      );
    }
    await Promise.all(writes);
    expect(await store.activity.listRuleOutcomes(daysQuery('UTC', '2026-12-07'))).toEqual([
      { day: '2026-12-07', openKfId: 'wkA', rule: '欢迎语', hits: 50, misses: 0 },
    ]);
    expect(await store.sessions.listSessions({ since: 0, limit: 100 })).toHaveLength(50);
    expect((await store.sessions.sessionEntries('wkA', 'wm7', AT)).map((e) => e.text)).toEqual([
      '你好 7',
      '欢迎',
    ]);
  });

  it('fails only the write that cannot be kept; the others asked for in the same turn are kept', async () => {
    const { store } = open();
    const bad = { openKfId: 'wkA', externalUserId: 'wmBad', at: AT, how: 'servicer' } as const;
    const results = await Promise.allSettled([
      store.activity.recordRuleOutcomes({ openKfId: 'wkA', at: AT, hits: ['转人工'] }),
      // NOT NULL: a session end without its customer cannot be stored.
      store.activity.recordSessionEnd({ ...bad, externalUserId: null as unknown as string }),
      store.sessions.recordSessionEntries([entry('wmOk', 'msgOk', 0, '在吗')]),
    ]);
    expect(results.map((r) => r.status)).toEqual(['fulfilled', 'rejected', 'fulfilled']);
    expect(await store.activity.listRuleOutcomes(daysQuery('UTC', '2026-12-07'))).toEqual([
      { day: '2026-12-07', openKfId: 'wkA', rule: '转人工', hits: 1, misses: 0 },
    ]);
    expect(await store.activity.countSessionEnds(daysQuery('UTC', '2026-12-07'))).toEqual([]);
    expect(await store.sessions.sessionEntries('wkA', 'wmOk', AT)).toHaveLength(1);
  });

  it('writes what was asked for before close, even when close comes in the same turn', async () => {
    const { store, file } = open();
    const asked = store.sessions.recordSessionEntries([entry('wmLast', 'msgLast', 0, '最后一句')]);
    const counted = store.activity.recordRuleOutcomes({ openKfId: 'wkA', at: AT, unmatched: true });
    await store.close();
    await Promise.all([asked, counted]);
    const db = new Database(file, { readonly: true });
    try {
      expect(db.prepare('SELECT text FROM session_entries').all()).toEqual([{ text: '最后一句' }]);
      // 08:00 UTC on 2026-12-07: that UTC day's row, its 08 hour.
      expect(db.prepare('SELECT day, messages_08 AS messages FROM unmatched_messages').all()).toEqual([
        { day: '2026-12-07', messages: 1 },
      ]);
    } finally {
      db.close();
    }
  });

  it('forgets a customer together with entries of theirs asked for in the same turn', async () => {
    const { store } = open();
    void store.sessions.recordSessionEntries([entry('wmGone', 'msgGone', 0, '我的手机号 13800000000')]);
    const report = await store.forgetCustomer('wmGone');
    expect(report.sessions).toBe(1);
    await new Promise((r) => setImmediate(r));
    expect(await store.sessions.sessionEntries('wkA', 'wmGone', AT)).toEqual([]);
  });
});
