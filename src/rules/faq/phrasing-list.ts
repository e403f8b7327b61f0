/**
 * A list of typed phrasings and the FAQ item each should reach, one per line, for measuring the
 * matcher (`kfbot test --faq`, npm run eval:faq):
 *
 *   # comment
 *   退款几天能到账 → refund_time
 *   今天天气怎么样 → none          (none: no FAQ item may answer it)
 *
 * `->` and `=>` work as well as `→`.
 */
export interface Phrasing {
  text: string;
  /** The click id expected, or undefined for "none". */
  expected: string | undefined;
  line: number;
}

export interface PhrasingProblem {
  line: number;
  message: string;
}

const ARROW = /\s*(?:→|->|=>)\s*/;

export function parsePhrasings(source: string): { phrasings: Phrasing[]; problems: PhrasingProblem[] } {
  const phrasings: Phrasing[] = [];
  const problems: PhrasingProblem[] = [];
  source.split(/\r?\n/).forEach((raw, i) => {
    const line = raw.trim();
    if (line === '' || line.startsWith('#')) return;
    const parts = line.split(ARROW);
    const [text, expected] = parts;
    if (parts.length !== 2 || !text || !expected) {
      problems.push({
        line: i + 1,
        message: `expected "phrasing → item id" (or → none), got ${JSON.stringify(line)}`,
      });
      return;
    }
    phrasings.push({ text, expected: expected === 'none' ? undefined : expected, line: i + 1 });
  });
  return { phrasings, problems };
}
