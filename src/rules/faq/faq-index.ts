/**
 * Matches a typed customer message against every FAQ item's label and 相似问法 (`questions:`).
 * Each listed question becomes a weighted feature set (question-features.ts); an inverted index
 * from feature to questions means a message only touches the questions it shares a feature with,
 * so 2,000 questions cost about what 20 do.
 *
 * Score of a message m against a listed question q of item i, with w(f) the feature's idf × kind
 * weight and A(i) the features of the item's answer (its reply text):
 *   covered   = Σ w(f) for f in m ∩ q             recall = covered / Σ w(q)
 *   explained = Σ w(f) for f in m ∩ (q ∪ A(i))    precision = explained / Σ w(m)
 *   score     = (1 + β²)·precision·recall / (β²·precision + recall)      (β² = 8: recall counts more)
 * Recall counts more because customers wrap a question in context ("我昨天买的，退款多久到账"),
 * while a message that shares only 怎么/什么 with a question has low precision and stays unanswered.
 * A word of the message that the answer speaks of (导盲犬 when the reply says 导盲犬除外) is
 * explained as much as one the question has: the answer never makes a question meet, it only
 * keeps what it explains from counting against the match. An item scores its best question.
 *
 * Measured on bench/faq (npm run eval:faq), each of these moved answers from wrong or missed to
 * right without answering more out-of-domain messages:
 * - Every question is indexed as written and with the synonyms applied, and a message is scored in
 *   both forms: a synonym group widens what meets, it never hides what was written (查物留, a typo,
 *   still meets 查物流 when 物流 is rewritten to 快递).
 * - Interrogatives (怎么, 多久…; builtin-synonyms.ts) count half: they say what kind of question it
 *   is, the words around them what it is about.
 * - A negation (不, 没…) counts as much as the rarest word, however many items use it: 不满意 is not
 *   满意.
 * - A strict entry (a rating, `score:`) is answered only when its question is at least half of
 *   the message and has the message's negations: "一般" is the rating, "一般几天到" is not, and
 *   "满意" is never 不满意.
 *
 * Where each part lives: the entries it is built from (faq-entry.ts); building the index
 * (build-faq-index.ts) into plain data (faq-index-data.ts) that the loader process hands over;
 * scoring a message against it, the hot path (faq-scorer.ts); an item's score from its questions'
 * (item-score.ts); items' cores (item-cores.ts); what to do with the scores (faq-decision.ts).
 * FaqIndex ties them together and is what the rest of kfbot imports.
 */

import { buildFaqIndex } from './build-faq-index.ts';
import { ASK_WORDS } from './builtin-synonyms.ts';
import {
  decideFaq,
  type FaqDecisionSettings,
  type FaqOutcome,
  fuseScores,
  MAX_OPTIONS,
} from './faq-decision.ts';
import type { FaqEntry } from './faq-entry.ts';
import type { FaqIndexData } from './faq-index-data.ts';
import { FaqScorer } from './faq-scorer.ts';
import type { FaqCandidate, FaqSearch } from './faq-search.ts';
import { HomophonePairs } from './homophone-pairs.ts';
import { ItemCores } from './item-cores.ts';
import { FEATURE_WEIGHT, type FeatureKind, questionFeatures } from './question-features.ts';
import { questionText, SynonymMap } from './question-text.ts';

const ASK_RE = new RegExp(ASK_WORDS.join('|'), 'g');

export interface FaqTuning extends Partial<Omit<FaqDecisionSettings, 'threshold' | 'margin'>> {
  /** Least score (0–1) for an item to be answered or offered in a clarifying menu. */
  threshold: number;
  /** How far the best item must be ahead of the next to be answered without asking. */
  margin: number;
  synonyms: readonly (readonly string[])[];
  /** β² of the score: how much more recall counts than precision (default 8). */
  beta2?: number;
}

export const DEFAULT_THRESHOLD = 0.5;
export const DEFAULT_MARGIN = 0.05;
/**
 * 猜你想问's floor once the decision offers the near-top items of any message not out of domain
 * (faq-decision.ts): chosen on the tuning phrasings (npm run eval:faq).
 */
export const DEFAULT_SUGGEST = 0.1;
export const DEFAULT_RATIO = 0.45;
export const DEFAULT_OUT_OF_DOMAIN = 0.2;
export const DEFAULT_EXTRA_WEIGHT = 0.5;
export { MAX_OPTIONS };

