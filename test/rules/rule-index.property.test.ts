import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { emptyState } from '../../src/rules/conversation-state.ts';
import { Decider } from '../../src/rules/decider.ts';
import { loadRulesOrThrow } from '../../src/rules/load-rules.ts';
import type { RuleSet } from '../../src/rules/rule-model.ts';
import { decodeSyncItem } from '../../src/wecom/sync-item.ts';
import { ruleDir } from './helpers.ts';

// A small alphabet makes overlapping keywords, shared exact texts and clashes frequent.
const word = fc.string({ unit: fc.constantFrom('退', '款', 'a', 'b', '货'), minLength: 1, maxLength: 3 });
const condition = fc.oneof(
  word.map((w) => `{ text: { any: [${w}] } }`),
  fc.array(word, { minLength: 1, maxLength: 3 }).map((ws) => `{ text: { any: [${ws.join(', ')}] } }`),
  word.map((w) => `{ text: ${w} }`),
  word.map((w) => `{ text: { contains: ${w} } }`),
  fc.constantFrom('m1', 'm2', 'm3').map((m) => `{ menu_id: ${m} }`),
  word.map((w) => `{ text: { any: [${w}] }, var.vip: true }`),
  fc.constant('{ var.vip: true }'),
  word.map((w) => `{ any: [ { text: ${w} }, { menu_id: m1 } ] }`),
  word.map((w) => `{ not: { text: { contains: ${w} } } }`),
);
const rule = fc.record({
  when: condition,
  priority: fc.integer({ min: 0, max: 3 }),
  continue: fc.boolean(),
});
const message = fc.record({
  content: fc.string({ unit: fc.constantFrom('退', '款', 'a', 'b', '货', '的'), maxLength: 6 }),
  menu: fc.option(fc.constantFrom('m1', 'm2', 'm3'), { nil: undefined }),
  vip: fc.boolean(),
});

function ruleSet(rules: { when: string; priority: number; continue: boolean }[]): RuleSet {
  const yaml = rules
    .map(
      (r, i) =>
        `  - { name: r${i}, priority: ${r.priority}, continue: ${r.continue}, when: ${r.when}, then: [ { nothing: x } ] }`,
    )
    .join('\n');
  const fallback = '  - { name: fallback, fallback: true, then: [ { nothing: x } ] }';
  return loadRulesOrThrow(ruleDir({ 'r.yaml': `rules:\n${yaml}\n${fallback}\n` }));
}

describe('the rule index', () => {
  it('picks exactly the rules an engine holding every rule would pick', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.array(rule, { minLength: 1, maxLength: 12 }),
        fc.array(message, { minLength: 1, maxLength: 5 }),
        async (rules, msgs) => {
          const set = ruleSet(rules);
          const indexed = new Decider(set);
          // Without index keys every rule is a candidate for every customer message, in priority order.
          const naive = new Decider({ ...set, rules: set.rules.map((r) => ({ ...r, keys: {} })) });
          for (const m of msgs) {
            const item = decodeSyncItem({
              msgid: 'x',
              open_kfid: 'wk',
              external_userid: 'wm',
              send_time: 1,
              origin: 3,
              msgtype: 'text',
              text: { content: m.content || '空', ...(m.menu && { menu_id: m.menu }) },
            });
            const ctx = { state: { ...emptyState(), vars: m.vip ? { vip: true } : {} }, now: 0 };
            const a = await indexed.decide(item, ctx);
            const b = await naive.decide(item, ctx);
            expect(a.matched.map((r) => r.name)).toEqual(b.matched.map((r) => r.name));
          }
        },
      ),
      { numRuns: 150 },
    );
  });
});
