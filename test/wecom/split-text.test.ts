import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { byteLength, TEXT_MAX_BYTES } from '../../src/wecom/send-limits.ts';
import { endWithEllipsis, splitText, truncateText } from '../../src/wecom/split-text.ts';

const bytes = (parts: string[]) => parts.map(byteLength);
/** A sentence of 15 Chinese characters (45 bytes), ending with 。 */
const SENTENCE = '今天天气很好，我们去公园散步吧。';

/** Every part fits, none is empty, and together they are the text, character for character. */
function expectFaithful(text: string, parts: string[]): void {
  expect(parts.join('')).toBe(text);
  for (const p of parts) {
    expect(p.length).toBeGreaterThan(0);
    expect(byteLength(p)).toBeLessThanOrEqual(TEXT_MAX_BYTES);
    // No lone surrogate at either end: no emoji or rare character was cut in half.
    expect(p).toBe(Buffer.from(p, 'utf8').toString('utf8'));
  }
}

/** The fewest parts of at most `max` bytes a text cut only between graphemes can make. */
function fewestParts(text: string, max: number): number {
  let count = 0;
  let used = max;
  for (const { segment } of new Intl.Segmenter(undefined, { granularity: 'grapheme' }).segment(text)) {
    const size = byteLength(segment);
    if (used + size > max) {
      count++;
      used = 0;
    }
    used += size;
  }
  return count;
}

describe('splitText: a text over 2048 UTF-8 bytes as consecutive messages', () => {
  it('leaves a text that fits as one part, and makes no part of an empty text', () => {
    expect(splitText('你好')).toEqual(['你好']);
    const exactly = `${'长'.repeat(682)}ab`; // 2048 bytes
    expect(splitText(exactly)).toEqual([exactly]);
    expect(splitText('')).toEqual([]);
  });

  it('splits about 5,000 bytes of Chinese into 3 parts, each at a sentence end', () => {
    const text = SENTENCE.repeat(111); // 4,995 bytes
    const parts = splitText(text);
    expectFaithful(text, parts);
    expect(parts).toHaveLength(3);
    for (const p of parts) expect(p.endsWith('。')).toBe(true);
  });

  it('prefers a blank line to a line break, and a line break to a sentence end', () => {
    const para = (n: number, line: string) => Array.from({ length: n }, () => line).join('\n');
    // Paragraphs of 14 lines of 3 sentences: every kind of break is available everywhere.
    const paragraph = para(14, SENTENCE.repeat(3));
    const text = Array.from({ length: 3 }, () => paragraph).join('\n\n');
    const parts = splitText(text);
    expectFaithful(text, parts);
    for (const p of parts.slice(0, -1)) expect(p.endsWith('\n\n')).toBe(true);

    const lines = para(40, SENTENCE.repeat(3)); // no blank line
    const byLine = splitText(lines);
    expectFaithful(lines, byLine);
    for (const p of byLine.slice(0, -1)) expect(p).toMatch(/。\n$/);
  });

  it('cuts after sentence punctuation, with the closing quote that belongs to it', () => {
    const text = '他说：“好的！”'.repeat(300);
    const parts = splitText(text);
    expectFaithful(text, parts);
    for (const p of parts.slice(0, -1)) expect(p.endsWith('！”')).toBe(true);
    const semicolons = `${'第一项；'.repeat(300)}${'a; '.repeat(100)}`;
    for (const p of splitText(semicolons).slice(0, -1)) expect(p).toMatch(/[；;] ?$/);
  });

  it('falls back to a space or a comma when no sentence ends in reach', () => {
    const words = 'lorem ipsum dolor '.repeat(200);
    const parts = splitText(words);
    expectFaithful(words, parts);
    for (const p of parts.slice(0, -1)) expect(p.endsWith(' ')).toBe(true);
    const commas = '苹果，香蕉，橘子，'.repeat(150);
    for (const p of splitText(commas).slice(0, -1)) expect(p.endsWith('，')).toBe(true);
  });

  it('cuts a text with no break at all as full as each part can be, never inside a character', () => {
    const text = '长'.repeat(3000); // 9,000 bytes, 3 each
    const parts = splitText(text);
    expectFaithful(text, parts);
    expect(bytes(parts)).toEqual([2046, 2046, 2046, 2046, 816]);
    const ascii = 'x'.repeat(5000);
    expect(bytes(splitText(ascii))).toEqual([2048, 2048, 904]);
  });

  it('never cuts a surrogate pair, an emoji ZWJ sequence or a flag', () => {
    const family = '👨‍👩‍👧'; // 3 emoji joined by ZWJ: one glyph, 18 bytes
    const text = `${family}🇨🇳𠮷`.repeat(100);
    const parts = splitText(text);
    expectFaithful(text, parts);
    expect(parts.length).toBeGreaterThan(1);
    for (const p of parts) expect(p.startsWith(family)).toBe(true);
  });

  it('cuts a single cluster longer than a message between its code points, as it must', () => {
    const zalgo = `e${'\u0301'.repeat(1100)}`; // one grapheme of 2,201 bytes
    const parts = splitText(zalgo);
    expectFaithful(zalgo, parts);
    expect(parts).toHaveLength(2);
    const cut = truncateText('👨‍👩‍👧长', 20); // the emoji (18 bytes) and … would not fit in 20
    expect(byteLength(cut)).toBeLessThanOrEqual(20);
    expect(cut.endsWith('…')).toBe(true);
  });

  it('uses as few messages as the length needs, even when that means passing over a blank line', () => {
    // 3 paragraphs of 1,800 bytes: cutting at both blank lines would take 4 messages of the 5.
    const paragraph = SENTENCE.repeat(40);
    const text = [paragraph, paragraph, paragraph].join('\n\n');
    const parts = splitText(text);
    expectFaithful(text, parts);
    expect(parts).toHaveLength(Math.ceil(byteLength(text) / TEXT_MAX_BYTES));
  });

  it('keeps every part within the limit and the text whole, for any text', () => {
    const piece = fc.constantFrom('长', 'a', ' ', '\n', '。', '，', '😀', '👨‍👩‍👧', '🇨🇳', 'é', '”', '!');
    fc.assert(
      fc.property(
        fc.array(piece, { minLength: 0, maxLength: 3000 }),
        fc.integer({ min: 20, max: 200 }),
        (a, max) => {
          const text = a.join('');
          const parts = splitText(text, max);
          expect(parts.join('')).toBe(text);
          for (const p of parts) {
            expect(p.length).toBeGreaterThan(0);
            expect(byteLength(p)).toBeLessThanOrEqual(max);
          }
          expect(parts).toHaveLength(fewestParts(text, max));
          const cut = truncateText(text, max);
          expect(byteLength(cut)).toBeLessThanOrEqual(max);
          if (cut !== text) expect(text.startsWith(cut.slice(0, -1)) && cut.endsWith('…')).toBe(true);
        },
      ),
      { numRuns: 200 },
    );
  });
});

