/**
 * The session log's behaviour (session-log.ts), part of the store contract: SQLite and Redis both
 * run it (store-contract.ts calls it with the store under test).
 */
import { describe, expect, it } from 'vitest';
import type { SessionEntry } from '../../src/store/session-log.ts';
import type { Store } from '../../src/store/store.ts';

export function sessionLogContract(store: () => Store): void {
  describe('session log', () => {
    const T = Date.parse('2026-11-20T10:00:00Z');
    const entry = (extra: Partial<SessionEntry> & Pick<SessionEntry, 'msgid' | 'at'>): SessionEntry => ({
      openKfId: 'wkA',
      externalUserId: 'wm1',
      sessionStartedAt: T,
      seq: 0,
      from: 'customer',
      kind: 'text',
      text: '你好',
      ...extra,
    });

    it("keeps a session's entries in order, once each, with the rules and why", async () => {
      const s = store().sessions;
      await s.recordSessionEntries([
        entry({ msgid: 'm1', at: T, kind: 'enter_session', from: 'event', text: '进入会话' }),
        entry({
          msgid: 'm1',
          at: T + 1,
          seq: 1,
          from: 'bot',
          kind: 'msgmenu',
          text: '欢迎！',
          rules: ['欢迎语'],
        }),
      ]);
      const asked = entry({
        msgid: 'm2',
        at: T + 5000,
        text: '<script>退款</script>',
        rules: ['退款'],
        why: '✓ 退款: text 包含 退款',
      });
      await s.recordSessionEntries([
        asked,
        entry({ msgid: 'm2', at: T + 5001, seq: 1, from: 'bot', text: '3 天到账', rules: ['退款'] }),
      ]);
      await s.recordSessionEntries([asked]); // a redelivered message: not kept twice
      await s.recordSessionEntries([
        entry({ msgid: 'm3', at: T + 9000, from: 'servicer', text: '我来帮您' }),
      ]);
      const entries = await s.sessionEntries('wkA', 'wm1', T);
      expect(entries.map((e) => [e.from, e.text])).toEqual([
        ['event', '进入会话'],
        ['bot', '欢迎！'],
        ['customer', '<script>退款</script>'],
        ['bot', '3 天到账'],
        ['servicer', '我来帮您'],
      ]);
      expect(entries[2]).toEqual(asked);
      expect(await s.sessionEntries('wkA', 'wm1', T + 1)).toEqual([]);
    });

    it('lists sessions most recent first, with first and last times and messages by who wrote them', async () => {
      const s = store().sessions;
      await s.recordSessionEntries([
        entry({ msgid: 'a1', at: T }),
        entry({ msgid: 'a1', at: T + 1, seq: 1, from: 'bot' }),
        entry({ msgid: 'a2', at: T + 60_000, from: 'servicer' }),
        entry({ msgid: 'b1', at: T + 10, externalUserId: 'wm2', sessionStartedAt: T + 10 }),
        entry({ msgid: 'c1', at: T + 20, openKfId: 'wkB', externalUserId: 'wm3', sessionStartedAt: T + 20 }),
      ]);
      const all = await s.listSessions({ since: 0, limit: 10 });
      expect(all.map((x) => [x.openKfId, x.externalUserId])).toEqual([
        ['wkB', 'wm3'],
        ['wkA', 'wm2'],
        ['wkA', 'wm1'],
      ]);
      expect(all[2]).toEqual({
        openKfId: 'wkA',
        externalUserId: 'wm1',
        sessionStartedAt: T,
        firstAt: T,
        lastAt: T + 60_000,
        messages: { customer: 1, bot: 1, servicer: 1, event: 0 },
      });
      expect(
        (await s.listSessions({ since: 0, limit: 10, openKfId: 'wkA' })).map((x) => x.externalUserId),
      ).toEqual(['wm2', 'wm1']);
      expect((await s.listSessions({ since: T + 5, limit: 1 })).map((x) => x.externalUserId)).toEqual([
        'wm3',
      ]);
      expect(
        (await s.listSessions({ since: 0, until: T + 20, limit: 10 })).map((x) => x.externalUserId),
      ).toEqual(['wm2', 'wm1']);
    });

    it('purges sessions begun before a time, and forgets every session of one customer', async () => {
      const s = store().sessions;
      await s.recordSessionEntries([
        entry({ msgid: 'p1', at: T }),
        entry({ msgid: 'p2', at: T + 100, sessionStartedAt: T + 100 }),
        entry({ msgid: 'p3', at: T + 100, openKfId: 'wkB', sessionStartedAt: T + 100 }),
        entry({ msgid: 'p4', at: T + 200, externalUserId: 'wm2', sessionStartedAt: T + 200 }),
      ]);
      expect(await s.purgeSessions(T + 50)).toBe(1);
      expect(await s.sessionEntries('wkA', 'wm1', T)).toEqual([]);
      expect(await s.forgetSessions('wm1')).toBe(2);
      expect((await s.listSessions({ since: 0, limit: 10 })).map((x) => x.externalUserId)).toEqual(['wm2']);
      expect(await s.forgetSessions('wm1')).toBe(0);
    });
  });
}
