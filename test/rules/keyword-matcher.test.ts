import { describe, expect, it } from 'vitest';
import { KeywordMatcher } from '../../src/rules/keyword-matcher.ts';
import { seededRandom } from '../../src/simulator/random-ids.ts';

const matcherOf = (keywords: readonly string[]) =>
  new KeywordMatcher<string>(keywords.map((k) => [k, k] as const));

/** A seeded PRNG (mulberry32), so a failing case can be reproduced from its seed. */
const prng = seededRandom;

describe('KeywordMatcher', () => {
  it('finds overlapping keywords, one inside another', () => {
    const m = matcherOf(['退款', '退款进度', '进度']);
    expect(m.findAll('我的退款进度')).toEqual(['退款', '退款进度', '进度']);
  });

  it('finds a keyword that is a suffix of a longer partial match', () => {
    // "she" fails part-way into "hers"; the failure link must still report "he" and "hers".
    const m = matcherOf(['he', 'she', 'his', 'hers']);
    expect(m.findAll('ushers').sort()).toEqual(['he', 'hers', 'she']);
  });

  it('matches by code point, emoji included', () => {
    const m = matcherOf(['👍', '谢谢👍', '🎉🎉']);
    expect(m.findAll('谢谢👍🎉')).toEqual(['👍', '谢谢👍']);
    expect(m.findAll('🎉🎉🎉')).toEqual(['🎉🎉']);
    expect(m.has('👎')).toBe(false);
  });

  it('returns each value once, however often its keywords occur', () => {
    const m = new KeywordMatcher<string>([
      ['退款', 'refund-rule'],
      ['退货', 'refund-rule'],
    ]);
    expect(m.findAll('退款退款，退货')).toEqual(['refund-rule']);
  });

  it('returns every value of a keyword that carries several', () => {
    const m = new KeywordMatcher<number>([
      ['价格', 1],
      ['价格', 2],
      ['价格', 1],
    ]);
    expect(m.findAll('价格多少')).toEqual([1, 2]);
    expect(m.size).toBe(1);
  });

  it('returns values in the order they were first given, not the order they occur in the text', () => {
    const m = new KeywordMatcher<number>([
      ['人工', 0],
      ['投诉', 1],
      ['退款', 2],
    ]);
    expect(m.findAll('退款不成就投诉，转人工')).toEqual([0, 1, 2]);
  });

  it('matches keywords and text exactly as given (callers normalise both)', () => {
    const m = matcherOf(['refund']);
    expect(m.has('REFUND')).toBe(false);
    expect(m.has('refund please')).toBe(true);
  });

  it('answers has() without collecting matches', () => {
    const m = matcherOf(['人工客服']);
    expect(m.has('转人工客服')).toBe(true);
    expect(m.has('人工')).toBe(false);
    expect(m.has('')).toBe(false);
  });

  it('counts distinct keywords as its size', () => {
    expect(matcherOf(['a', 'ab', 'a']).size).toBe(2);
    expect(matcherOf([]).size).toBe(0);
  });

  it('finds nothing when it holds no keywords', () => {
    const m = matcherOf([]);
    expect(m.findAll('任何文字')).toEqual([]);
    expect(m.has('任何文字')).toBe(false);
  });

  it('rejects an empty keyword, saying which one', () => {
    expect(() => matcherOf(['退款', ''])).toThrow(/keyword #1 is empty/);
  });

  it('gives fresh results on every call', () => {
    const m = matcherOf(['a', 'b']);
    const first = m.findAll('ab');
    expect(m.findAll('b')).toEqual(['b']);
    expect(first).toEqual(['a', 'b']);
  });

  it('agrees with a naive substring search on random keywords and texts', () => {
    const alphabet = ['a', 'b', '退', '款', '😀'];
    for (let seed = 1; seed <= 500; seed++) {
      const random = prng(seed);
      const word = (maxLength: number) => {
        const length = 1 + Math.floor(random() * maxLength);
        let s = '';
        for (let i = 0; i < length; i++) s += alphabet[Math.floor(random() * alphabet.length)];
        return s;
      };
      const keywords = Array.from({ length: 1 + Math.floor(random() * 12) }, () => word(4));
      const text = random() < 0.1 ? '' : word(24);
      const m = matcherOf(keywords);
      const expected = [...new Set(keywords.filter((k) => text.includes(k)))];
      expect(m.findAll(text), `seed ${seed}: ${JSON.stringify({ keywords, text })}`).toEqual(expected);
      expect(m.has(text), `seed ${seed}`).toBe(expected.length > 0);
    }
  });
});
