/**
 * The form the FAQ matcher compares: what a customer types and what a rule author lists are both
 * brought here, so width, case, traditional characters, punctuation, emoji and polite filler never
 * decide a match. Synonym groups then map every word of a group to the group's first word.
 */
import { normalizeText } from '../normalize-text.ts';
// OpenCC's Taiwan tables ('twp' → 'cn', compact in text-tables.ts): characters and variants
// (發票 → 发票, 運費 → 运费), which convert Hong Kong text just as well ('tw' measured the same as
// 'hk' on the fixtures), and Taiwan's own words for what the mainland calls otherwise (網路 → 网络,
// 軟體 → 软件, 計程車 → 出租车), so a customer writing them meets a rule author's 网络.
import { toSimplified } from './text-tables.ts';

/**
 * Filler that carries no meaning in a customer-service question. Removed as whole strings,
 * longest first, after conversion to simplified characters. Kept short on purpose: each entry
 * was checked not to occur inside a word that matters (下单 keeps its 下, 吗 is never part of a
 * product word).
 */
export const FILLER = [
  '请问一下',
  '请问',
  '想问一下',
  '想问下',
  '想问',
  '问一下',
  '问下',
  '麻烦你',
  '麻烦',
  '一下',
  '谢谢',
  '多谢',
  '你好',
  '您好',
  '亲亲',
  '小姐姐',
  '那个',
  '就是',
  '呢',
  '吗',
  '嘛',
  '啊',
  '呀',
  '哦',
  '噢',
  '吧',
  '啦',
  '哈',
  '嗯',
] as const;

const FILLER_RE = new RegExp([...FILLER].sort((a, b) => b.length - a.length).join('|'), 'g');

/**
 * A-not-A questions (有没有, 要不要, 含不含, 喜不喜欢) ask what "A 吗" asks: folded to A, so their 不 and
 * 没 are not read as negations (which count fully, see faq-index.ts) and 有没有淋浴 meets 有淋浴吗.
 * 能不能 and 可不可以 are left to the built-in synonyms (可以). 有木有 is the colloquial 有没有.
 */
const A_NOT_A = /(\p{Script=Han})[不没]\1|有木有/gu;
const A_NOT_A_KEPT = new Set(['能不能', '可不可']);

/** A-not-A questions folded to the plain ones: see A_NOT_A. */
export function foldQuestionForms(text: string): string {
  return text.replace(A_NOT_A, (m, a: string | undefined) =>
    a === undefined ? '有' : A_NOT_A_KEPT.has(m) ? m : a,
  );
}
// Everything that is not a letter or a digit (punctuation, symbols, emoji, spaces) separates words.
const NOT_WORD = /[^\p{L}\p{N}]+/gu;

/** NFKC + case + traditional → simplified + punctuation/emoji/filler removed; words joined by one space. */
export function questionText(raw: string): string {
  const simplified = toSimplified(normalizeText(raw));
  const words = simplified.replace(NOT_WORD, ' ').replace(FILLER_RE, ' ').replace(/ +/g, ' ').trim();
  return foldQuestionForms(words);
}

/**
 * Replaces each synonym by its group's canonical word (the group's first), longest match first.
 * Built once per rule set from `settings.faq.synonyms` plus the built-in groups.
 */
export class SynonymMap {
  readonly #re: RegExp | undefined;
  readonly #canonical = new Map<string, string>();

  constructor(groups: readonly (readonly string[])[]) {
    for (const group of groups) {
      const words = group.map((w) => questionText(w)).filter((w) => w !== '');
      const head = words[0];
      if (head === undefined) continue;
      for (const w of words) if (!this.#canonical.has(w)) this.#canonical.set(w, head);
    }
    // Every word of a group takes part, the canonical ones too (mapped to themselves), so the
    // longest word at a place wins: 没有 stays 没有 rather than its 没 becoming 没有 again.
    const keys = [...this.#canonical.keys()];
    this.#re = keys.every((k) => this.#canonical.get(k) === k)
      ? undefined
      : new RegExp(
          keys
            .sort((a, b) => b.length - a.length)
            .map((k) => k.replace(/[.*+?^${}()|[\]\\]/g, '\\$&'))
            .join('|'),
          'g',
        );
  }

  apply(text: string): string {
    const re = this.#re;
    if (!re) return text;
    return text.replace(re, (w) => this.#canonical.get(w) ?? w);
  }
}
