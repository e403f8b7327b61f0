import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { emptyState } from '../../src/rules/conversation-state.ts';
import { Decider } from '../../src/rules/decider.ts';
import { loadRulesOrThrow } from '../../src/rules/load-rules.ts';
import type { RuleSet } from '../../src/rules/rule-model.ts';
import { CircuitBreaker } from '../../src/semantic/circuit-breaker.ts';
import { resolveSemantic } from '../../src/semantic/semantic-config.ts';
import { SemanticMatcher, type SemanticOutcome } from '../../src/semantic/semantic-matcher.ts';
import { SqliteStore } from '../../src/store/sqlite-store.ts';
import { decodeSyncItem } from '../../src/wecom/sync-item.ts';
import { type FakeEmbeddings, startFakeEmbeddings } from '../support/fake-embeddings-server.ts';

const AT = Date.parse('2026-11-26T10:00:00+08:00');
const HOTEL = loadRulesOrThrow('bench/faq/hotel');
const SHOP = loadRulesOrThrow('rules');

let fake: FakeEmbeddings;
let store: SqliteStore;
let outcomes: SemanticOutcome[];
beforeEach(async () => {
  fake = await startFakeEmbeddings({ faults: { maxBatch: 10 } });
  store = new SqliteStore(join(mkdtempSync(join(tmpdir(), 'kfbot-sem-')), 'kfbot.db'));
  outcomes = [];
});
afterEach(async () => {
  await fake.close();
  await store.close();
});

function matcher(env: Record<string, string> = {}, breaker?: CircuitBreaker) {
  const { config } = resolveSemantic(
    { baseUrl: fake.url, model: 'fake-bge', batchSize: 10, deadlineMs: 400 },
    env,
  );
  if (!config) throw new Error('no config');
  return new SemanticMatcher(config, {
    cache: store.embeddings,
    observe: (o) => outcomes.push(o),
    ...(breaker && { breaker }),
  });
}

async function answer(set: RuleSet, text: string, m?: SemanticMatcher) {
  const entries = set.faq?.index.entries ?? [];
  const semantic = m && (await m.view(entries, text));
  const item = decodeSyncItem({
    msgid: `m-${text}`,
    open_kfid: 'wk',
    external_userid: 'wm',
    send_time: AT / 1000,
    origin: 3,
    msgtype: 'text',
    text: { content: text },
  });
  const d = await new Decider(set).decide(item, {
    state: { ...emptyState(), service_state: 1 },
    now: AT,
    ...(semantic && { semantic }),
  });
  return d.faq;
}

const inputs = () => fake.requests.flatMap((r) => r.body.input as string[]);

