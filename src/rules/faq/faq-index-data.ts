/**
 * The FAQ index's built part, the layout that building it (build-faq-index.ts) writes and that
 * scoring a message (faq-scorer.ts), items' cores (item-cores.ts) and validate's near-duplicate
 * filter (near-duplicates.ts) read. Plain data and typed arrays, so the loader process can hand it
 * over (compile-faq.ts PrebuiltFaq): a structured clone, no rebuilding.
 *
 * A listed question is counted once per form (as written, and with synonyms applied when they
 * change it): its slots, consecutive, numbered in the entries' order.
 */
import type { FeatureKind } from './question-features.ts';

export interface FaqIndexData {
  featureIds: Map<string, number>;
  /** idf × kind weight, by feature id. */
  weight: number[];
  /**
   * Questions holding each feature, by feature id, each as 2·question + 1 when the question's
   * entry's answer holds the feature too (so it is not explained twice), else 2·question.
   */
  postings: number[][];
  /** Entries whose answer holds each feature, by feature id. */
  answerPostings: number[][];
  /** Per listed question (slot): its entry, its text as written, its total weight, its negations. */
  questionEntry: Int32Array;
  questionText: string[];
  /** How many listed questions (labels included) have any feature. */
  questionCount: number;
  /** Per listed question (entries' questions in order): its first slot; one more at the end. */
  questionSlots: Int32Array;
  questionWeight: Float64Array;
  questionNegations: Uint8Array;
  /** Weight of a feature no listed question has: as informative as the rarest known feature. */
  unknownWeight: number;
  /** Per feature id: 1 when its postings are too many to walk per message (shared wording). */
  common: Uint8Array;
  /** Per question q: its common features, 2·feature + (also in its answer), at commonAt[q]…commonAt[q+1]. */
  commonOf: Int32Array;
  commonAt: Int32Array;
  /** Questions whose weight is mostly common features: scored on those alone when no rarer word touched them. */
  mostlyCommon: Int32Array;
}

/**
 * Negations, as character features: each weighs what the rarest word weighs. Not 非: customers
 * write it far more often in 非常 (very) than as "not".
 */
const NEGATIONS = ['c不', 'c没', 'c未', 'c别', 'c无'];
export const NEGATION = new Set(NEGATIONS);

/** Which negations a text's features hold, one bit each. */
export function negationMask(features: Map<string, FeatureKind>): number {
  let mask = 0;
  NEGATIONS.forEach((f, i) => {
    if (features.has(f)) mask |= 1 << i;
  });
  return mask;
}
