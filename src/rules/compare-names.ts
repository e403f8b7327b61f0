/**
 * Orders file names and paths as `localeCompare` does, without ICU's collator for the common
 * case. The collator's data costs every process that first uses it ~3 MB of resident memory (the
 * pages of Node's built-in ICU data it touches), and rule loading sorted file names with it at
 * every start (issue #28, memory). For names of lowercase ASCII letters, digits and `-./` — every
 * name in a typical rules folder — plain UTF-16 order is the collator's order: in its root order
 * `-` < `.` < `/` < digits < letters, as in code points, and a prefix comes first in both. Any
 * other name goes to `localeCompare`, so the order never changes.
 */
const PLAIN = /^[a-z0-9./-]*$/;

export function compareNames(a: string, b: string): number {
  if (PLAIN.test(a) && PLAIN.test(b)) return a < b ? -1 : a > b ? 1 : 0;
  return a.localeCompare(b);
}
