/**
 * The one form keyword and exact-text matching compare: customers type on phone keyboards that
 * switch between full-width and half-width (ＲＥＦＵＮＤ, １２３, a full-width space) and paste text
 * carrying invisible characters, and none of that should decide whether a rule matches. Rule
 * keywords and incoming texts both go through this function, so they always agree.
 */

// Zero-width space, non-joiner, joiner and the BOM / zero-width no-break space. Removed before
// whitespace is collapsed because `\s` counts U+FEFF as whitespace and would turn it into a space.
// Dropping the joiner splits an emoji sequence such as 👨‍👩‍👧 into its parts; keywords lose it the
// same way, so they still match.
const ZERO_WIDTH = /[\u200B-\u200D\uFEFF]/g;
const WHITESPACE_RUN = /\s+/g;
// Printable ASCII without upper-case letters, single spaces between words, none at either end:
// already normal (NFKC leaves ASCII alone), so short menu picks like "1" or "hi" skip the work.
const ALREADY_NORMAL = /^[\x21-\x40\x5B-\x7E]+(?: [\x21-\x40\x5B-\x7E]+)*$/;

/**
 * NFKC (full-width letters, digits, punctuation and space → their ASCII forms), lower case
 * (`toLowerCase`, which is locale-independent, unlike `toLocaleLowerCase`), zero-width characters
 * removed, every run of whitespace (including newlines) made one space, trimmed. Chinese text is
 * unchanged.
 */
export function normalizeText(s: string): string {
  if (ALREADY_NORMAL.test(s)) return s;
  return s.normalize('NFKC').toLowerCase().replace(ZERO_WIDTH, '').replace(WHITESPACE_RUN, ' ').trim();
}
