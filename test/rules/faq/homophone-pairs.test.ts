import { describe, expect, it } from 'vitest';
import { BUILTIN_SYNONYMS } from '../../../src/rules/faq/builtin-synonyms.ts';
import { FaqIndex } from '../../../src/rules/faq/faq-index.ts';
import { HomophonePairs } from '../../../src/rules/faq/homophone-pairs.ts';

/** The characters of `texts`: what a FAQ made of them knows. */
const knownIn = (texts: readonly string[]) => {
  const chars = new Set([...texts.join('')]);
  return (ch: string) => chars.has(ch);
};

describe('HomophonePairs', () => {
  const faq = ['报名要带什么', '网上能报名', '学费多少钱'];

  it('reads a typed pair the FAQ never has as the FAQ’s word of the same sound (抱名 → 报名)', () => {
    const pairs = new HomophonePairs(faq);
    expect(pairs.correct('我想抱名', knownIn(faq))).toBe('我想报名');
    expect(pairs.correct('十七岁能报明', knownIn(faq))).toBe('十七岁能报名');
  });

  it('leaves a message alone when nothing in it sounds like a word of the FAQ', () => {
    expect(new HomophonePairs(faq).correct('学费多少钱', knownIn(faq))).toBeUndefined();
  });

  it('never takes a character the FAQ’s questions use for a typo: 国际 stays 国际 where a question says 国际', () => {
    const texts = ['从中国寄到美国', '中国寄件多少钱'];
    const pairs = new HomophonePairs(texts);
    expect(pairs.correct('国际快递', knownIn(texts))).toBe('国寄快递');
    expect(pairs.correct('国际快递', knownIn([...texts, '国际快递需报关']))).toBeUndefined();
  });

  it('corrects only toward a word at least two of the FAQ’s texts have, never toward one sound two words share', () => {
    expect(new HomophonePairs(['报名要带什么']).correct('抱名', () => false)).toBeUndefined();
    const shared = new HomophonePairs(['公式怎么算', '公式在哪', '公事怎么办', '公事多吗']);
    expect(shared.correct('公使', () => false)).toBeUndefined();
  });
});

describe('FaqIndex with a homophone typo', () => {
  const index = new FaqIndex(
    [
      { id: 'enroll', label: '怎么报名？', questions: ['怎么报名', '网上能报名吗', '报名要带什么'] },
      { id: 'price', label: '学费多少？', questions: ['学费多少钱', '学费能分期吗'] },
    ],
    { threshold: 0.5, margin: 0.05, synonyms: BUILTIN_SYNONYMS },
  );

  it('scores a typo of a word the FAQ uses as the word itself, so it is answered', () => {
    const typed = index.search('我想抱名怎么弄')[0];
    const written = index.search('我想报名怎么弄')[0];
    expect(typed).toMatchObject({ id: 'enroll', score: written?.score });
    const m = index.match('抱名要带啥');
    expect(m.type === 'answer' && m.candidate.id).toBe('enroll');
  });

  it('takes a character only an answer has for a typo too: the questions are what a customer’s words meet', () => {
    const withAnswer = new FaqIndex(
      [
        {
          id: 'enroll',
          label: '怎么报名？',
          questions: ['怎么报名', '网上能报名吗', '报名要带什么'],
          answer: '带身份证到门店，抱歉周日不办理。',
        },
        { id: 'price', label: '学费多少？', questions: ['学费多少钱', '学费能分期吗'] },
      ],
      { threshold: 0.5, margin: 0.05, synonyms: BUILTIN_SYNONYMS },
    );
    expect(withAnswer.search('我想抱名')[0]?.score).toBe(withAnswer.search('我想报名')[0]?.score);
  });
});
