/**
 * Fuses an embeddings provider's view of a typed text with the lexical decision (faq-index.ts),
 * which is taken first and left untouched: this only turns its outcome into another one. The
 * runtime asks the provider within a deadline and passes the similarities in; when it could not
 * (off, timeout, error, open breaker) there is no view and the lexical decision stands.
 *
 * With s1, s2 the best and next item's cosine similarity, the provider is *sure* when
 * s1 ≥ threshold and s1 − s2 ≥ margin. The two *agree* when the matcher's best candidate is the
 * provider's best item, and both lean to it: the matcher scores it at least AGREE_SCORE and the
 * provider at least threshold − AGREE_SLACK, ahead of its next by AGREE_MARGIN — and one of them
 * clearly ahead: the provider by its margin, or the matcher's next below AGREE_LEXICAL_LEAD of its best. Then:
 * - lexical answer L: kept unless the provider prefers another item the matcher also takes
 *   seriously (lexical score at least CONTEND_RATIO of L's): sure of it while rating L below
 *   threshold − margin, or leaning to it (at least threshold − AGREE_SLACK) while rating L
 *   DISAGREE_GAP lower; then a clarifying menu asks between the two — a disagreement is never
 *   answered directly;
 * - lexical clarify or none: answered with the provider's sure item, or with the item both agree
 *   on — two views that reach the same item from different evidence (shared words, shared
 *   meaning) are right far more often than either alone at that level, so the agreement answers
 *   below the provider's own threshold;
 * - otherwise, when each leans to a different item, a clarifying menu offers both; a clarify
 *   the provider is not sure about stays a clarify, its options ranked by similarity;
 * - lexical none, provider not sure but its best is within `margin` of the threshold with nothing
 *   close: a clarifying menu offers the items within margin of the best (at most MAX_OPTIONS).
 * A strict item (a rating) is never answered or offered by the provider: only as the matcher decides.
 * AGREE_SCORE, AGREE_SLACK, AGREE_MARGIN, AGREE_LEXICAL_LEAD, DISAGREE_GAP and CONTEND_RATIO were chosen on the tuning phrasings only
 * (npm run eval:faq:semantic -- --tuning); the slack follows each rule set's calibrated threshold.
 */
import { type FaqEntry, type FaqOutcome, MAX_OPTIONS } from './faq-index.ts';
import type { FaqCandidate } from './faq-search.ts';

/** One item's similarity to the text: the best cosine of its questions and reply, and its best question. */
export interface SemanticScore {
  similarity: number;
  question: string;
}

/** What the runtime looked up for one typed text. */
export interface SemanticView {
  /** Item id → best similarity; every item the provider has vectors for. */
  scores: ReadonlyMap<string, SemanticScore>;
  threshold: number;
  margin: number;
}

/** The matcher's least score for its best candidate to count as leaning to it. */
export const AGREE_SCORE = 0.45;
/** How far below the (calibrated) threshold the provider's best may be when the matcher agrees. */
export const AGREE_SLACK = 0.2;
/** How far the provider's best must lead its next item when the matcher agrees. */
export const AGREE_MARGIN = 0.03;
/**
 * An agreement answers only when one of the two views also leads: the provider's best ahead of its
 * next by the calibrated margin, or the matcher's next candidate below this share of its best. Two
 * views each ahead by a hair were agreeing on a coin toss (2026-12-08, tuning sets: answered wrong
 * 2.1 → 1.9 %, out-of-domain answered 9.6 → 9.0 %, right directly 79.0 → 78.8 %).
 */
export const AGREE_LEXICAL_LEAD = 0.9;
/** How much lower than its own best the provider may rate the matcher's answer before it asks. */
export const DISAGREE_GAP = 0.15;
/**
 * Against a lexical answer, the provider's item must score at least this share of the answer's
 * lexical score for a disagreement to ask (2026-12-07, tuning sets: 13 lexical answers that were
 * right stood instead of becoming a menu, and none of the 4 menus that caught a wrong lexical
 * answer was lost: every such catch was an item the matcher ranked close behind, 0.76–0.91 of it).
 */
export const CONTEND_RATIO = 0.7;

export function rankSemantic(view: SemanticView): [string, SemanticScore][] {
  return [...view.scores].sort((a, b) => b[1].similarity - a[1].similarity);
}

