/**
 * Typing by pinyin picks the wrong character of the right sound (同音字): 狗梁 for 狗粮, 抱名 for
 * 报名, 补烤 for 补考, 早参 for 早餐. The matcher's pinyin pairs already let such a pair meet the
 * listed word, but its wrong character still counts as a word no question has (it lowers the
 * match's precision and raises the message's unknown share) and the right one stays unmet. So a
 * message's pair of Han characters that the FAQ (its questions and answers) never has, whose sound
 * is that of exactly one pair at least two of the FAQ's texts have, is read as that pair — spelling
 * corrected against the FAQ's own words, never a dictionary's, and only where the typed character
 * is one no listed question uses (a character a question has is taken as meant). Tuning sets
 * (npm run eval:faq -- --tuning): right directly 71.0 → 72.0 %, wrong 0.9 → 0.9 %, unanswerable
 * answered 5.1 → 5.1 %; 9 phrasings answered right that were not (查下物留, 学车大概要多就,
 * 买狗梁可以送过来吗), none lost. A character only the answers have may be a typo too (预月, 自动当:
 * two more, 74.2 → 74.4 % on the later code). Not caught: a typo whose character a question uses
 * elsewhere (分其 for 分期). Tried and not kept: correcting characters the questions use too
 * (72.3 %, but 国际 became 国寄 in a courier FAQ and two right answers became menus).
 */
import { hanSyllable } from './text-tables.ts';

const HAN = /\p{Script=Han}/u;

/** Two neighbouring characters' toneless syllables, or undefined unless both are Han with a known reading. */
function soundOf(a: string, b: string): string | undefined {
  if (!HAN.test(a) || !HAN.test(b)) return undefined;
  const x = hanSyllable(a);
  const y = hanSyllable(b);
  return x === undefined || y === undefined ? undefined : `${x} ${y}`;
}

export class HomophonePairs {
  /** Sound of a pair → the one pair of characters the FAQ has with it ('' when several do). */
  readonly #bySound = new Map<string, string>();
  /** Every pair of neighbouring characters the FAQ has, with how many of its texts have it. */
  readonly #pairs = new Map<string, number>();

  /**
   * `texts`: the listed questions and answers, normalised (questionText), words separated by spaces.
   * A pair is a correction only when at least `least` of them have it: a word the FAQ uses, not
   * two characters that met across words once (中国|寄 is no 国际).
   */
  constructor(texts: Iterable<string>, least = 2) {
    for (const text of texts) {
      const seen = new Set<string>();
      for (const word of text.split(' ')) {
        const chars = [...word];
        for (let i = 1; i < chars.length; i++) seen.add(`${chars[i - 1]}${chars[i]}`);
      }
      for (const pair of seen) {
        const count = this.#pairs.get(pair) ?? 0;
        this.#pairs.set(pair, count + 1);
        if (count + 1 !== least) continue;
        const [a, b] = [...pair] as [string, string];
        const sound = soundOf(a, b);
        if (sound === undefined) continue;
        const known = this.#bySound.get(sound);
        this.#bySound.set(sound, known === undefined ? pair : '');
      }
    }
  }

  /**
   * `text` (normalised) with each pair no question has replaced by the one listed pair of the same
   * sound; undefined when nothing changed.
   */
  correct(text: string, known: (ch: string) => boolean): string | undefined {
    let changed = false;
    const words = text.split(' ').map((word) => {
      const chars = [...word];
      for (let i = 1; i < chars.length; i++) {
        const a = chars[i - 1] as string;
        const b = chars[i] as string;
        if (this.#pairs.has(`${a}${b}`) || (known(a) && known(b))) continue;
        const sound = soundOf(a, b);
        const listed = sound === undefined ? undefined : this.#bySound.get(sound);
        if (!listed) continue;
        const [x, y] = [...listed] as [string, string];
        // Only a character the caller does not know (faq-index.ts: no listed question has it) is
        // taken for a typo: 国际 stays 国际 in a courier's FAQ whose questions say 国际件.
        if ((a !== x && known(a)) || (b !== y && known(b))) continue;
        chars[i - 1] = x;
        chars[i] = y;
        changed = true;
      }
      return chars.join('');
    });
    return changed ? words.join(' ') : undefined;
  }
}
