/**
 * validate's near-duplicate check (check-faq.ts) matches in full only the questions the candidate
 * filter (near-duplicates.ts) lets through. It must name exactly what matching every question
 * named before: on a fixture full of near-duplicates, and for every question of generated FAQs
 * at many thresholds and margins, no question a full match warns about is filtered out.
 */
import { describe, expect, it } from 'vitest';
import { checkFaq } from '../../../src/rules/check-faq.ts';
import type { FaqIndex } from '../../../src/rules/faq/faq-index.ts';
import { questionsNearOtherItems } from '../../../src/rules/faq/near-duplicates.ts';
import { loadRules } from '../../../src/rules/load-rules.ts';
import { seededRandom } from '../../../src/simulator/random-ids.ts';
import { ruleDir } from '../helpers.ts';

const FIXTURE = 'test/fixtures/faq-near-duplicates';

/** What validate says for the fixture (a full match of every question says the same: see below); two more since an item's second question counts (item-score.ts OTHER_QUESTION), two fewer since an item that
 * also explains more of the message is answered by a smaller lead (faq-decision.ts AGREEMENT_COVERAGE):
 * 发货后几天到 and 优惠券不能用怎么办 now get their own item's answer. */
const BEFORE: [number, string][] = [
  [
    5,
    'question "退款多久到账" of "refund_time" is as close to "refund_speed" ("退款几天到账啊", score 1): a customer typing it would get a clarifying menu; reword one of them or remove the duplicate',
  ],
  [
    5,
    'question "退款几天到账" of "refund_time" is as close to "refund_speed" ("退款几天到账啊", score 1): a customer typing it would get a clarifying menu; reword one of them or remove the duplicate',
  ],
  [
    8,
    'question "退款几天到账啊" of "refund_speed" is as close to "refund_time" ("退款什么时候到", score 1): a customer typing it would get a clarifying menu; reword one of them or remove the duplicate',
  ],
  [
    8,
    'question "退款多久能到账" of "refund_speed" is as close to "refund_time" ("退款多久到账", score 0.965): a customer typing it would get a clarifying menu; reword one of them or remove the duplicate',
  ],
  [
    14,
    'question "如何退货退款" of "return_goods" is as close to "refund_how" ("如何退款", score 0.978): a customer typing it would get a clarifying menu; reword one of them or remove the duplicate',
  ],
  [
    29,
    'question "退货运费谁出" of "shipping_fee" is as close to "return_fee" ("退货运费谁出", score 1): a customer typing it would get a clarifying menu; reword one of them or remove the duplicate',
  ],
  [
    32,
    'question "退货要运费吗" of "return_fee" is as close to "shipping_fee" ("要运费吗", score 0.959): a customer typing it would get a clarifying menu; reword one of them or remove the duplicate',
  ],
  [
    32,
    'question "退货运费谁出" of "return_fee" is as close to "shipping_fee" ("退货运费谁出", score 1): a customer typing it would get a clarifying menu; reword one of them or remove the duplicate',
  ],
  [
    35,
    'question "开专票" of "invoice" is as close to "invoice_type" ("开专票", score 1): a customer typing it would get a clarifying menu; reword one of them or remove the duplicate',
  ],
  [
    38,
    'question "能开专票吗" of "invoice_type" is as close to "invoice" ("开专票", score 0.985): a customer typing it would get a clarifying menu; reword one of them or remove the duplicate',
  ],
  [
    38,
    'question "开专票" of "invoice_type" is as close to "invoice" ("开专票", score 1): a customer typing it would get a clarifying menu; reword one of them or remove the duplicate',
  ],
  [
    41,
    'question "优惠券用不了" of "coupon" is as close to "coupon_invalid" ("优惠券用不了", score 1): a customer typing it would get a clarifying menu; reword one of them or remove the duplicate',
  ],
  [
    44,
    'question "优惠券用不了" of "coupon_invalid" is as close to "coupon" ("优惠券用不了", score 1): a customer typing it would get a clarifying menu; reword one of them or remove the duplicate',
  ],
  [
    59,
    'question "质量有问题" of "quality" is as close to "broken" ("质量有问题", score 1): a customer typing it would get a clarifying menu; reword one of them or remove the duplicate',
  ],
  [
    62,
    'question "质量有问题" of "broken" is as close to "quality" ("质量有问题", score 1): a customer typing it would get a clarifying menu; reword one of them or remove the duplicate',
  ],
];

