/**
 * How well the FAQ matcher answers a list of phrasings: the share answered with the expected item
 * (top-1), the share it asked about instead (a clarifying menu offering the right item), wrong
 * answers, misses, and out-of-domain phrasings it answered although none of its items fits.
 */
import type { FaqIndex, FaqOutcome } from './faq-index.ts';
import type { Phrasing } from './phrasing-list.ts';

export type PhrasingVerdict =
  /** Answered with the expected item. */
  | 'correct'
  /** A clarifying menu that offers the expected item. */
  | 'clarified'
  /** Answered (or offered only) other items. */
  | 'wrong'
  /** Left to the other rules although an item was expected. */
  | 'missed'
  /** Out of domain and left alone, as it should be. */
  | 'rejected'
  /** Out of domain but answered by an FAQ item. */
  | 'false-answer';

export interface PhrasingResult {
  phrasing: Phrasing;
  verdict: PhrasingVerdict;
  /** What happened: the item answered, "clarify: a|b", or "none". */
  got: string;
  topScore: number;
  /** When left to the rules: the items a `suggest:` action (猜你想问) would offer, best first. */
  suggested: string[];
  /** Where the expected item ranked among the candidates (1 = first); undefined when not among them. */
  rank?: number;
}

export interface AccuracySummary {
  results: PhrasingResult[];
  inDomain: number;
  correct: number;
  clarified: number;
  wrong: number;
  missed: number;
  /** Left to the rules, but a `suggest:` action would offer the right item. */
  suggestedRight: number;
  outOfDomain: number;
  falseAnswers: number;
  /** Out of domain, left to the rules, and a `suggest:` action would offer something. */
  outOfDomainSuggested: number;
  /** In domain, the right item reached with at most one click: answered, or offered by a clarifying menu or 猜你想问. */
  withinOneClick: number;
  /** In domain, the right item ranked first / among the first three candidates. */
  rankedFirst: number;
  rankedTopThree: number;
  /** correct / inDomain. */
  accuracy: number;
  /** falseAnswers / outOfDomain. */
  falseAnswerRate: number;
  /** "expected → got" with counts, most frequent first. */
  confusions: { expected: string; got: string; count: number }[];
}

export function measureAccuracy(
  index: FaqIndex,
  phrasings: readonly Phrasing[],
  /** How a text is decided: the matcher alone, or fused with a semantic provider's view. */
  decide: (text: string) => FaqOutcome = (text) => index.match(text),
): AccuracySummary {
  const results = phrasings.map((p): PhrasingResult => {
    const outcome = decide(p.text);
    const topScore = outcome.candidates[0]?.score ?? 0;
    let got: string;
    let offered: string[];
    if (outcome.type === 'answer') {
      got = outcome.candidate.id;
      offered = [got];
    } else if (outcome.type === 'clarify') {
      offered = outcome.options.map((o) => o.id);
      got = `clarify: ${offered.join('|')}`;
    } else {
      got = 'none';
      offered = [];
    }
    let verdict: PhrasingVerdict;
    if (p.expected === undefined) verdict = outcome.type === 'answer' ? 'false-answer' : 'rejected';
    else if (outcome.type === 'answer') verdict = got === p.expected ? 'correct' : 'wrong';
    else if (outcome.type === 'clarify') verdict = offered.includes(p.expected) ? 'clarified' : 'wrong';
    else verdict = 'missed';
    const suggested = outcome.type === 'none' ? outcome.suggestions.map((c) => c.id) : [];
    const at = outcome.candidates.findIndex((c) => c.id === p.expected);
    return { phrasing: p, verdict, got, topScore, suggested, ...(at >= 0 && { rank: at + 1 }) };
  });
  const count = (v: PhrasingVerdict) => results.filter((r) => r.verdict === v).length;
  const inDomain = results.filter((r) => r.phrasing.expected !== undefined).length;
  const outOfDomain = results.length - inDomain;
  const confusions = new Map<string, { expected: string; got: string; count: number }>();
  for (const r of results) {
    if (r.verdict === 'correct' || r.verdict === 'rejected') continue;
    const expected = r.phrasing.expected ?? 'none';
    const key = `${expected}\u0000${r.got}`;
    const c = confusions.get(key) ?? { expected, got: r.got, count: 0 };
    c.count++;
    confusions.set(key, c);
  }
  return {
    results,
    inDomain,
    correct: count('correct'),
    clarified: count('clarified'),
    wrong: count('wrong'),
    missed: count('missed'),
    suggestedRight: results.filter(
      (r) => r.verdict === 'missed' && r.suggested.includes(r.phrasing.expected as string),
    ).length,
    outOfDomain,
    falseAnswers: count('false-answer'),
    outOfDomainSuggested: results.filter((r) => r.verdict === 'rejected' && r.suggested.length > 0).length,
    withinOneClick: results.filter(
      (r) =>
        r.verdict === 'correct' ||
        r.verdict === 'clarified' ||
        (r.verdict === 'missed' && r.suggested.includes(r.phrasing.expected as string)),
    ).length,
    rankedFirst: results.filter((r) => r.rank === 1).length,
    rankedTopThree: results.filter((r) => r.rank !== undefined && r.rank <= 3).length,
    accuracy: inDomain === 0 ? 1 : count('correct') / inDomain,
    falseAnswerRate: outOfDomain === 0 ? 0 : count('false-answer') / outOfDomain,
    confusions: [...confusions.values()].sort(
      (a, b) => b.count - a.count || a.expected.localeCompare(b.expected),
    ),
  };
}