export function fuseSemantic(
  lexical: FaqOutcome,
  view: SemanticView,
  entries: readonly FaqEntry[],
): FaqOutcome {
  // A strict item (a rating, `score:`) is the matcher's alone to answer or offer: a click on it
  // records the session's satisfaction, and outside the rating menu the runtime keeps it out of
  // the matcher's candidates (faq-step.ts) — the provider, which sees every item, must not bring
  // it back ("很满意" typed mid-conversation is not a 5-star rating).
  const strict = (id: string) => entries.find((e) => e.id === id)?.strict === true;
  if (lexical.type === 'answer' && strict(lexical.candidate.id)) return lexical;
  const ranked = rankSemantic(view).filter(([id]) => !strict(id));
  const [first, second] = ranked;
  if (!first) return lexical;
  const { threshold, margin } = view;
  const s1 = first[1].similarity;
  const sure = s1 >= threshold && s1 - (second?.[1].similarity ?? 0) >= margin;
  const { candidates } = lexical;
  const candidate = (id: string): FaqCandidate => {
    const lex = candidates.find((c) => c.id === id);
    if (lex) return lex;
    const s = view.scores.get(id);
    const entry = entries.find((e) => e.id === id);
    return {
      id,
      label: entry?.label ?? id,
      score: 0,
      question: s?.question ?? entry?.label ?? id,
      coverage: 0,
      recall: 0,
    };
  };
  const similarity = (id: string) => view.scores.get(id)?.similarity ?? 0;
  const lexicalScore = (id: string) => candidates.find((c) => c.id === id)?.score ?? 0;
  if (lexical.type === 'answer') {
    const l = lexical.candidate.id;
    if (first[0] === l) return lexical;
    const overruled = sure && similarity(l) < threshold - margin;
    const leansElsewhere = s1 >= threshold - AGREE_SLACK && s1 - similarity(l) >= DISAGREE_GAP;
    // Asked only when the words give the provider's item a case too: an item the matcher barely
    // scores is the provider's view alone, and against a direct lexical answer it was wrong.
    const contends = lexicalScore(first[0]) >= CONTEND_RATIO * lexical.candidate.score;
    if ((!overruled && !leansElsewhere) || !contends) return lexical;
    return { type: 'clarify', options: [candidate(first[0]), lexical.candidate], candidates };
  }
  if (sure) return { type: 'answer', candidate: candidate(first[0]), candidates };
  const [lex] = candidates;
  const leans = s1 >= threshold - AGREE_SLACK && lex !== undefined && lex.score >= AGREE_SCORE;
  // A strict item is answered only as the matcher decides: 一般 is a rating, 一般几天到 not.
  const semLead = s1 - (second?.[1].similarity ?? 0);
  const lexLead = lex !== undefined && (candidates[1]?.score ?? 0) < AGREE_LEXICAL_LEAD * lex.score;
  if (
    leans &&
    lex.id === first[0] &&
    !strict(lex.id) &&
    semLead >= AGREE_MARGIN &&
    (semLead >= margin || lexLead)
  )
    return { type: 'answer', candidate: lex, candidates };
  if (lexical.type === 'clarify')
    return {
      type: 'clarify',
      options: [...lexical.options].sort((a, b) => similarity(b.id) - similarity(a.id)),
      candidates,
    };
  if (leans && lex.id !== first[0])
    return { type: 'clarify', options: [lex, candidate(first[0])], candidates };
  if (s1 >= threshold - margin) {
    const close = ranked.filter(([, s]) => s1 - s.similarity < margin).slice(0, MAX_OPTIONS);
    if (close.length > 1) return { type: 'clarify', options: close.map(([id]) => candidate(id)), candidates };
  }
  return lexical;
}

/** What explain shows: the lexical outcome before fusion and the provider's best items. */
export function semanticSummary(
  lexical: FaqOutcome['type'],
  view: SemanticView,
): { lexical: FaqOutcome['type']; best: { id: string; similarity: number }[] } {
  return {
    lexical,
    best: rankSemantic(view)
      .slice(0, 3)
      .map(([id, s]) => ({ id, similarity: Math.round(s.similarity * 1000) / 1000 })),
  };
}

export function describeSemantic(s: ReturnType<typeof semanticSummary>): string {
  const best = s.best.map((b) => `${b.id} ${b.similarity.toFixed(3)}`).join(', ');
  return `  semantic provider: ${best || 'no items'} (the matcher alone: ${s.lexical})`;
}
