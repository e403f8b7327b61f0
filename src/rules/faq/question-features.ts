/**
 * Turns a normalised question into weighted features: its single characters and the pairs of
 * toneless pinyin syllables of neighbouring characters. Measured on the fixtures (bench/faq,
 * npm run eval:faq), answered-right share / out-of-domain answered:
 *
 *   jieba words (jieba-wasm)            shop 78.0 % / 4 %   hotel 72.9 % / 8 %
 *   jieba words + characters            shop 83.5 % / 4 %   hotel 85.7 % / 4 %
 *   characters + character pairs + pinyin pairs (first try)   shop 73.6 % / 0 %   hotel 64.3 % / 0 %
 *   characters + pinyin pairs (this)    shop 85.7 % / 0 %   hotel 90.0 % / 0 %
 *
 * A segmenter splits a typo'd or colloquial word differently from the listed one, so the two share
 * nothing; characters always meet. Pinyin pairs stand in for character pairs: they keep word order
 * and also let 发漂/发票 or 退宽/退款 (同音字) meet.
 */
import { hanSyllable } from './text-tables.ts';

export type FeatureKind = 'char' | 'sound' | 'ask';

/**
 * How much each kind of feature counts (tuned on the fixtures): a character, a pinyin pair, and a
 * character or pair inside an interrogative (怎么, 多久…), which says how the customer asks, not
 * what about.
 */
export const FEATURE_WEIGHT: Readonly<Record<FeatureKind, number>> = { char: 1, sound: 0.3, ask: 0.5 };

/**
 * Toneless pinyin of one character (its most common reading, pinyin-pro's, from the compact table
 * in text-tables.ts); the token itself if it is not a Han character or has no known reading.
 */
function syllable(token: string): string {
  return hanSyllable(token) ?? token;
}

/**
 * The features of a text already run through `questionText` and the synonym map, each once.
 * Words (separated by spaces) are not joined across: a pair never spans two words. `askWords`
 * marks the interrogatives.
 */
export function questionFeatures(text: string, askWords?: RegExp): Map<string, FeatureKind> {
  const out = new Map<string, FeatureKind>();
  for (const word of text.split(' ')) {
    if (word === '') continue;
    // Latin letters and digits form one token ("iphone", "7"), every other character one each.
    const tokens = word.match(/[a-z0-9]+|./gu) ?? [];
    // Which characters belong to an interrogative (怎么, 多久…): they say what kind of question it
    // is, not what it is about, and count for less.
    const askAt = new Uint8Array(word.length);
    if (askWords) for (const m of word.matchAll(askWords)) askAt.fill(1, m.index, m.index + m[0].length);
    let prevSound: string | undefined;
    let prevAsk = false;
    let offset = 0;
    // An interrogative's characters and pairs are features of their own (a可 in 可以 is not the
    // c可 of 可乐), so each feature has one kind and one weight.
    for (const t of tokens) {
      const isAsk = askAt[offset] === 1;
      offset += t.length;
      out.set(isAsk ? `a${t}` : `c${t}`, isAsk ? 'ask' : 'char');
      const sound = syllable(t);
      if (prevSound !== undefined) {
        if (isAsk && prevAsk) out.set(`a${prevSound} ${sound}`, 'ask');
        else out.set(`s${prevSound} ${sound}`, 'sound');
      }
      prevSound = sound;
      prevAsk = isAsk;
    }
  }
  return out;
}
