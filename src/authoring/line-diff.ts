/**
 * A unified diff of two texts, line by line (what `git diff` shows), for a draft's "what changes"
 * view and the published version's record. Common head and tail are trimmed first, so the LCS table
 * covers only the changed middle.
 */

type Op = { t: ' ' | '-' | '+'; line: string; a: number; b: number };

function lineOps(a: string[], b: string[]): Op[] {
  let head = 0;
  while (head < a.length && head < b.length && a[head] === b[head]) head++;
  let tail = 0;
  while (
    tail < a.length - head &&
    tail < b.length - head &&
    a[a.length - 1 - tail] === b[b.length - 1 - tail]
  )
    tail++;
  const am = a.slice(head, a.length - tail);
  const bm = b.slice(head, b.length - tail);
  const n = am.length;
  const m = bm.length;
  // lcs[i][j]: the longest common subsequence of am[i..] and bm[j..]
  const lcs = new Uint32Array((n + 1) * (m + 1));
  for (let i = n - 1; i >= 0; i--)
    for (let j = m - 1; j >= 0; j--)
      lcs[i * (m + 1) + j] =
        am[i] === bm[j]
          ? (lcs[(i + 1) * (m + 1) + j + 1] as number) + 1
          : Math.max(lcs[(i + 1) * (m + 1) + j] as number, lcs[i * (m + 1) + j + 1] as number);
  const ops: Op[] = [];
  for (let i = 0; i < head; i++) ops.push({ t: ' ', line: a[i] as string, a: i, b: i });
  let i = 0;
  let j = 0;
  while (i < n || j < m) {
    if (i < n && j < m && am[i] === bm[j]) {
      ops.push({ t: ' ', line: am[i] as string, a: head + i++, b: head + j++ });
    } else if (
      j < m &&
      (i === n || (lcs[i * (m + 1) + j + 1] as number) >= (lcs[(i + 1) * (m + 1) + j] as number))
    ) {
      ops.push({ t: '+', line: bm[j] as string, a: head + i, b: head + j++ });
    } else {
      ops.push({ t: '-', line: am[i] as string, a: head + i++, b: head + j });
    }
  }
  for (let k = 0; k < tail; k++) {
    const ai = a.length - tail + k;
    const bi = b.length - tail + k;
    ops.push({ t: ' ', line: a[ai] as string, a: ai, b: bi });
  }
  return ops;
}

const splitLines = (text: string) => (text === '' ? [] : text.replace(/\n$/, '').split('\n'));

/**
 * `--- a/file` / `+++ b/file` and hunks with `context` lines around each change; '' when equal.
 * `before` or `after` null: the file is added or deleted.
 */
export function unifiedDiff(file: string, before: string | null, after: string | null, context = 3): string {
  if (before === after) return '';
  const ops = lineOps(splitLines(before ?? ''), splitLines(after ?? ''));
  const changed = ops.map((o, k) => (o.t === ' ' ? -1 : k)).filter((k) => k >= 0);
  if (changed.length === 0) return '';
  const out = [
    `--- ${before === null ? '/dev/null' : `a/${file}`}`,
    `+++ ${after === null ? '/dev/null' : `b/${file}`}`,
  ];
  let k = 0;
  while (k < changed.length) {
    const start = Math.max(0, (changed[k] as number) - context);
    let end = Math.min(ops.length, (changed[k] as number) + context + 1);
    while (k + 1 < changed.length && (changed[k + 1] as number) - context <= end) {
      k++;
      end = Math.min(ops.length, (changed[k] as number) + context + 1);
    }
    k++;
    const hunk = ops.slice(start, end);
    const first = hunk[0] as Op;
    const aLen = hunk.filter((o) => o.t !== '+').length;
    const bLen = hunk.filter((o) => o.t !== '-').length;
    out.push(`@@ -${aLen ? first.a + 1 : first.a},${aLen} +${bLen ? first.b + 1 : first.b},${bLen} @@`);
    for (const o of hunk) out.push(`${o.t}${o.line}`);
  }
  return `${out.join('\n')}\n`;
}