describe('truncateText: one message only (a welcome code carries one)', () => {
  it('returns a text that fits unchanged', () => {
    expect(truncateText('欢迎光临')).toBe('欢迎光临');
  });

  it('cuts a long text to at most 2048 bytes at a sentence end, ending with …', () => {
    const cut = truncateText(SENTENCE.repeat(60));
    expect(byteLength(cut)).toBeLessThanOrEqual(TEXT_MAX_BYTES);
    expect(cut.endsWith('。…')).toBe(true);
    expect(SENTENCE.repeat(60).startsWith(cut.slice(0, -1))).toBe(true);
  });

  it('cuts a text with no break as full as it can be, and an emoji text between emoji', () => {
    const cut = truncateText('长'.repeat(1000));
    expect(cut).toBe(`${'长'.repeat(681)}…`);
    const emoji = truncateText('👨‍👩‍👧'.repeat(200));
    expect(byteLength(emoji)).toBeLessThanOrEqual(TEXT_MAX_BYTES);
    expect(emoji).toBe(`${'👨‍👩‍👧'.repeat(113)}…`);
  });

  it('ends at a blank line in reach, without the line breaks before the …', () => {
    const cut = truncateText(`${SENTENCE.repeat(30)}\n\n${SENTENCE.repeat(30)}`);
    expect(cut).toBe(`${SENTENCE.repeat(30)}…`);
    expect(truncateText(`${'长'.repeat(600)}\n\n\n${'长'.repeat(600)}`)).toBe(`${'长'.repeat(600)}…`);
  });
});

describe('endWithEllipsis: the last message sent of a text whose next parts cannot be', () => {
  it('adds … where there is room, and cuts to make room where there is not', () => {
    expect(endWithEllipsis('第一部分。\n\n')).toBe('第一部分。…');
    const full = '长'.repeat(682);
    expect(endWithEllipsis(full)).toBe(`${'长'.repeat(681)}…`);
  });
});
