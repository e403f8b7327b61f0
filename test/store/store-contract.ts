/**
 * The behaviour every Store must have (BullMQ's adapter-conformance idea): the SQLite and the
 * Redis store both run this one suite.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { emptyState } from '../../src/rules/conversation-state.ts';
import { daysQuery } from '../../src/store/activity-days.ts';
import type { SessionEndHow } from '../../src/store/activity-log.ts';
import type { Conversation, MessageRecord, SendRecord, Store } from '../../src/store/store.ts';
import { ruleVersionsContract } from './rule-versions-contract.ts';
import { sessionLogContract } from './session-log-contract.ts';

export interface ContractOptions {
  /** Closes the store and opens it again on the same data. */
  reopen?: (s: Store) => Promise<Store>;
  /**
   * For a store whose records expire by themselves (so purge() has nothing to do): the remaining
   * time to live, in ms, of a message or send record.
   */
  ttlOf?: (kind: 'msg' | 'send' | 'draft', id: string) => Promise<number>;
  /** Writes a lease owner to `key` (for stores that fence the cursor). */
  setLeaseOwner?: (key: string, token: string) => Promise<void>;
}

export function storeContract(name: string, open: () => Promise<Store>, options: ContractOptions = {}): void {
  const { reopen } = options;
  describe(`${name} store`, () => {
    let store: Store;
    beforeEach(async () => {
      store = await open();
    });
    afterEach(async () => {
      await store.close();
    });

    const message = (msgid: string, extra: Partial<MessageRecord> = {}): MessageRecord => ({
      msgid,
      openKfId: 'wkA',
      externalUserId: 'wm1',
      status: 'planned',
      plan: '{"calls":[]}',
      createdAt: 1000,
      ...extra,
    });
    const conversation = (misses: number): Conversation => ({
      state: { ...emptyState(), misses },
      quotaUsed: 1,
      lastCustomerAt: 5,
    });
    const send = (key: string, extra: Partial<SendRecord> = {}): SendRecord => ({
      key,
      inboundMsgid: 'm1',
      openKfId: 'wkA',
      externalUserId: 'wm1',
      api: 'kf/send_msg',
      rule: '欢迎语',
      status: 'attempting',
      attempts: 1,
      updatedAt: 1000,
      ...extra,
    });

    it('stores a cursor per account', async () => {
      expect(await store.getCursor('wkA')).toBeUndefined();
      await store.setCursor('wkA', 'c1');
      await store.setCursor('wkA', 'c2');
      await store.setCursor('wkB', 'x');
      expect(await store.getCursor('wkA')).toBe('c2');
    });

    it('records a message once, with its conversation in the same step', async () => {
      expect(
        await store.recordMessage(message('m1'), {
          openKfId: 'wkA',
          externalUserId: 'wm1',
          value: conversation(1),
        }),
      ).toBe(true);
      expect(
        await store.recordMessage(message('m1'), {
          openKfId: 'wkA',
          externalUserId: 'wm1',
          value: conversation(9),
        }),
      ).toBe(false);
      expect((await store.getConversation('wkA', 'wm1'))?.state.misses).toBe(1);
      expect(await store.getMessage('m1')).toEqual(message('m1'));
      await store.finishMessage('m1', 'done', 'ok');
      expect(await store.getMessage('m1')).toMatchObject({ status: 'done', note: 'ok' });
    });

    it("replaces a planned message's plan after a call, with the conversation in the same step, and never a finished one's", async () => {
      await store.recordMessage(message('m1'), {
        openKfId: 'wkA',
        externalUserId: 'wm1',
        value: conversation(1),
      });
      const after = '{"v":1,"calls":[{"api":"kf/send_msg"}],"dropped":[]}';
      expect(
        await store.replanMessage('m1', after, {
          openKfId: 'wkA',
          externalUserId: 'wm1',
          value: conversation(4),
        }),
      ).toBe(true);
      expect(await store.getMessage('m1')).toEqual(message('m1', { plan: after }));
      expect((await store.getConversation('wkA', 'wm1'))?.state.misses).toBe(4);
      await store.finishMessage('m1', 'done');
      expect(
        await store.replanMessage('m1', '{}', {
          openKfId: 'wkA',
          externalUserId: 'wm1',
          value: conversation(9),
        }),
      ).toBe(false);
      expect(await store.getMessage('m1')).toMatchObject({ status: 'done', plan: after });
      expect((await store.getConversation('wkA', 'wm1'))?.state.misses).toBe(4);
      expect(await store.replanMessage('missing', '{}')).toBe(false);
    });

    it('keeps send records by client msgid', async () => {
      await store.putSend(send('kf1'));
      await store.putSend(send('kf1', { status: 'sent', attempts: 2, response: '{"errcode":0}' }));
      expect(await store.getSend('kf1')).toEqual(
        send('kf1', { status: 'sent', attempts: 2, response: '{"errcode":0}' }),
      );
      await store.putSend(send('kf2', { status: 'refused', errcode: 95018 }));
      expect((await store.getSend('kf2'))?.errcode).toBe(95018);
      expect(await store.getSend('nope')).toBeUndefined();
    });

    it('keeps conversations per account and customer', async () => {
      await store.putConversation('wkA', 'wm1', conversation(2));
      await store.putConversation('wkB', 'wm1', conversation(3));
      expect((await store.getConversation('wkA', 'wm1'))?.state.misses).toBe(2);
      expect((await store.getConversation('wkB', 'wm1'))?.state.misses).toBe(3);
      expect(await store.getConversation('wkA', 'wm2')).toBeUndefined();
    });

    describe('idle timers', () => {
      const silent = (dueAt: number | undefined): Conversation => ({
        ...conversation(0),
        ...(dueAt !== undefined && { silence: { since: dueAt - 300_000, fired: [] }, idleDueAt: dueAt }),
      });

      it('indexes a conversation’s next idle rule with the conversation, and drops it when it has none', async () => {
        await store.putConversation('wkA', 'wm1', silent(5000));
        await store.putConversation('wkA', 'wm2', silent(3000));
        await store.putConversation('wkB', 'wm1', silent(4000));
        expect(await store.nextIdleDue()).toBe(3000);
        expect(await store.dueIdle('wkA', 4000, 10)).toEqual([
          { openKfId: 'wkA', externalUserId: 'wm2', dueAt: 3000 },
        ]);
        expect((await store.dueIdle('wkA', 9000, 10)).map((d) => d.externalUserId)).toEqual(['wm2', 'wm1']);
        expect(await store.dueIdle('wkA', 9000, 1)).toHaveLength(1);
        await store.putConversation('wkA', 'wm2', silent(undefined));
        expect(await store.dueIdle('wkA', 9000, 10)).toEqual([
          { openKfId: 'wkA', externalUserId: 'wm1', dueAt: 5000 },
        ]);
        await store.clearIdleDue('wkA', 'wm1');
        expect(await store.dueIdle('wkA', 9000, 10)).toEqual([]);
        expect(await store.nextIdleDue()).toBe(4000);
      });

      it('sets a timer only when the message that made it is recorded', async () => {
        const value = silent(2000);
        expect(
          await store.recordMessage(message('t1'), { openKfId: 'wkA', externalUserId: 'wm1', value }),
        ).toBe(true);
        expect(await store.dueIdle('wkA', 2000, 10)).toHaveLength(1);
        const later = silent(7000);
        expect(
          await store.recordMessage(message('t1'), { openKfId: 'wkA', externalUserId: 'wm1', value: later }),
        ).toBe(false);
        expect((await store.dueIdle('wkA', 9000, 10))[0]?.dueAt).toBe(2000);
      });

      it('lets one claimer at a time ask for an account’s due timers, until the claim expires', async () => {
        await store.putConversation('wkA', 'wm1', silent(1000));
        await store.putConversation('wkB', 'wm1', silent(1000));
        await store.putConversation('wkC', 'wm1', silent(Date.now() + 3_600_000));
        const now = Date.now();
        expect((await store.claimDueIdleAccounts(now, 200)).sort()).toEqual(['wkA', 'wkB']);
        expect(await store.claimDueIdleAccounts(now, 200)).toEqual([]);
        await new Promise((r) => setTimeout(r, 250));
        expect((await store.claimDueIdleAccounts(Date.now(), 200)).sort()).toEqual(['wkA', 'wkB']);
      });
    });

    it('caches tokens and only forgets the one that was rejected', async () => {
      // Real epoch times: the Redis store expires entries by them.
      const expiresAt = Date.now() + 3600_000;
      await store.putAccessToken('k', { token: 'A', expiresAt });
      await store.deleteAccessTokenIfMatches('k', 'B');
      expect(await store.getAccessToken('k')).toEqual({ token: 'A', expiresAt });
      await store.deleteAccessTokenIfMatches('k', 'A');
      expect(await store.getAccessToken('k')).toBeUndefined();
    });

    it('keeps unreadable records aside with their key and reason, every one of them', async () => {
      expect(await store.keptAside()).toEqual([]);
      await store.keepAside('conv:wk1:wm1', '{"quotaUsed":"x"}', 'quotaUsed is not a number');
      await store.keepAside('conv:wk1:wm1', 'garbage', 'it is not JSON');
      const kept = await store.keptAside();
      expect(kept.map((k) => [k.key, k.value, k.reason])).toEqual([
        ['conv:wk1:wm1', '{"quotaUsed":"x"}', 'quotaUsed is not a number'],
        ['conv:wk1:wm1', 'garbage', 'it is not JSON'],
      ]);
      expect(kept.every((k) => typeof k.at === 'number')).toBe(true);
    });

    it('caches media ids', async () => {
      const createdAt = Date.now();
      await store.putMedia('image:abc', { mediaId: 'M1', createdAt });
      expect(await store.getMedia('image:abc')).toEqual({ mediaId: 'M1', createdAt });
    });

    it('finds a cached media id with the file it came from, until a new upload replaces it', async () => {
      const createdAt = Date.now();
      const file = { path: '/srv/rules/media/qr.png', type: 'image' as const };
      await store.putMedia('image:qr', { mediaId: 'M1', createdAt, file });
      expect(await store.getMedia('image:qr')).toEqual({ mediaId: 'M1', createdAt, file });
      expect(await store.findMedia('M1')).toEqual({ key: 'image:qr', mediaId: 'M1', createdAt, file });
      await store.putMedia('image:qr', { mediaId: 'M2', createdAt: createdAt + 1, file });
      expect(await store.findMedia('M1')).toBeUndefined();
      expect(await store.findMedia('M2')).toMatchObject({ key: 'image:qr', file });
      expect(await store.findMedia('written-in-the-rules')).toBeUndefined();
    });

    const ttlOf = options.ttlOf;
    if (ttlOf) {
      it('lets message and send records expire after WeCom’s 3-day retention', async () => {
        await store.recordMessage(message('m-ttl'));
        await store.putSend(send('s-ttl'));
        const threeDays = 3 * 24 * 3600_000;
        for (const ttl of [await ttlOf('msg', 'm-ttl'), await ttlOf('send', 's-ttl')]) {
          expect(ttl).toBeGreaterThan(threeDays);
          expect(ttl).toBeLessThan(threeDays + 2 * 3600_000);
        }
      });
    } else
      it('purges finished records older than the retention, never unfinished ones', async () => {
        await store.recordMessage(message('old-done', { createdAt: 10 }));
        await store.finishMessage('old-done', 'done');
        await store.recordMessage(message('old-planned', { createdAt: 10 }));
        await store.recordMessage(message('new', { createdAt: 5000 }));
        await store.putSend(send('s-old', { status: 'sent', updatedAt: 10 }));
        await store.putSend(send('s-unknown', { status: 'attempting', updatedAt: 10 }));
        expect(await store.purge(1000)).toEqual({ messages: 1, sends: 1 });
        expect(await store.getMessage('old-done')).toBeUndefined();
        expect(await store.getMessage('old-planned')).toBeDefined();
        expect(await store.getSend('s-unknown')).toBeDefined();
      });

    if (options.setLeaseOwner) {
      const setOwner = options.setLeaseOwner;
      it('moves a fenced cursor only while the lease is held by the writer', async () => {
        await setOwner('lease-test', 'me');
        await store.setCursor('wkA', 'c1', { key: 'lease-test', token: 'me' });
        await setOwner('lease-test', 'someone-else');
        await expect(store.setCursor('wkA', 'c2', { key: 'lease-test', token: 'me' })).rejects.toMatchObject({
          code: 'LEASE_LOST',
        });
        expect(await store.getCursor('wkA')).toBe('c1');
      });
    }

    describe('unanswered questions', () => {
      const sighting = (text: string, at: number, example = text, openKfId = 'wkA') => ({
        openKfId,
        text,
        example,
        at,
        candidates: [{ id: 'refund_time', score: 0.41, question: '退款多久到账？' }],
      });

      it('groups sightings by account and normalised text, counting them with first and last seen', async () => {
        await store.recordUnanswered(sighting('要运费', 1000, '要运费吗？'));
        await store.recordUnanswered(sighting('要运费', 3000, '要运费吗'));
        await store.recordUnanswered(sighting('要运费', 2000, '要运费吗！'));
        await store.recordUnanswered(sighting('尺码怎么选', 1500));
        await store.recordUnanswered(sighting('要运费', 1200, '要运费吗', 'wkB'));
        const rows = await store.listUnanswered(0, 10);
        expect(rows[0]).toEqual({
          openKfId: 'wkA',
          text: '要运费',
          example: '要运费吗',
          count: 3,
          firstSeen: 1000,
          lastSeen: 3000,
          candidates: [{ id: 'refund_time', score: 0.41, question: '退款多久到账？' }],
          chosen: {},
        });
        expect(rows.slice(1).map((r) => [r.openKfId, r.text, r.count])).toEqual([
          ['wkA', '尺码怎么选', 1],
          ['wkB', '要运费', 1],
        ]);
      });

      it('counts the items customers chose from 猜你想问 for a group, and never makes a group of a choice', async () => {
        await store.recordUnanswered(sighting('换个颜色', 1000));
        await store.recordUnanswered(sighting('换个颜色', 900, '换个颜色', 'wkB'));
        await store.recordChoice({ openKfId: 'wkA', text: '换个颜色', item: 'return_policy' });
        await store.recordChoice({ openKfId: 'wkA', text: '换个颜色', item: 'return_policy' });
        await store.recordChoice({ openKfId: 'wkA', text: '换个颜色', item: 'order_change-2' });
        // No group for this text (purged, or never kept): the choice is dropped, nothing is listed.
        await store.recordChoice({ openKfId: 'wkA', text: '没见过', item: 'return_policy' });
        const rows = await store.listUnanswered(0, 10);
        expect(rows.map((r) => [r.openKfId, r.text, r.count, r.chosen])).toEqual([
          ['wkA', '换个颜色', 1, { return_policy: 2, 'order_change-2': 1 }],
          ['wkB', '换个颜色', 1, {}],
        ]);
        // A later sighting keeps the choices.
        await store.recordUnanswered(sighting('换个颜色', 2000));
        expect((await store.listUnanswered(0, 10, 'wkA'))[0]?.chosen).toEqual({
          return_policy: 2,
          'order_change-2': 1,
        });
      });

      it('lists only groups seen since a time, at most the limit, most frequent first', async () => {
        for (const at of [100, 200, 300]) await store.recordUnanswered(sighting('a', at));
        await store.recordUnanswered(sighting('b', 5000));
        await store.recordUnanswered(sighting('c', 6000));
        await store.recordUnanswered(sighting('c', 6001));
        expect((await store.listUnanswered(4000, 10)).map((r) => r.text)).toEqual(['c', 'b']);
        expect((await store.listUnanswered(0, 2)).map((r) => r.text)).toEqual(['a', 'c']);
      });

      it('lists one account’s groups when asked, the limit counting only those', async () => {
        await store.recordUnanswered(sighting('a', 100, 'a', 'wkB'));
        await store.recordUnanswered(sighting('a', 200, 'a', 'wkB'));
        await store.recordUnanswered(sighting('b', 300));
        await store.recordUnanswered(sighting('c', 400, 'c', 'wkB'));
        const rows = await store.listUnanswered(0, 1, 'wkB');
        expect(rows.map((r) => [r.openKfId, r.text, r.count])).toEqual([['wkB', 'a', 2]]);
        expect((await store.listUnanswered(0, 10, 'wkA')).map((r) => r.text)).toEqual(['b']);
        expect(await store.listUnanswered(0, 10, 'wkZ')).toEqual([]);
      });

      it('purges groups last seen before the retention cutoff, and only those', async () => {
        await store.recordUnanswered(sighting('old', 100));
        await store.recordUnanswered(sighting('kept', 100));
        await store.recordUnanswered(sighting('kept', 9000));
        expect(await store.purgeUnanswered(5000)).toBe(1);
        expect((await store.listUnanswered(0, 10)).map((r) => [r.text, r.count])).toEqual([['kept', 2]]);
        await store.recordUnanswered(sighting('old', 9500));
        expect((await store.listUnanswered(0, 10)).find((r) => r.text === 'old')?.count).toBe(1);
      });
    });

    describe('activity', () => {
      // 2026-11-20 and the two days after it, UTC; each time is well inside its day.
      const D1 = Date.parse('2026-11-20T10:00:00Z');
      const D2 = D1 + 86_400_000;
      const D3 = D2 + 86_400_000;
      const end = (at: number, how: SessionEndHow, openKfId = 'wkA', externalUserId = 'wm1') => ({
        openKfId,
        externalUserId,
        at,
        how,
      });
      const score = (at: number, value: number, sessionStartedAt = D1, externalUserId = 'wm1') => ({
        openKfId: 'wkA',
        externalUserId,
        sessionStartedAt,
        score: value,
        clickId: `rate_${value}`,
        at,
      });

      it('counts hits and misses per day, account and rule, and the messages no rule matched', async () => {
        const a = store.activity;
        await a.recordRuleOutcomes({ openKfId: 'wkA', at: D1, hits: ['欢迎语', 'main → 退款'] });
        await a.recordRuleOutcomes({
          openKfId: 'wkA',
          at: D1 + 3600_000,
          hits: ['main → 退款'],
          misses: ['main → 退款'],
        });
        await a.recordRuleOutcomes({ openKfId: 'wkA', at: D1, unmatched: true });
        await a.recordRuleOutcomes({ openKfId: 'wkA', at: D1 + 60_000, unmatched: true });
        await a.recordRuleOutcomes({ openKfId: 'wkB', at: D2, hits: ['欢迎语'], unmatched: true });
        await a.recordRuleOutcomes({ openKfId: 'wkA', at: D2, misses: ['没听懂'] });
        expect(await a.listRuleOutcomes(daysQuery('UTC', '2026-11-20'))).toEqual([
          { day: '2026-11-20', openKfId: 'wkA', rule: 'main → 退款', hits: 2, misses: 1 },
          { day: '2026-11-20', openKfId: 'wkA', rule: '欢迎语', hits: 1, misses: 0 },
          { day: '2026-11-21', openKfId: 'wkA', rule: '没听懂', hits: 0, misses: 1 },
          { day: '2026-11-21', openKfId: 'wkB', rule: '欢迎语', hits: 1, misses: 0 },
        ]);
        expect(await a.listUnmatched(daysQuery('UTC', '2026-11-20'))).toEqual([
          { day: '2026-11-20', openKfId: 'wkA', messages: 2 },
          { day: '2026-11-21', openKfId: 'wkB', messages: 1 },
        ]);
      });

      it('counts replies delivered in part, with the parts sent of the parts they had, apart from misses', async () => {
        const a = store.activity;
        await a.recordRuleOutcomes({
          openKfId: 'wkA',
          at: D1,
          hits: ['退货政策'],
          partly: [{ rule: '退货政策', sent: 1, of: 3 }],
        });
        await a.recordRuleOutcomes({
          openKfId: 'wkA',
          at: D1 + 3600_000,
          hits: ['退货政策'],
          partly: [{ rule: '退货政策', sent: 2, of: 3 }],
        });
        await a.recordRuleOutcomes({ openKfId: 'wkB', at: D2, hits: ['退货政策'], misses: ['退货政策'] });
        const q = daysQuery('UTC', '2026-11-20');
        expect(await a.listPartlyDelivered(q)).toEqual([
          { day: '2026-11-20', openKfId: 'wkA', rule: '退货政策', messages: 2, sent: 3, parts: 6 },
        ]);
        expect(await a.listRuleOutcomes(q)).toEqual([
          { day: '2026-11-20', openKfId: 'wkA', rule: '退货政策', hits: 2, misses: 0 },
          { day: '2026-11-21', openKfId: 'wkB', rule: '退货政策', hits: 1, misses: 1 },
        ]);
        expect(await a.listPartlyDelivered({ ...q, openKfId: 'wkB' })).toEqual([]);
        await a.purgeActivity(D2);
        expect(await a.listPartlyDelivered(q)).toEqual([]);
      });

      it('reads whole days from the first day asked, of one account when asked', async () => {
        const a = store.activity;
        await a.recordRuleOutcomes({ openKfId: 'wkA', at: D1, hits: ['r'], unmatched: true });
        await a.recordRuleOutcomes({ openKfId: 'wkA', at: D2, hits: ['r'], unmatched: true });
        await a.recordRuleOutcomes({ openKfId: 'wkB', at: D2, hits: ['r'], unmatched: true });
        await a.recordSessionEnd(end(D1, 'servicer'));
        await a.recordSessionEnd(end(D2, 'servicer', 'wkB'));
        await a.recordScore(score(D1, 5));
        await a.recordScore(score(D2, 4, D2, 'wm2'));
        const q = daysQuery('UTC', '2026-11-21', undefined, 'wkA');
        expect((await a.listRuleOutcomes(q)).map((r) => [r.day, r.openKfId])).toEqual([
          ['2026-11-21', 'wkA'],
        ]);
        expect((await a.listUnmatched(q)).map((r) => [r.day, r.openKfId])).toEqual([['2026-11-21', 'wkA']]);
        expect(await a.countSessionEnds(q)).toEqual([]);
        expect((await a.listScores(q)).map((s) => s.score)).toEqual([4]);
        expect((await a.countSessionEnds(daysQuery('UTC', '2026-11-21'))).map((r) => r.openKfId)).toEqual([
          'wkB',
        ]);
        expect((await a.listScores(daysQuery('UTC', '2026-11-20'))).map((s) => s.score)).toEqual([5, 4]);
      });

      it('keeps one score per customer session: a later click replaces it, a replayed older one does not', async () => {
        const a = store.activity;
        await a.recordScore(score(D1 + 1000, 3));
        await a.recordScore(score(D1 + 2000, 5));
        await a.recordScore(score(D1 + 1500, 1));
        await a.recordScore(score(D1 + 3000, 2, D1 + 2500));
        await a.recordScore(score(D1 + 4000, 4, D1, 'wm2'));
        expect(await a.listScores(daysQuery('UTC', '2026-11-20'))).toEqual([
          score(D1 + 2000, 5),
          score(D1 + 3000, 2, D1 + 2500),
          score(D1 + 4000, 4, D1, 'wm2'),
        ]);
      });

      it('counts session ends per day, account and how', async () => {
        const a = store.activity;
        for (const how of ['timeout', 'servicer', 'servicer', 'bot', 'handover'] as const)
          await a.recordSessionEnd(end(D1, how));
        await a.recordSessionEnd(end(D1 + 13 * 3600_000, 'timeout', 'wkA', 'wm2')); // 23:00 UTC, same day
        await a.recordSessionEnd(end(D2, 'handover', 'wkB'));
        expect(await a.countSessionEnds(daysQuery('UTC', '2026-11-20'))).toEqual([
          { day: '2026-11-20', openKfId: 'wkA', how: 'bot', count: 1 },
          { day: '2026-11-20', openKfId: 'wkA', how: 'handover', count: 1 },
          { day: '2026-11-20', openKfId: 'wkA', how: 'servicer', count: 2 },
          { day: '2026-11-20', openKfId: 'wkA', how: 'timeout', count: 2 },
          { day: '2026-11-21', openKfId: 'wkB', how: 'handover', count: 1 },
        ]);
      });

      it('purges the hours before the cutoff’s hour whole, and the scores given before the cutoff', async () => {
        const a = store.activity;
        for (const at of [D1, D2, D3]) {
          await a.recordRuleOutcomes({ openKfId: 'wkA', at, hits: ['r'], unmatched: true });
          await a.recordSessionEnd(end(at, 'bot'));
          await a.recordScore(score(at, 5, at));
        }
        // The cutoff falls in the middle of D2's 10:00 hour: D1 goes, that hour stays whole; D2's
        // score (10:00) goes.
        expect(await a.purgeActivity(D2 + 1800_000)).toEqual({ hours: 1, scores: 2 });
        const all = daysQuery('UTC', '2026-01-01');
        expect((await a.listRuleOutcomes(all)).map((r) => r.day)).toEqual(['2026-11-21', '2026-11-22']);
        expect((await a.listUnmatched(all)).map((r) => r.day)).toEqual(['2026-11-21', '2026-11-22']);
        expect((await a.countSessionEnds(all)).map((r) => r.day)).toEqual(['2026-11-21', '2026-11-22']);
        expect((await a.listScores(all)).map((s) => s.at)).toEqual([D3]);
        expect(await a.purgeActivity(D2 + 1800_000)).toEqual({ hours: 0, scores: 0 });
      });
    });

    describe('signed-out console sessions', () => {
      it('refuses a signed-out session until its cookie would expire, and no other', async () => {
        const until = Date.now() + 60_000;
        await store.signedOut.signOutSession('hash-a', until);
        expect(await store.signedOut.isSignedOut('hash-a', Date.now())).toBe(true);
        expect(await store.signedOut.isSignedOut('hash-b', Date.now())).toBe(false);
        expect(await store.signedOut.isSignedOut('hash-a', until)).toBe(false);
      });
    });

    describe('activity days in settings.timezone', () => {
      const at = (iso: string) => Date.parse(iso);
      const ends = (openKfId: string, t: number) => ({
        openKfId,
        externalUserId: `wm${t}`,
        at: t,
        how: 'bot' as const,
      });
      const score = (t: number, value: number) => ({
        openKfId: 'wkA',
        externalUserId: `wm${t}`,
        sessionStartedAt: t - 60_000,
        score: value,
        clickId: `rate_${value}`,
        at: t,
      });
      const days = (rows: { day: string }[]) => rows.map((r) => r.day);

      it('counts a message at 23:30 Beijing time on that Beijing date, and on the UTC date it was in UTC', async () => {
        const a = store.activity;
        // 2026-03-01T23:30+08:00 is 15:30Z the same date; 2026-03-02T00:30+08:00 is 16:30Z on 03-01.
        await a.recordRuleOutcomes({ openKfId: 'wkA', at: at('2026-03-01T23:30:00+08:00'), hits: ['r'] });
        await a.recordRuleOutcomes({
          openKfId: 'wkA',
          at: at('2026-03-02T00:30:00+08:00'),
          hits: ['r'],
          unmatched: true,
        });
        await a.recordSessionEnd(ends('wkA', at('2026-03-02T00:30:00+08:00')));
        await a.recordScore(score(at('2026-03-02T00:30:00+08:00'), 4));
        const shanghai = daysQuery('Asia/Shanghai', '2026-03-01', '2026-03-02');
        expect(await a.listRuleOutcomes(shanghai)).toEqual([
          { day: '2026-03-01', openKfId: 'wkA', rule: 'r', hits: 1, misses: 0 },
          { day: '2026-03-02', openKfId: 'wkA', rule: 'r', hits: 1, misses: 0 },
        ]);
        expect(days(await a.listUnmatched(shanghai))).toEqual(['2026-03-02']);
        expect(days(await a.countSessionEnds(shanghai))).toEqual(['2026-03-02']);
        const utc = daysQuery('UTC', '2026-03-01', '2026-03-02');
        expect(await a.listRuleOutcomes(utc)).toEqual([
          { day: '2026-03-01', openKfId: 'wkA', rule: 'r', hits: 2, misses: 0 },
        ]);
        expect(days(await a.listUnmatched(utc))).toEqual(['2026-03-01']);
        expect(days(await a.countSessionEnds(utc))).toEqual(['2026-03-01']);
        // One Beijing day asked: the 00:30 message of the next is not in it, whatever UTC says.
        const first = daysQuery('Asia/Shanghai', '2026-03-01', '2026-03-01');
        expect(await a.listRuleOutcomes(first)).toEqual([
          { day: '2026-03-01', openKfId: 'wkA', rule: 'r', hits: 1, misses: 0 },
        ]);
        expect(await a.listUnmatched(first)).toEqual([]);
        expect(await a.countSessionEnds(first)).toEqual([]);
        expect(await a.listScores(first)).toEqual([]);
        expect(
          (await a.listScores(daysQuery('Asia/Shanghai', '2026-03-02', '2026-03-02'))).map((s) => s.score),
        ).toEqual([4]);
      });

      it('follows daylight saving time: America/New_York days of 23 and 25 hours begin at local midnight', async () => {
        const a = store.activity;
        // 2026-03-08 springs forward (23 h, from 05:00Z); 2026-11-01 falls back (25 h, to 05:00Z on 11-02).
        const times = [
          '2026-03-07T23:30:00-05:00', // 03-08T04:30Z
          '2026-03-08T00:30:00-05:00', // 03-08T05:30Z
          '2026-03-08T23:30:00-04:00', // 03-09T03:30Z: still 03-08 in New York
          '2026-03-09T00:30:00-04:00', // 03-09T04:30Z
          '2026-11-01T00:30:00-04:00', // 11-01T04:30Z
          '2026-11-01T23:30:00-05:00', // 11-02T04:30Z: still 11-01 in New York
          '2026-11-02T00:30:00-05:00', // 11-02T05:30Z
        ];
        for (const t of times) await a.recordRuleOutcomes({ openKfId: 'wkA', at: at(t), hits: ['r'] });
        const ny = await a.listRuleOutcomes(daysQuery('America/New_York', '2026-03-07', '2026-11-02'));
        expect(ny.map((r) => [r.day, r.hits])).toEqual([
          ['2026-03-07', 1],
          ['2026-03-08', 2],
          ['2026-03-09', 1],
          ['2026-11-01', 2],
          ['2026-11-02', 1],
        ]);
        const fallBack = await a.listRuleOutcomes(daysQuery('America/New_York', '2026-11-01', '2026-11-01'));
        expect(fallBack.map((r) => [r.day, r.hits])).toEqual([['2026-11-01', 2]]);
      });

      it('counts the first half hour after midnight in Asia/Kolkata (UTC+5:30) on the day before, as documented', async () => {
        const a = store.activity;
        // 00:10 IST is 18:40Z, in the UTC hour that began at 23:30 IST: that hour counts whole on 03-01.
        await a.recordRuleOutcomes({ openKfId: 'wkA', at: at('2026-03-02T00:10:00+05:30'), hits: ['r'] });
        // 00:40 IST is 19:10Z, in the hour that began at 00:30 IST: 03-02.
        await a.recordRuleOutcomes({ openKfId: 'wkA', at: at('2026-03-02T00:40:00+05:30'), hits: ['r'] });
        const rows = await a.listRuleOutcomes(daysQuery('Asia/Kolkata', '2026-03-01', '2026-03-02'));
        expect(rows.map((r) => [r.day, r.hits])).toEqual([
          ['2026-03-01', 1],
          ['2026-03-02', 1],
        ]);
      });
    });

    sessionLogContract(() => store);
    ruleVersionsContract(() => store);

    describe('console drafts', () => {
      const T = Date.UTC(2026, 11, 7, 10);
      it("gives back each console session's draft as it was put, and nothing after it is deleted", async () => {
        expect(await store.drafts.getDraft('s1', T)).toBeUndefined();
        await store.drafts.putDraft('s1', '{"edits":[1]}', T);
        await store.drafts.putDraft('s2', '{"edits":[2]}', T);
        await store.drafts.putDraft('s1', '{"edits":[1,3]}', T + 1);
        expect(await store.drafts.getDraft('s1', T + 2)).toBe('{"edits":[1,3]}');
        expect(await store.drafts.getDraft('s2', T + 2)).toBe('{"edits":[2]}');
        await store.drafts.deleteDraft('s1');
        expect(await store.drafts.getDraft('s1', T + 3)).toBeUndefined();
        expect(await store.drafts.getDraft('s2', T + 3)).toBe('{"edits":[2]}');
      });

      it('drops a draft nobody touched for 30 days, and keeps one touched since', async () => {
        const month = 30 * 86_400_000;
        await store.drafts.putDraft('old', '{}', T);
        await store.drafts.putDraft('kept', '{}', T);
        await store.drafts.putDraft('kept', '{"v":2}', T + month / 2);
        if (options.ttlOf) {
          // Redis expires keys by the clock: the key carries the 30 days itself.
          const ttl = await options.ttlOf('draft', 'old');
          expect(ttl).toBeGreaterThan(month - 60_000);
          expect(ttl).toBeLessThanOrEqual(month);
        } else {
          expect(await store.drafts.getDraft('old', T + month + 1)).toBeUndefined();
          expect(await store.drafts.getDraft('kept', T + month + 1)).toBe('{"v":2}');
        }
      });
    });

    describe('question embeddings', () => {
      it('gives back the vectors it was given, by key, and nothing for keys it never had', async () => {
        const a = Float32Array.from([0.6, -0.8, 0]);
        const b = Float32Array.from([1, 0, 0.25]);
        await store.embeddings.putEmbeddings(
          new Map([
            ['k-a', a],
            ['k-b', b],
          ]),
        );
        const got = await store.embeddings.getEmbeddings(['k-b', 'k-missing', 'k-a']);
        expect([...got.keys()].sort()).toEqual(['k-a', 'k-b']);
        expect([...(got.get('k-a') as Float32Array)]).toEqual([...a]);
        expect([...(got.get('k-b') as Float32Array)]).toEqual([...b]);
        expect((await store.embeddings.getEmbeddings([])).size).toBe(0);
        await store.embeddings.putEmbeddings(new Map([['k-a', b]]));
        expect([...((await store.embeddings.getEmbeddings(['k-a'])).get('k-a') as Float32Array)]).toEqual([
          ...b,
        ]);
      });

      it('deletes the vectors no longer kept, and only those', async () => {
        const v = Float32Array.from([1, 0]);
        await store.embeddings.putEmbeddings(
          new Map([
            ['k-kept', v],
            ['k-old-question', v],
            ['k-old-model', v],
          ]),
        );
        expect(await store.embeddings.pruneEmbeddings(new Set(['k-kept', 'k-never-stored']))).toBe(2);
        const got = await store.embeddings.getEmbeddings(['k-kept', 'k-old-question', 'k-old-model']);
        expect([...got.keys()]).toEqual(['k-kept']);
        expect(await store.embeddings.pruneEmbeddings(new Set(['k-kept']))).toBe(0);
      });
    });

    it('answers ping while open', async () => {
      await expect(store.ping()).resolves.toBeUndefined();
    });

    if (reopen) {
      it('keeps everything across a reopen', async () => {
        await store.setCursor('wkA', 'c9');
        await store.recordMessage(message('m9'));
        await store.embeddings.putEmbeddings(new Map([['q', Float32Array.from([0.5, 0.5])]]));
        await store.drafts.putDraft('s9', '{"edits":[]}', Date.now());
        store = await reopen(store);
        expect(await store.drafts.getDraft('s9', Date.now())).toBe('{"edits":[]}');
        expect((await store.embeddings.getEmbeddings(['q'])).get('q')?.length).toBe(2);
        expect(await store.getCursor('wkA')).toBe('c9');
        expect(await store.getMessage('m9')).toBeDefined();
      });
    }
  });
}