describe('semantic FAQ: the provider fused with the lexical decision', () => {
  it('answers what the words alone cannot (泰迪 is a pet, 地库 is parking) and says so in explain', async () => {
    const m = matcher();
    const alone = await answer(HOTEL, '我家泰迪能一起住吗', undefined);
    expect(alone?.outcome).not.toBe('answer');
    await m.prepare(HOTEL.faq?.index.entries ?? []);
    const teddy = await answer(HOTEL, '我家泰迪能一起住吗', m);
    expect(teddy).toMatchObject({ outcome: 'answer', answered: 'pets' });
    expect(teddy?.semantic?.lexical).toBe(alone?.outcome);
    expect((await answer(HOTEL, '地库还有位置吗', m))?.answered).toBe('parking');
    expect(outcomes).toEqual(['fused', 'fused']);
  });

  it('also scores an item by what it replies: a message about the reply is nearer the item than its questions make it', async () => {
    const m = matcher();
    const entries = HOTEL.faq?.index.entries ?? [];
    await m.prepare(entries);
    // The shuttle's questions never say 提前 or 预约; its reply does (请至少提前 24 小时预约).
    const text = '接機要提前多久預約';
    expect(await answer(HOTEL, text, m)).toMatchObject({ outcome: 'answer', answered: 'shuttle' });
    const questionsOnly = entries.map(({ answer: _reply, ...e }) => e);
    await m.prepare(questionsOnly);
    const byReply = (await m.view(entries, text))?.scores.get('shuttle')?.similarity ?? 0;
    const byQuestions = (await m.view(questionsOnly, text))?.scores.get('shuttle')?.similarity ?? 0;
    expect(byReply).toBeGreaterThan(byQuestions);
  });

  it('never takes a typed 很满意 or 不满意 mid-conversation as a satisfaction rating, however sure the provider is', async () => {
    const m = matcher();
    await m.prepare(SHOP.faq?.index.entries ?? []);
    for (const text of ['很满意', '不满意', '一般般吧']) {
      const faq = await answer(SHOP, text, m);
      // The provider rates the rating items far above the rest (0.93, 0.96, 0.89)…
      expect(faq?.semantic?.best[0]?.id).toMatch(/^rate_/);
      // …but outside the satisfaction menu they are not the customer's to click by typing.
      expect(faq?.outcome).toBe('none');
    }
  });

  it('keeps question and reply vectors in the store and asks the provider again only for changed ones', async () => {
    const entries = HOTEL.faq?.index.entries ?? [];
    const total = new Set(entries.flatMap((e) => [...e.questions, ...(e.answer ? [e.answer] : [])])).size;
    expect(await matcher().prepare(entries)).toMatchObject({ cached: 0, computed: total });
    expect(fake.requests.every((r) => (r.body.input as string[]).length <= 10)).toBe(true);
    fake.requests.length = 0;
    const edited = entries.map((e) =>
      e.id === 'pets' ? { ...e, questions: [...e.questions, '狗狗可以进房间吗'] } : e,
    );
    expect(await matcher().prepare(edited)).toMatchObject({ cached: total, computed: 1 });
    expect(inputs()).toEqual(['狗狗可以进房间吗']);
    // Another model is another vector space: nothing of the first is reused.
    fake.requests.length = 0;
    expect((await matcher({ KFBOT_SEMANTIC_MODEL: 'other' }).prepare(entries)).computed).toBe(total);
  });

  it('deletes from the store the vectors of questions the rules no longer have, when serving them', async () => {
    const entries = HOTEL.faq?.index.entries ?? [];
    const m = matcher();
    await m.prepare(entries);
    const pets = entries.find((e) => e.id === 'pets');
    const dropped = pets?.questions.at(-1) as string;
    const edited = entries.map((e) => (e.id === 'pets' ? { ...e, questions: e.questions.slice(0, -1) } : e));
    // A one-off command over other rules leaves the store alone…
    expect((await matcher().prepare(edited)).pruned).toBe(0);
    expect((await store.embeddings.getEmbeddings([m.cacheKey(dropped)])).size).toBe(1);
    // …serve, loading the edited rules, deletes what they no longer ask.
    const served = await matcher().prepare(edited, { prune: true });
    expect(served).toMatchObject({ computed: 0, pruned: 1 });
    expect((await store.embeddings.getEmbeddings([m.cacheKey(dropped)])).size).toBe(0);
    const kept = edited.flatMap((e) => e.questions).map((q) => m.cacheKey(q));
    expect((await store.embeddings.getEmbeddings(kept)).size).toBe(new Set(kept).size);
  });

  it('lets the lexical decision stand, within the deadline, when the provider is slow, and counts it', async () => {
    const m = matcher();
    const entries = HOTEL.faq?.index.entries ?? [];
    await m.prepare(entries);
    const lexical = await answer(HOTEL, '早餐几点开始', undefined);
    fake.faults.slowMs = 2000;
    const t0 = Date.now();
    const slow = await answer(HOTEL, '早餐几点开始', m);
    expect(Date.now() - t0).toBeLessThan(1000);
    expect(slow).toEqual(lexical);
    expect(outcomes).toEqual(['timeout']);
  });

  it('stops asking after repeated failures (open breaker), and answers lexically before the vectors are ready', async () => {
    const m = matcher({}, new CircuitBreaker({ failures: 2, cooldownMs: 60_000 }));
    const entries = HOTEL.faq?.index.entries ?? [];
    expect(await answer(HOTEL, '地库还有位置吗', m)).toBeDefined();
    expect(outcomes).toEqual(['not-ready']);
    await m.warm(entries);
    fake.faults.failWith = 500;
    for (let i = 0; i < 3; i++) await answer(HOTEL, `地库还有位置吗${i}`, m);
    expect(outcomes.slice(1)).toEqual(['error', 'error', 'circuit-open']);
    const sent = fake.requests.length;
    await answer(HOTEL, '地库', m);
    expect(fake.requests.length).toBe(sent);
  });
});
