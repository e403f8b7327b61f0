import { describe, expect, it } from 'vitest';
import { normalizeText } from '../../src/rules/normalize-text.ts';

describe('normalizeText', () => {
  it('turns full-width letters, digits and punctuation into lower-case ASCII', () => {
    expect(normalizeText('ＡＢＣ１２３！')).toBe('abc123!');
    expect(normalizeText('（ＶＩＰ）～＃')).toBe('(vip)~#');
  });

  it('treats a full-width space as a space and trims it', () => {
    expect(normalizeText('  退款　ＲＥＦＵＮＤ  ')).toBe('退款 refund');
    expect(normalizeText('\u3000退款\u3000')).toBe('退款');
  });

  it('collapses runs of whitespace, newlines and tabs included, into one space', () => {
    expect(normalizeText('查询\n\n  订单\t状态')).toBe('查询 订单 状态');
  });

  it('leaves Chinese characters and Chinese punctuation alone', () => {
    expect(normalizeText('我要退款，谢谢。')).toBe('我要退款,谢谢。');
    expect(normalizeText('人工客服')).toBe('人工客服');
  });

  it('removes zero-width characters, even where they would otherwise read as a space', () => {
    expect(normalizeText('退\u200B款')).toBe('退款');
    expect(normalizeText('\uFEFFrefund\u200C\u200D')).toBe('refund');
    expect(normalizeText('a \u200B b')).toBe('a b');
  });

  it('lower-cases without depending on the locale', () => {
    expect(normalizeText('HELLO World')).toBe('hello world');
    expect(normalizeText('ＩＴ')).toBe('it');
  });

  it('returns already-normal ASCII unchanged', () => {
    expect(normalizeText('1')).toBe('1');
    expect(normalizeText('order 123')).toBe('order 123');
  });

  it('is idempotent', () => {
    for (const s of ['  退款　ＲＥＦＵＮＤ  ', 'ＡＢＣ１２３！', 'a\u200B\u3000B', '']) {
      expect(normalizeText(normalizeText(s))).toBe(normalizeText(s));
    }
  });

  it('makes an all-whitespace text empty', () => {
    expect(normalizeText(' \u3000\n\u200B ')).toBe('');
  });
});
