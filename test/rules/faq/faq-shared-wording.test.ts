import { describe, expect, it } from 'vitest';
import { type FaqEntry, FaqIndex } from '../../../src/rules/faq/faq-index.ts';

// 800 items whose questions all say 订单 and 怎么 (shared wording, walked per question rather than
// per message), each with a number of its own, and one generic item made of shared wording only.
const entries: FaqEntry[] = Array.from({ length: 800 }, (_, i) => ({
  id: `item_${i}`,
  label: `订单${i}号怎么退`,
  questions: [`订单${i}号怎么退`, `${i}号订单怎么改地址`],
}));
entries.push(
  { id: 'generic', label: '订单怎么退', questions: ['订单怎么退'] },
  { id: 'rush', label: '能加急发货吗', questions: ['能加急发货吗'] },
);
const index = new FaqIndex(entries, { threshold: 0.5, margin: 0.05, synonyms: [] });

describe('a big FAQ with shared wording', () => {
  it('still finds a question made of shared words when the message also holds a rarer one', () => {
    // 加急 touches only the rush item; 订单怎么退 is shared wording through and through.
    expect(index.search('订单怎么退 加急')[0]?.id).toBe('generic');
    expect(index.search('订单怎么退')[0]?.id).toBe('generic');
  });

  it('answers an item by its own rarer words among the shared ones', () => {
    const m = index.match('订单345号怎么退呢');
    expect(m.type === 'answer' && m.candidate.id).toBe('item_345');
  });
});
