/**
 * "did you mean" for a name that is not one of the allowed ones: a typo (`imgae`, `txt`, `endd`)
 * should be one glance away from its fix.
 */

/** Edit distance (insertions, deletions, substitutions, and swaps of two neighbours). */
function distance(a: string, b: string): number {
  const d: number[][] = Array.from({ length: a.length + 1 }, (_, i) =>
    Array.from({ length: b.length + 1 }, (_, j) => (i === 0 ? j : j === 0 ? i : 0)),
  );
  for (let i = 1; i <= a.length; i++) {
    for (let j = 1; j <= b.length; j++) {
      const row = d[i] as number[];
      const prev = d[i - 1] as number[];
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      let best = Math.min(
        (prev[j] as number) + 1,
        (row[j - 1] as number) + 1,
        (prev[j - 1] as number) + cost,
      );
      if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1])
        best = Math.min(best, ((d[i - 2] as number[])[j - 2] as number) + 1);
      row[j] = best;
    }
  }
  return (d[a.length] as number[])[b.length] as number;
}

/** The allowed name closest to `got`, if one is close enough to be a typo of it. */
export function closest(got: string, allowed: readonly string[]): string | undefined {
  const word = got.toLowerCase();
  let best: { name: string; d: number } | undefined;
  for (const name of allowed) {
    const d = distance(word, name.toLowerCase());
    if (!best || d < best.d) best = { name, d };
  }
  const tolerance = Math.max(1, Math.floor(word.length / 3));
  return best && best.d <= tolerance ? best.name : undefined;
}

/** ` (did you mean "text"?)`, or nothing when no allowed name is close. */
export function didYouMean(got: unknown, allowed: readonly string[]): string {
  if (typeof got !== 'string' && typeof got !== 'number') return '';
  const near = closest(String(got), allowed);
  return near === undefined || near === String(got) ? '' : ` (did you mean "${near}"?)`;
}
