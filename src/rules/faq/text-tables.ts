/**
 * Traditional → simplified conversion and toneless pinyin for the FAQ matcher, from compact tables
 * (text-tables.generated.ts, made by scripts/gen-faq-tables.mjs from opencc-js's 'twp' → 'cn' and
 * pinyin-pro). Both packages held ~30 MB of an idle server (their tries and dictionaries); these
 * tables are ~100 KB of strings, turned into lookups only on first use, so a rule set without an
 * FAQ pays nothing.
 */
import {
  HAN_FROM,
  HAN_TO,
  SYLLABLE_CODES,
  SYLLABLES,
  T2S_CHARS,
  T2S_PHRASES,
} from './text-tables.generated.ts';

interface Conversion {
  chars: Map<string, string>;
  phrases: Map<string, string>;
  /** Longest phrase (in UTF-16 units) starting with each character. */
  longest: Map<string, number>;
}

let conversion: Conversion | undefined;

function load(): Conversion {
  const chars = new Map<string, string>();
  for (const line of T2S_CHARS.split('\n')) {
    const [src, out] = line.split('\t');
    if (src && out !== undefined) chars.set(src, out);
  }
  const phrases = new Map<string, string>();
  const longest = new Map<string, number>();
  for (const line of T2S_PHRASES.split('\n')) {
    const [src, out] = line.split('\t');
    if (!src || out === undefined) continue;
    phrases.set(src, out);
    const first = String.fromCodePoint(src.codePointAt(0) as number);
    longest.set(first, Math.max(longest.get(first) ?? 0, src.length));
  }
  return { chars, phrases, longest };
}

/** Taiwan/Hong Kong characters and words → the mainland's (發票 → 发票, 網路 → 网络), longest phrase first. */
export function toSimplified(text: string): string {
  conversion ??= load();
  const c = conversion;
  let out = '';
  let i = 0;
  while (i < text.length) {
    const cp = text.codePointAt(i) as number;
    const ch = String.fromCodePoint(cp);
    const max = c.longest.get(ch);
    let matched = false;
    if (max !== undefined)
      for (let len = Math.min(max, text.length - i); len > ch.length; len--) {
        const hit = c.phrases.get(text.slice(i, i + len));
        if (hit !== undefined) {
          out += hit;
          i += len;
          matched = true;
          break;
        }
      }
    if (matched) continue;
    out += c.chars.get(ch) ?? ch;
    i += ch.length;
  }
  return out;
}

let syllables: string[] | undefined;
let codes: Uint16Array | undefined;

/** Toneless pinyin of one Han character (its most common reading), or undefined when none is known. */
export function hanSyllable(ch: string): string | undefined {
  const cp = ch.codePointAt(0) as number;
  if (cp < HAN_FROM || cp > HAN_TO) return undefined;
  syllables ??= SYLLABLES.split(',');
  if (!codes) {
    const bytes = Buffer.from(SYLLABLE_CODES, 'base64');
    codes = new Uint16Array(bytes.buffer, bytes.byteOffset, bytes.length / 2);
  }
  const s = syllables[codes[cp - HAN_FROM] as number];
  return s === '' ? undefined : s;
}
