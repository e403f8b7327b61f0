/**
 * Items' cores: the features all of an item's listed questions share and no other item's question
 * has, what the author wrote each time ("团课" in every question of the group-class item). Whether
 * a message holds its item's core is the decision's second view of a match (faq-decision.ts byCore).
 */
import type { FaqEntry } from './faq-entry.ts';
import type { FaqIndexData } from './faq-index-data.ts';
import type { FeatureKind } from './question-features.ts';

type Forms = (text: string) => Map<string, FeatureKind>[];
type Features = (text: string) => Map<string, FeatureKind>;

/** Each item's core, computed once per item from the index's postings when a search first needs it. */
export class ItemCores {
  readonly #entries: readonly FaqEntry[];
  readonly #data: FaqIndexData;
  readonly #forms: Forms;
  readonly #features: Features;

  /** `forms` and `features`: FaqIndex's, with its synonyms. */
  constructor(entries: readonly FaqEntry[], data: FaqIndexData, forms: Forms, features: Features) {
    this.#entries = entries;
    this.#data = data;
    this.#forms = forms;
    this.#features = features;
  }

  /**
   * Whether the message (its forms) has every feature all of item e's listed questions share and no
   * other item's question has (its core): what the author wrote each time, whatever else changed
   * ("团课" in every question of the group-class item). An item without such features has no core
   * (false). Leave-one-out leaves the question out of the core too, or the question typed would
   * always hold it: `leftOut` is the slot it leaves out (of any item), else -1.
   */
  holds(e: number, forms: readonly Map<string, FeatureKind>[], leftOut: number): boolean {
    const { questions, shared } = this.#coreOf(e);
    const leftOutFeatures =
      leftOut >= 0 && this.#data.questionEntry[leftOut] === e
        ? this.#features(this.#data.questionText[leftOut] as string)
        : undefined;
    let any = false;
    for (const [f, count] of shared) {
      // Without the left-out question, a feature all the others have is core too.
      const isCore =
        count === questions || (leftOutFeatures !== undefined && questions > 1 && !leftOutFeatures.has(f));
      if (!isCore) continue;
      if (!forms.some((form) => form.has(f))) return false;
      any = true;
    }
    return any;
  }

  /**
   * Item e's features that all its distinct listed questions but at most one have and no other
   * item's question has (interrogatives aside), with how many of its questions have each: computed
   * once, when the item first reaches a search's top, from the index's postings (a 10,000-question
   * item costs a walk of the postings of two questions' features, not 10,000 questions' features).
   */
  #coreOf(e: number): { questions: number; shared: Map<string, number> } {
    let core = this.#cores.get(e);
    if (core) return core;
    const texts = [...new Set((this.#entries[e] as FaqEntry).questions)];
    // A feature all questions but one have is in one of any two of them.
    const candidates = new Set<string>();
    // Interrogatives say how a question asks, not what about (多久 and 几天 are one word here).
    for (const q of texts.slice(0, 2))
      for (const form of this.#forms(q)) for (const [f, kind] of form) if (kind !== 'ask') candidates.add(f);
    const shared = new Map<string, number>();
    for (const f of candidates) {
      const count = this.#questionsOnlyIn(f, e);
      if (count >= texts.length - 1) shared.set(f, count);
    }
    core = { questions: texts.length, shared };
    this.#cores.set(e, core);
    return core;
  }

  /** How many distinct listed questions of item e have feature f; 0 when another item's question has it. */
  #questionsOnlyIn(f: string, e: number): number {
    const { featureIds, common, postings, questionEntry, questionText } = this.#data;
    const id = featureIds.get(f);
    if (id === undefined || common[id] === 1) return 0;
    const texts = new Set<string>();
    for (const p of postings[id] as number[]) {
      if (questionEntry[p >> 1] !== e) return 0;
      texts.add(questionText[p >> 1] as string);
    }
    return texts.size;
  }
  readonly #cores = new Map<number, { questions: number; shared: Map<string, number> }>();
}
