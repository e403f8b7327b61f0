/**
 * The behaviour every Store must have (BullMQ's adapter-conformance idea): the SQLite and the
 * Redis store both run this one suite.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { emptyState } from '../../src/rules/conversation-state.ts';
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
  ttlOf?: (kind: 'msg' | 'send', id: string) => Promise<number>;
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

      it('counts hits and misses per UTC day, account and rule, and the messages no rule matched', async () => {
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
        expect(await a.listRuleOutcomes({ fromDay: '2026-11-20' })).toEqual([
          { day: '2026-11-20', openKfId: 'wkA', rule: 'main → 退款', hits: 2, misses: 1 },
          { day: '2026-11-20', openKfId: 'wkA', rule: '欢迎语', hits: 1, misses: 0 },
          { day: '2026-11-21', openKfId: 'wkA', rule: '没听懂', hits: 0, misses: 1 },
          { day: '2026-11-21', openKfId: 'wkB', rule: '欢迎语', hits: 1, misses: 0 },
        ]);
        expect(await a.listUnmatched({ fromDay: '2026-11-20' })).toEqual([
          { day: '2026-11-20', openKfId: 'wkA', messages: 2 },
          { day: '2026-11-21', openKfId: 'wkB', messages: 1 },
        ]);
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
        const q = { fromDay: '2026-11-21', openKfId: 'wkA' };
        expect((await a.listRuleOutcomes(q)).map((r) => [r.day, r.openKfId])).toEqual([
          ['2026-11-21', 'wkA'],
        ]);
        expect((await a.listUnmatched(q)).map((r) => [r.day, r.openKfId])).toEqual([['2026-11-21', 'wkA']]);
        expect(await a.countSessionEnds(q)).toEqual([]);
        expect((await a.listScores(q)).map((s) => s.score)).toEqual([4]);
        expect((await a.countSessionEnds({ fromDay: '2026-11-21' })).map((r) => r.openKfId)).toEqual(['wkB']);
        expect((await a.listScores({ fromDay: '2026-11-20' })).map((s) => s.score)).toEqual([5, 4]);
      });

      it('keeps one score per customer session: a later click replaces it, a replayed older one does not', async () => {
        const a = store.activity;
        await a.recordScore(score(D1 + 1000, 3));
        await a.recordScore(score(D1 + 2000, 5));
        await a.recordScore(score(D1 + 1500, 1));
        await a.recordScore(score(D1 + 3000, 2, D1 + 2500));
        await a.recordScore(score(D1 + 4000, 4, D1, 'wm2'));
        expect(await a.listScores({ fromDay: '2026-11-20' })).toEqual([
          score(D1 + 2000, 5),
          score(D1 + 3000, 2, D1 + 2500),
          score(D1 + 4000, 4, D1, 'wm2'),
        ]);
      });

      it('counts session ends per UTC day, account and how', async () => {
        const a = store.activity;
        for (const how of ['timeout', 'servicer', 'servicer', 'bot', 'handover'] as const)
          await a.recordSessionEnd(end(D1, how));
        await a.recordSessionEnd(end(D1 + 13 * 3600_000, 'timeout', 'wkA', 'wm2')); // 23:00 UTC, same day
        await a.recordSessionEnd(end(D2, 'handover', 'wkB'));
        expect(await a.countSessionEnds({ fromDay: '2026-11-20' })).toEqual([
          { day: '2026-11-20', openKfId: 'wkA', how: 'bot', count: 1 },
          { day: '2026-11-20', openKfId: 'wkA', how: 'handover', count: 1 },
          { day: '2026-11-20', openKfId: 'wkA', how: 'servicer', count: 2 },
          { day: '2026-11-20', openKfId: 'wkA', how: 'timeout', count: 2 },
          { day: '2026-11-21', openKfId: 'wkB', how: 'handover', count: 1 },
        ]);
      });

      it('purges the days before the cutoff’s day whole, and the scores given before the cutoff', async () => {
        const a = store.activity;
        for (const at of [D1, D2, D3]) {
          await a.recordRuleOutcomes({ openKfId: 'wkA', at, hits: ['r'], unmatched: true });
          await a.recordSessionEnd(end(at, 'bot'));
          await a.recordScore(score(at, 5, at));
        }
        // The cutoff falls in the middle of D2: D1 goes, D2 stays whole; D2's score (10:00) goes.
        expect(await a.purgeActivity(D2 + 3600_000)).toEqual({ days: 1, scores: 2 });
        const all = { fromDay: '2026-01-01' };
        expect((await a.listRuleOutcomes(all)).map((r) => r.day)).toEqual(['2026-11-21', '2026-11-22']);
        expect((await a.listUnmatched(all)).map((r) => r.day)).toEqual(['2026-11-21', '2026-11-22']);
        expect((await a.countSessionEnds(all)).map((r) => r.day)).toEqual(['2026-11-21', '2026-11-22']);
        expect((await a.listScores(all)).map((s) => s.at)).toEqual([D3]);
        expect(await a.purgeActivity(D2 + 3600_000)).toEqual({ days: 0, scores: 0 });
      });
    });

    sessionLogContract(() => store);
    ruleVersionsContract(() => store);

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
        store = await reopen(store);
        expect((await store.embeddings.getEmbeddings(['q'])).get('q')?.length).toBe(2);
        expect(await store.getCursor('wkA')).toBe('c9');
        expect(await store.getMessage('m9')).toBeDefined();
      });
    }
  });
}
