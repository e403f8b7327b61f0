/** One FAQ item as the matcher (faq-index.ts) indexes it: built from the rule files by compile-faq.ts. */
export interface FaqEntry {
  /** The click id: a confident match is answered as a click on it. */
  id: string;
  /** The text a clarifying menu shows for it (its label, or its first question). */
  label: string;
  /** What the customer is answered (the reply text), when it is text: explains words of a message. */
  answer?: string;
  /** Label and 相似问法, as written. */
  questions: readonly string[];
  /**
   * Answered only when the message says little besides one of its questions: for a rating
   * (满意度) item, a typed "一般" is the rating, "一般几天到" is not.
   */
  strict?: boolean;
}
