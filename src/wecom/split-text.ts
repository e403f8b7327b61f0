/**
 * WeCom takes at most 2048 UTF-8 bytes of text in one message (§5: longer → 45002), counted in
 * bytes, not characters (§9.10: a Chinese character takes 3). These two pure functions fit a text
 * to that limit: `splitText` into consecutive parts for kf/send_msg, where each part is its own
 * message, and `truncateText` for kf/send_msg_on_event, where the single-use code carries one
 * message only (§6) and the rest cannot follow.
 *
 * Both cut only between grapheme clusters (Intl.Segmenter), so never inside a UTF-8 character, a
 * surrogate pair, an emoji ZWJ sequence (👨‍👩‍👧) or a flag, and prefer where a reader would
 * pause: a blank line, then a line break, then after 。！？!?；; (with a closing quote that follows),
 * then after a space or a comma.
 */
import { byteLength, TEXT_MAX_BYTES } from './send-limits.ts';

export const ELLIPSIS = '…';

/**
 * Made on the first text that needs cutting: a segmenter holds ICU's break data, about a megabyte
 * an idle `kfbot serve` (whose texts almost always fit) would otherwise carry.
 */
let segmenter: Intl.Segmenter | undefined;

const SENTENCE_END = new Set(['。', '！', '？', '!', '?', '；', ';']);
/** Closing quotes and brackets that belong to the sentence they end (“好。”). */
const CLOSERS = new Set(['”', '’', '」', '』', '）', ')', '】', '》', '"', "'"]);
const SOFT_BREAK = new Set([' ', '\t', '\u3000', '，', ',', '、']);
const isNewline = (g: string | undefined) => g === '\n' || g === '\r\n' || g === '\r';

/** A text as grapheme clusters, each with its UTF-8 size. */
interface Graphemes {
  text: string[];
  bytes: number[];
}

function graphemes(text: string, room: number): Graphemes {
  const out: Graphemes = { text: [], bytes: [] };
  segmenter ??= new Intl.Segmenter(undefined, { granularity: 'grapheme' });
  for (const { segment } of segmenter.segment(text)) {
    const size = byteLength(segment);
    if (size <= room) {
      out.text.push(segment);
      out.bytes.push(size);
      continue;
    }
    // One cluster longer than a whole message (thousands of combining marks): it has to be cut,
    // and is cut between code points (at most 4 bytes each, so one always fits), still never
    // inside a character or a surrogate pair.
    for (const ch of segment) {
      out.text.push(ch);
      out.bytes.push(byteLength(ch));
    }
  }
  return out;
}

/** Each way to end a part, best first: does the part end well after grapheme `k`? */
const CUT_RULES: ReadonlyArray<(g: string[], k: number) => boolean> = [
  // a blank line (paragraph break): the last newline of two or more
  (g, k) => isNewline(g[k]) && isNewline(g[k - 1]) && !isNewline(g[k + 1]),
  (g, k) => isNewline(g[k]) && !isNewline(g[k + 1]),
  (g, k) =>
    (SENTENCE_END.has(g[k] ?? '') || (CLOSERS.has(g[k] ?? '') && SENTENCE_END.has(g[k - 1] ?? ''))) &&
    !SENTENCE_END.has(g[k + 1] ?? '') &&
    !CLOSERS.has(g[k + 1] ?? ''),
  (g, k) => SOFT_BREAK.has(g[k] ?? '') && !SOFT_BREAK.has(g[k + 1] ?? ''),
];

/** How many graphemes from `from` fit in `room` bytes: the index one past the last that fits. */
function fill(g: Graphemes, from: number, room: number): number {
  let end = from;
  let used = 0;
  while (end < g.text.length && used + (g.bytes[end] ?? 0) <= room) used += g.bytes[end++] ?? 0;
  return end;
}

/**
 * Where to end a part that starts at grapheme `from` and holds at most `room` bytes (the index
 * one past its last grapheme): the latest place that ends well by the first rule that has one at
 * or after `floor`, else as much as fits. Always past `from`, so no part is empty.
 */
function cutPoint(g: Graphemes, from: number, room: number, floor: number): number {
  const end = fill(g, from, room);
  if (end === g.text.length) return end;
  if (end === from) return from + 1; // only with room < 4 bytes: never loop for ever
  for (const endsWell of CUT_RULES) {
    for (let k = end - 1; k >= from && k + 1 >= floor; k--) if (endsWell(g.text, k)) return k + 1;
  }
  return end;
}

/**
 * For k = 0, 1, 2…: the earliest grapheme from which the rest of the text fits in k parts
 * (packing from the end), until the whole text fits. Its length − 1 is the fewest parts possible.
 */
function suffixStarts(g: Graphemes, room: number): number[] {
  const starts = [g.text.length];
  for (let at = g.text.length; at > 0; ) {
    let used = 0;
    while (at > 0 && used + (g.bytes[at - 1] ?? 0) <= room) used += g.bytes[--at] ?? 0;
    starts.push(at);
  }
  return starts;
}

/**
 * Splits `text` into parts of at most `maxBytes` UTF-8 bytes each, in order, whose concatenation
 * is exactly `text` (nothing is added, trimmed or lost). Each part is a message out of the 5 a
 * customer message allows (§9.10), so it makes as few parts as the length needs, and within that
 * ends each part at the best break. A text that fits is one part; '' is none.
 */
export function splitText(text: string, maxBytes: number = TEXT_MAX_BYTES): string[] {
  if (text === '') return [];
  if (byteLength(text) <= maxBytes) return [text];
  const g = graphemes(text, maxBytes);
  const starts = suffixStarts(g, maxBytes);
  const count = starts.length - 1;
  const parts: string[] = [];
  for (let from = 0; from < g.text.length; ) {
    // The parts after this one can hold the text from `starts[left]` on: this one must reach it.
    const left = Math.max(0, count - parts.length - 1);
    const end = cutPoint(g, from, maxBytes, starts[left] ?? from);
    parts.push(g.text.slice(from, end).join(''));
    from = end;
  }
  return parts;
}

/**
 * `text` cut to at most `maxBytes` UTF-8 bytes ending with "…", at the best place `splitText`
 * would choose, trailing spaces and line breaks removed before the "…". A text that fits is
 * returned as it is.
 */
export function truncateText(text: string, maxBytes: number = TEXT_MAX_BYTES): string {
  return byteLength(text) <= maxBytes ? text : cutShort(text, maxBytes);
}

/** The start of `text` and "…", in at most `maxBytes`, cut where truncateText says. */
function cutShort(text: string, maxBytes: number): string {
  const room = maxBytes - byteLength(ELLIPSIS);
  const g = graphemes(text, room);
  // Keep at least half of what fits: a break near the start would throw most of the text away.
  const floor = Math.ceil(fill(g, 0, room) / 2);
  const kept = g.text
    .slice(0, cutPoint(g, 0, room, floor))
    .join('')
    .trimEnd();
  return `${kept}${ELLIPSIS}`;
}

/**
 * `text` marked as cut short: "…" after it, or in place of its end when there is no room for
 * both. For the last part of a split whose further parts cannot be sent.
 */
export function endWithEllipsis(text: string, maxBytes: number = TEXT_MAX_BYTES): string {
  const trimmed = text.trimEnd();
  return byteLength(trimmed) + byteLength(ELLIPSIS) <= maxBytes
    ? `${trimmed}${ELLIPSIS}`
    : cutShort(trimmed, maxBytes);
}
