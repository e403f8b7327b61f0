/**
 * What the FAQ matcher (faq-index.ts) finds for a typed message: its best items with their
 * scores, and how much of the message no item knows. The decision (faq-decision.ts), the semantic
 * fusion and calibration read it.
 */
export interface FaqCandidate {
  id: string;
  label: string;
  score: number;
  /** The listed question (as written) that scored best. */
  question: string;
  /** Share (0–1) of the message's weight that question and the item's answer explain. */
  coverage: number;
  /** Share (0–1) of that question's weight the message has. */
  recall: number;
  /**
   * Whether the message has every feature that all the item's listed questions share (its core:
   * what the author wrote each time). Absent from a semantic provider's candidates.
   */
  core?: boolean;
}

/** A message as the matcher saw it: its best items and what of it no item knows. */
export interface FaqSearch {
  candidates: FaqCandidate[];
  /** Share (0–1) of the message's weight in features no listed question or answer has (0 for an empty message): an answer's words count as known. */
  unknown: number;
  /** Whether the message has any feature at all after normalisation (emoji-only, 你好 alone: no). */
  empty: boolean;
}