/** The warnings of matching every listed question in full, as check-faq.ts did before the filter. */
function fullMatchWarnings(index: FaqIndex, threshold: number): boolean[] {
  const out: boolean[] = [];
  for (const entry of index.entries)
    for (const q of entry.questions) {
      const outcome = index.match(q);
      const rival = outcome.candidates.find((c) => c.id !== entry.id);
      out.push(
        !(outcome.type === 'answer' && outcome.candidate.id === entry.id) &&
          rival !== undefined &&
          rival.score >= threshold,
      );
    }
  return out;
}

describe('near-duplicate questions', () => {
  it('are named exactly as before on a FAQ full of them', () => {
    const loaded = loadRules(FIXTURE);
    const set = loaded.ruleSet;
    if (!set) throw new Error(JSON.stringify(loaded.problems));
    const said = checkFaq(set)
      .filter((p) => p.message.includes('is as close to'))
      .map((p) => [p.line, p.message]);
    expect(said).toEqual(BEFORE);
  });

  it('are checked in an even spread, and validate says so, past 2,000 questions another item could take', () => {
    // Two items listing the same 1,100 questions: every one of the 2,200 is another item's too.
    const questions = JSON.stringify(Array.from({ length: 1100 }, (_, i) => `订单${i}号怎么退款`));
    const dir = ruleDir({
      'rules.yaml': `faq:\n  - id: a\n    questions: ${questions}\n    reply: 甲\n  - id: b\n    questions: ${questions}\n    reply: 乙\n`,
    });
    const set = loadRules(dir).ruleSet;
    if (!set) throw new Error('the rules do not load');
    const messages = checkFaq(set).map((p) => p.message);
    expect(messages).toContain(
      "the FAQ lists 2200 questions, 2200 of them close to another item's: every 2nd of those (1100) was checked for near-duplicates, not all",
    );
    expect(messages.filter((m) => m.includes('is as close to'))).toHaveLength(1100);
  });

  it('are never filtered out when a full match would name them, at any threshold and margin', () => {
    const loaded = loadRules(FIXTURE);
    const index = loaded.ruleSet?.faq?.index;
    if (!index) throw new Error(JSON.stringify(loaded.problems));
    let warned = 0;
    for (const threshold of [0.2, 0.35, 0.5, 0.6, 0.75, 0.9])
      for (const margin of [0.01, 0.05, 0.12, 0.3, 0.6]) {
        index.retune({ threshold, margin });
        const full = fullMatchWarnings(index, threshold);
        const near = questionsNearOtherItems(index, threshold);
        full.forEach((w, n) => {
          if (w) expect(near[n], `question ${n} at ${threshold}/${margin}`).toBe(1);
        });
        warned += full.filter(Boolean).length;
      }
    expect(warned).toBeGreaterThan(100);
  });

  it('are never filtered out on generated FAQs that share most of their wording', () => {
    const words = [
      '退款',
      '退货',
      '运费',
      '发票',
      '快递',
      '优惠券',
      '尺码',
      '不',
      '没',
      '怎么',
      '多久',
      '到账',
      '能',
      '吗',
      '地址',
      '专票',
      '换货',
      '质量',
      '包邮',
      '取消',
    ];
    let warned = 0;
    for (let seed = 1; seed <= 12; seed++) {
      const random = seededRandom(seed);
      const pick = () => words[Math.floor(random() * words.length)] as string;
      const items = Array.from({ length: 8 + Math.floor(random() * 12) }, (_, i) => {
        const questions = Array.from({ length: 1 + Math.floor(random() * 5) }, () =>
          Array.from({ length: 1 + Math.floor(random() * 4) }, pick).join(''),
        );
        return `  - id: item_${i}\n    questions: ${JSON.stringify([...new Set(questions)])}\n    reply: ${pick()}${pick()}`;
      });
      const index = loadRules(ruleDir({ 'rules.yaml': `faq:\n${items.join('\n')}\n` })).ruleSet?.faq?.index;
      if (!index) continue;
      for (const threshold of [0.3, 0.5, 0.7])
        for (const margin of [0.02, 0.1, 0.4]) {
          index.retune({ threshold, margin });
          const full = fullMatchWarnings(index, threshold);
          const near = questionsNearOtherItems(index, threshold);
          full.forEach((w, n) => {
            if (w) expect(near[n], `seed ${seed}, question ${n} at ${threshold}/${margin}`).toBe(1);
          });
          warned += full.filter(Boolean).length;
        }
    }
    expect(warned).toBeGreaterThan(100);
  });
});