const DEFAULT_BETA2 = 8;

export type { FaqEntry, FaqIndexData, FaqOutcome };

export class FaqIndex {
  readonly entries: readonly FaqEntry[];
  #tuning: FaqTuning;
  readonly #synonyms: SynonymMap;
  readonly #beta2: number;
  readonly #data: FaqIndexData;
  readonly #scorer: FaqScorer;

  /**
   * `data` is what another index built from the same entries and synonyms handed over (`.data`,
   * e.g. from the child process that loads rules: load-rules-worker.ts); without it the index is
   * built here (build-faq-index.ts).
   */
  constructor(entries: readonly FaqEntry[], tuning: FaqTuning, data?: FaqIndexData) {
    this.entries = entries;
    this.#tuning = tuning;
    this.#synonyms = new SynonymMap(tuning.synonyms);
    this.#beta2 = tuning.beta2 ?? DEFAULT_BETA2;
    const forms = (text: string) => this.forms(text);
    this.#data = data ?? buildFaqIndex(entries, forms);
    const cores = new ItemCores(entries, this.#data, forms, (text) => this.features(text));
    this.#scorer = new FaqScorer(entries, this.#data, this.#beta2, cores);
  }

  /** The built part, plain data: structured-cloneable, for `new FaqIndex(entries, tuning, data)`. */
  get data(): FaqIndexData {
    return this.#data;
  }

  /** How many listed questions (labels included) the index holds. */
  get size(): number {
    return this.#data.questionCount;
  }

  /** The normalised, synonym-mapped form a text is compared in (shown by explain and the unanswered report). */
  canonical(text: string): string {
    return this.#synonyms.apply(questionText(text));
  }

  private features(text: string): Map<string, FeatureKind> {
    return questionFeatures(this.canonical(text), ASK_RE);
  }

  /** A text's features as written and, when synonyms change it, with synonyms applied. */
  private forms(text: string): Map<string, FeatureKind>[] {
    const written = questionText(text);
    const canonical = this.#synonyms.apply(written);
    const forms = [questionFeatures(canonical, ASK_RE)];
    if (canonical !== written) forms.push(questionFeatures(written, ASK_RE));
    return forms.filter((f) => f.size > 0);
  }

  /** The best items for a text, best first, each with its best question; at most `limit`. */
  search(text: string, limit = MAX_OPTIONS + 2): FaqCandidate[] {
    return this.analyse(text, limit).candidates;
  }

  /** The best items for a text and what of the text no item knows. */
  analyse(text: string, limit = MAX_OPTIONS + 2): FaqSearch {
    const forms = this.forms(text);
    // A homophone typo read as the FAQ's own word (homophone-pairs.ts): the corrected text is
    // scored first (its unknown share is the message's) and the text as typed after, so a pair
    // the FAQ happens to sound like never loses what was written.
    const corrected = this.#homophones.correct(questionText(text), (ch) => {
      // A character some listed question has is taken as meant; one only an answer has may be a typo.
      const id = this.#data.featureIds.get(`c${ch}`);
      return id !== undefined && (this.#data.postings[id] as number[]).length > 0;
    });
    return this.#scorer.analyse(
      corrected === undefined ? forms : [...this.forms(corrected), ...forms],
      limit,
    );
  }

  /** Built on the first search from the listed questions and answers (nothing at idle before it). */
  get #homophones(): HomophonePairs {
    this.#homophonePairs ??= new HomophonePairs(
      new Set([...this.#data.questionText, ...this.entries.map((e) => e.answer ?? '')].map(questionText)),
    );
    return this.#homophonePairs;
  }
  #homophonePairs: HomophonePairs | undefined;

  /**
   * Leave-one-out: listed question number `q` (in `questionCount` order) searched against all the
   * others, as if a customer had typed it. Calibration reads it (faq-calibration.ts).
   */
  leaveOneOut(
    q: number,
    limit = MAX_OPTIONS + 2,
    wholeItem = false,
  ): { expected: string; search: FaqSearch } | undefined {
    const texts = this.#data.questionText;
    const entryOf = this.#data.questionEntry;
    const text = texts[q];
    const e = entryOf[q];
    if (text === undefined || e === undefined) return undefined;
    // Every form of the same question goes (written and synonym-mapped: consecutive slots).
    let from = q;
    while (from > 0 && texts[from - 1] === text && entryOf[from - 1] === e) from--;
    let to = q;
    while (texts[to + 1] === text && entryOf[to + 1] === e) to++;
    // Without its whole item, the question is a near miss: what a message about something else
    // in the same domain scores.
    this.#scorer.leaveOut(from, to, wholeItem ? e : -1);
    try {
      return {
        expected: (this.entries[e] as FaqEntry).id,
        search: this.#scorer.analyse(this.forms(text), limit),
      };
    } finally {
      this.#scorer.leaveOut(-1, -1, -1);
    }
  }

  /**
   * The slots (leaveOneOut's numbering) of listed question number `n`, counting every entry's
   * questions in order: one per form, none for a question that is nothing once normalised.
   */
  slotsOf(n: number): { from: number; to: number } {
    return { from: this.#data.questionSlots[n] ?? 0, to: this.#data.questionSlots[n + 1] ?? 0 };
  }

  /** β² of the score (see the top of this file). */
  get beta2(): number {
    return this.#beta2;
  }

  /** How many slots leaveOneOut takes (each form of each listed question is a slot). */
  get slots(): number {
    return this.#data.questionText.length;
  }

  /** The tuning as given (threshold and margin as written or calibrated). */
  get tuning(): FaqTuning {
    return this.#tuning;
  }

  /** The values the decision uses: the tuning, defaults for what it leaves out. */
  get decision(): FaqDecisionSettings {
    const t = this.#tuning;
    return {
      threshold: t.threshold,
      margin: t.margin,
      ratio: t.ratio ?? DEFAULT_RATIO,
      suggest: t.suggest ?? DEFAULT_SUGGEST,
      outOfDomain: t.outOfDomain ?? DEFAULT_OUT_OF_DOMAIN,
      extraWeight: t.extraWeight ?? DEFAULT_EXTRA_WEIGHT,
    };
  }

  /** Replaces the decision values (calibration at load, faq-calibration.ts); the index itself is unchanged. */
  retune(values: Partial<FaqDecisionSettings>): void {
    this.#tuning = { ...this.#tuning, ...values };
  }

  /**
   * What to do with a typed message: answer one item, ask between close ones, or leave it to the
   * rules (with what 猜你想问 may offer). `extra`: per-item scores of a second scorer (click id →
   * 0–1), fused with the lexical ones (faq-decision.ts fuseScores). `allow`: which items may be
   * answered or offered at all (a rating only after its menu, faq-step.ts).
   */
  match(text: string, extra?: ReadonlyMap<string, number>, allow?: (id: string) => boolean): FaqOutcome {
    const search = this.analyse(text);
    if (allow) search.candidates = search.candidates.filter((c) => allow(c.id));
    const settings = this.decision;
    if (extra && extra.size > 0)
      search.candidates = fuseScores(search.candidates, extra, settings.extraWeight, (id) =>
        this.#labels.get(id),
      );
    return decideFaq(search, settings);
  }

  get #labels(): Map<string, string> {
    this.#labelById ??= new Map(this.entries.map((e) => [e.id, e.label]));
    return this.#labelById;
  }
  #labelById: Map<string, string> | undefined;

  /** The score `a` would get against a question `b` (with this index's weights): for validate's checks. */
  similarity(a: string, b: string): number {
    const fa = this.features(a);
    const fb = this.features(b);
    const weight = (f: string, kind: FeatureKind) => {
      const id = this.#data.featureIds.get(f);
      return id === undefined
        ? this.#data.unknownWeight * FEATURE_WEIGHT[kind]
        : (this.#data.weight[id] as number);
    };
    let covered = 0;
    let wa = 0;
    let wb = 0;
    for (const [f, kind] of fa) {
      const w = weight(f, kind);
      wa += w;
      if (fb.has(f)) covered += w;
    }
    for (const [f, kind] of fb) wb += weight(f, kind);
    if (covered === 0) return 0;
    const recall = covered / wb;
    const precision = covered / wa;
    const beta2 = this.#beta2;
    return Math.round((((1 + beta2) * precision * recall) / (beta2 * precision + recall)) * 1000) / 1000;
  }
}
