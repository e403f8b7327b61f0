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
 */
import { ASK_WORDS } from './builtin-synonyms.ts';
import {
  decideFaq,
  type FaqDecisionSettings,
  type FaqOutcome,
  fuseScores,
  MAX_OPTIONS,
} from './faq-decision.ts';
import type { FaqCandidate, FaqSearch } from './faq-search.ts';
import { HomophonePairs } from './homophone-pairs.ts';
import { FEATURE_WEIGHT, type FeatureKind, questionFeatures } from './question-features.ts';
import { questionText, SynonymMap } from './question-text.ts';

const ASK_RE = new RegExp(ASK_WORDS.join('|'), 'g');

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
/** A feature held by more questions than this (and COMMON_SHARE of all) is shared wording. */
const COMMON_POSTINGS = 512;
const COMMON_SHARE = 0.05;
/** See #mostlyCommon: the share of a question's weight in common features that makes it one. */
const MOSTLY_COMMON = 0.4;
/**
 * Negations, as character features: each weighs what the rarest word weighs. Not 非: customers
 * write it far more often in 非常 (very) than as "not".
 */
const NEGATIONS = ['c不', 'c没', 'c未', 'c别', 'c无'];
const NEGATION = new Set(NEGATIONS);

/** Which negations a text's features hold, one bit each. */
function negationMask(features: Map<string, FeatureKind>): number {
  let mask = 0;
  NEGATIONS.forEach((f, i) => {
    if (features.has(f)) mask |= 1 << i;
  });
  return mask;
}
/** An item's score while no question of it met the message (entryScore's scratch value). */
const UNTOUCHED = -1;
/** …once a question of it met the message but was not scored: it cannot reach the top. */
const NOT_SCORED = -0.5;

/**
 * How much an item's second-best listed question adds to its best one's score s: s + w·s₂·(1 − s),
 * so it never passes 1 and an item met by one question alone keeps that question's score. Two
 * phrasings of the same item meeting a message are more evidence than one: "接机多少钱" meets
 * 早餐多少钱 and 加床多少钱 on 多少钱, one question each, and the shuttle on 机 in both 机场接送 and
 * 有接机服务吗 — the shuttle now leads. Tuning sets (npm run eval:faq -- --tuning), with the
 * calibration's stricter threshold (faq-calibration.ts): right item ranked first 88.8 → 89.9 %,
 * right directly 70.1 → 72.9 %, unanswerable answered 6.7 → 6.4 %, wrong 1.0 → 1.0 %.
 */
export const OTHER_QUESTION = 0.5;

function withOtherQuestion(best: number, second: number): number {
  return best + OTHER_QUESTION * second * (1 - best);
}

/**
 * The least score an item's best question must have for the item to score `target` (its second
 * question at most as good): what validate's near-duplicate filter bounds (near-duplicates.ts).
 */
export function leastBestQuestion(target: number): number {
  const w = OTHER_QUESTION;
  return (1 + w - Math.sqrt((1 + w) ** 2 - 4 * w * target)) / (2 * w);
}

/** How much of a message a strict entry's question must cover. */
const STRICT_PRECISION = 0.5;

export type { FaqOutcome };

/** An index's built part (see FaqIndex.data): plain data, so the loader process can hand it over. */
export interface FaqIndexData {
  featureIds: Map<string, number>;
  weight: number[];
  postings: number[][];
  answerPostings: number[][];
  questionEntry: Int32Array;
  questionText: string[];
  questionCount: number;
  /** Per listed question (entries' questions in order): its first slot; one more at the end. */
  questionSlots: Int32Array;
  questionWeight: Float64Array;
  questionNegations: Uint8Array;
  unknownWeight: number;
  common: Uint8Array;
  commonOf: Int32Array;
  commonAt: Int32Array;
  mostlyCommon: Int32Array;
}

export class FaqIndex {
  readonly entries: readonly FaqEntry[];
  #tuning: FaqTuning;
  readonly #synonyms: SynonymMap;
  readonly #beta2: number;
  readonly #featureIds: Map<string, number>;
  /** idf × kind weight, by feature id. */
  readonly #weight: number[];
  /**
   * Questions holding each feature, by feature id, each as 2·question + 1 when the question's
   * entry's answer holds the feature too (so it is not explained twice), else 2·question.
   */
  readonly #postings: number[][];
  /** Entries whose answer holds each feature, by feature id. */
  readonly #answerPostings: number[][];
  /** Per listed question: its entry, its text as written, its total weight, its negations. */
  readonly #questionEntry: Int32Array;
  readonly #questionText: string[];
  readonly #questionCount: number;
  readonly #questionSlots: Int32Array;
  readonly #questionWeight: Float64Array;
  readonly #questionNegations: Uint8Array;
  /** Weight of a feature no listed question has: as informative as the rarest known feature. */
  readonly #unknownWeight: number;
  // Per-call scratch, reused so a search allocates little beyond its result.
  readonly #covered: Float64Array;
  /** Per question: the covered weight its entry's answer also explains. */
  readonly #coveredByBoth: Float64Array;
  /** Per entry: the message weight its answer explains. */
  readonly #answered: Float64Array;
  readonly #answeredEntries: Int32Array;
  readonly #touched: Int32Array;
  readonly #entryScore: Float64Array;
  readonly #entryQuestion: Int32Array;
  readonly #entryCoverage: Float64Array;
  readonly #entryRecall: Float64Array;
  /** Per entry: the best score of another of its listed questions (see #analyse). */
  readonly #entrySecond: Float64Array;
  /** Per feature id: 1 when its postings are too many to walk per message (shared wording). */
  readonly #common: Uint8Array;
  /** Per question q: its common features, 2·feature + (also in its answer), at commonAt[q]…commonAt[q+1]. */
  readonly #commonOf: Int32Array;
  readonly #commonAt: Int32Array;
  /** Questions whose weight is mostly common features: scored on those alone when no rarer word touched them. */
  readonly #mostlyCommon: Int32Array;
  /** Per-call scratch: the message's weight for each of its common features, else 0. */
  readonly #commonWeight: Float64Array;
  /** Per entry: 1 for a strict one (a rating). */
  readonly #strict: Uint8Array;
  readonly #touchedEntries: Int32Array;
  /** Per-call: the unknown share of the message's first form (see FaqSearch.unknown). */
  #unknown = 0;
  /** Per-call: a listed question left out of scoring (leave-one-out calibration), else -1. */
  #skipQuestion = -1;

  /**
   * `data` is what another index built from the same entries and synonyms handed over (`.data`,
   * e.g. from the worker thread that loads rules: rules-load-worker.ts); without it the index is
   * built here.
   */
  constructor(entries: readonly FaqEntry[], tuning: FaqTuning, data?: FaqIndexData) {
    this.entries = entries;
    this.#tuning = tuning;
    this.#synonyms = new SynonymMap(tuning.synonyms);
    this.#beta2 = tuning.beta2 ?? DEFAULT_BETA2;
    const d = data ?? this.#build(entries);
    this.#featureIds = d.featureIds;
    this.#weight = d.weight;
    this.#postings = d.postings;
    this.#answerPostings = d.answerPostings;
    this.#questionEntry = d.questionEntry;
    this.#questionText = d.questionText;
    this.#questionCount = d.questionCount;
    this.#questionSlots = d.questionSlots;
    this.#questionWeight = d.questionWeight;
    this.#questionNegations = d.questionNegations;
    this.#unknownWeight = d.unknownWeight;
    this.#common = d.common;
    this.#commonOf = d.commonOf;
    this.#commonAt = d.commonAt;
    this.#mostlyCommon = d.mostlyCommon;
    const questions = d.questionEntry.length;
    this.#commonWeight = new Float64Array(d.weight.length);
    this.#covered = new Float64Array(questions);
    this.#coveredByBoth = new Float64Array(questions);
    this.#answered = new Float64Array(entries.length);
    this.#answeredEntries = new Int32Array(entries.length);
    this.#touched = new Int32Array(questions);
    this.#entryScore = new Float64Array(entries.length).fill(UNTOUCHED);
    this.#rareTouched = new Int32Array(questions);
    this.#entryQuestion = new Int32Array(entries.length);
    this.#entryCoverage = new Float64Array(entries.length);
    this.#entryRecall = new Float64Array(entries.length);
    this.#entrySecond = new Float64Array(entries.length);
    this.#strict = Uint8Array.from(entries, (e) => (e.strict ? 1 : 0));
    this.#touchedEntries = new Int32Array(entries.length);
  }

  /** The built part, plain data: structured-cloneable, for `new FaqIndex(entries, tuning, data)`. */
  get data(): FaqIndexData {
    return {
      featureIds: this.#featureIds,
      weight: this.#weight,
      postings: this.#postings,
      answerPostings: this.#answerPostings,
      questionEntry: this.#questionEntry,
      questionText: this.#questionText,
      questionCount: this.#questionCount,
      questionSlots: this.#questionSlots,
      questionWeight: this.#questionWeight,
      questionNegations: this.#questionNegations,
      unknownWeight: this.#unknownWeight,
      common: this.#common,
      commonOf: this.#commonOf,
      commonAt: this.#commonAt,
      mostlyCommon: this.#mostlyCommon,
    };
  }

  /** The expensive part of building: every question's features, their weights and postings. */
  #build(entries: readonly FaqEntry[]): FaqIndexData {
    const featureIds = new Map<string, number>();
    const weight: number[] = [];
    const postings: number[][] = [];
    const answerPostings: number[][] = [];
    const questionText: string[] = [];
    const perQuestion: Map<string, FeatureKind>[] = [];
    const questionEntry: number[] = [];
    // Per feature: its kind, how many items hold it, and the last item counted (items come in order).
    const entryDf = new Map<string, { kind: FeatureKind; items: number; last: number }>();
    let questionCount = 0;
    const questionSlots: number[] = [0];
    entries.forEach((entry, e) => {
      for (const q of entry.questions) {
        const forms = this.forms(q);
        questionSlots.push((questionSlots.at(-1) as number) + forms.length);
        if (forms.length > 0) questionCount++;
        for (const features of forms) {
          perQuestion.push(features);
          questionEntry.push(e);
          questionText.push(q);
          for (const [f, kind] of features) {
            const df = entryDf.get(f);
            if (!df) entryDf.set(f, { kind, items: 1, last: e });
            else if (df.last !== e) {
              df.items++;
              df.last = e;
            }
          }
        }
      }
    });
    const n = Math.max(entries.length, 1);
    // Document frequency counts items, not questions: an item with many 相似问法 must not make its
    // own words look common.
    for (const [f, { kind, items }] of entryDf) {
      featureIds.set(f, weight.length);
      // A negation (不满意, 没到) always counts fully, however many items use it: it reverses
      // what the words around it mean.
      const df = NEGATION.has(f) ? 1 : items;
      weight.push(Math.log(1 + n / df) * FEATURE_WEIGHT[kind]);
      postings.push([]);
    }
    const unknownWeight = Math.log(1 + n);
    for (let id = 0; id < weight.length; id++) answerPostings.push([]);
    // An answer's words keep their question weight; one no question has weighs what an unknown
    // word weighs, as it would in a message anyway.
    const answerFeatures = entries.map((entry, e) => {
      const features = new Set<string>();
      if (entry.answer === undefined) return features;
      for (const form of this.forms(entry.answer))
        for (const [f, kind] of form) {
          if (features.has(f)) continue;
          features.add(f);
          let id = featureIds.get(f);
          if (id === undefined) {
            id = weight.length;
            featureIds.set(f, id);
            weight.push(unknownWeight * FEATURE_WEIGHT[kind]);
            postings.push([]);
            answerPostings.push([]);
          }
          answerPostings[id]?.push(e);
        }
      return features;
    });
    const questionEntryIds = Int32Array.from(questionEntry);
    const questionWeight = new Float64Array(perQuestion.length);
    const questionNegations = Uint8Array.from(perQuestion, negationMask);
    perQuestion.forEach((features, q) => {
      let total = 0;
      for (const f of features.keys()) {
        const id = featureIds.get(f) as number;
        total += weight[id] as number;
        const alsoInAnswer = answerFeatures[questionEntry[q] as number]?.has(f) ? 1 : 0;
        postings[id]?.push(2 * q + alsoInAnswer);
      }
      questionWeight[q] = total;
    });
    // Shared wording (处理, 怎么 in thousands of questions): such a feature's postings are not walked
    // per message; each question keeps the list of the common features it holds, read only for the
    // questions a rarer feature of the message already touched. A search then costs what its rare
    // words cost, not what the whole FAQ's shared wording does.
    const commonLimit = Math.max(COMMON_POSTINGS, perQuestion.length * COMMON_SHARE);
    const common = Uint8Array.from(postings, (p) => (p.length > commonLimit ? 1 : 0));
    const commonOf: number[][] = perQuestion.map(() => []);
    postings.forEach((list, id) => {
      if (common[id] !== 1) return;
      for (const posting of list) commonOf[posting >> 1]?.push(2 * id + (posting & 1));
    });
    const commonAt = new Int32Array(perQuestion.length + 1);
    commonOf.forEach((list, q) => {
      commonAt[q + 1] = (commonAt[q] as number) + list.length;
    });
    // Filled by hand: Array.prototype.flat over thousands of small lists is slow.
    const commonOfFlat = new Int32Array(commonAt[perQuestion.length] as number);
    commonOf.forEach((list, q) => {
      commonOfFlat.set(list, commonAt[q] as number);
    });
    // A question mostly made of shared wording may score high on it alone (recall counts most):
    // those are always scored. Any other question not touched by a rarer word of the message has
    // recall below MOSTLY_COMMON, so a score below 9/8 of it (0.45), under every threshold.
    const mostly: number[] = [];
    commonOf.forEach((list, q) => {
      let w = 0;
      for (const packed of list) w += weight[packed >> 1] as number;
      if (w >= MOSTLY_COMMON * (questionWeight[q] as number)) mostly.push(q);
    });
    const mostlyCommon = Int32Array.from(mostly);
    return {
      featureIds,
      weight,
      postings,
      answerPostings,
      questionEntry: questionEntryIds,
      questionText,
      questionCount,
      questionSlots: Int32Array.from(questionSlots),
      questionWeight,
      questionNegations,
      unknownWeight,
      common,
      commonOf: commonOfFlat,
      commonAt,
      mostlyCommon,
    };
  }

  /** How many listed questions (labels included) the index holds. */
  get size(): number {
    return this.#questionCount;
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
      const id = this.#featureIds.get(`c${ch}`);
      return id !== undefined && (this.#postings[id] as number[]).length > 0;
    });
    return this.#analyse(corrected === undefined ? forms : [...this.forms(corrected), ...forms], limit);
  }

  /** Built on the first search from the listed questions and answers (nothing at idle before it). */
  get #homophones(): HomophonePairs {
    this.#homophonePairs ??= new HomophonePairs(
      new Set([...this.#questionText, ...this.entries.map((e) => e.answer ?? '')].map(questionText)),
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
    const text = this.#questionText[q];
    const e = this.#questionEntry[q];
    if (text === undefined || e === undefined) return undefined;
    // Every form of the same question goes (written and synonym-mapped: consecutive slots).
    let from = q;
    while (from > 0 && this.#questionText[from - 1] === text && this.#questionEntry[from - 1] === e) from--;
    let to = q;
    while (this.#questionText[to + 1] === text && this.#questionEntry[to + 1] === e) to++;
    this.#skipFrom = from;
    this.#skipQuestion = to;
    // Without its whole item, the question is a near miss: what a message about something else
    // in the same domain scores.
    this.#skipEntry = wholeItem ? e : -1;
    try {
      return { expected: (this.entries[e] as FaqEntry).id, search: this.#analyse(this.forms(text), limit) };
    } finally {
      this.#skipQuestion = -1;
      this.#skipEntry = -1;
    }
  }
  #skipFrom = -1;
  #skipEntry = -1;

  /**
   * The slots (leaveOneOut's numbering) of listed question number `n`, counting every entry's
   * questions in order: one per form, none for a question that is nothing once normalised.
   */
  slotsOf(n: number): { from: number; to: number } {
    return { from: this.#questionSlots[n] ?? 0, to: this.#questionSlots[n + 1] ?? 0 };
  }

  /** β² of the score (see the top of this file). */
  get beta2(): number {
    return this.#beta2;
  }

  /** How many slots leaveOneOut takes (each form of each listed question is a slot). */
  get slots(): number {
    return this.#questionText.length;
  }

  #analyse(forms: Map<string, FeatureKind>[], limit: number): FaqSearch {
    this.#unknown = 0;
    if (this.size === 0 || forms.length === 0)
      return { candidates: [], unknown: 0, empty: forms.length === 0 };
    const entryScore = this.#entryScore;
    const entryQuestion = this.#entryQuestion;
    const entries = this.#touchedEntries;
    let entryCount = 0;
    let first = true;
    for (const features of forms) {
      entryCount = this.#score(features, entryCount, first, limit);
      first = false;
    }
    // Each further listed question of an item that meets the message is more evidence for it
    // (see OTHER_QUESTION): its best question's score, raised by its second best.
    const second = this.#entrySecond;
    for (let k = 0; k < entryCount; k++) {
      const e = entries[k] as number;
      const best = entryScore[e] as number;
      if (best > 0) entryScore[e] = withOtherQuestion(best, second[e] as number);
    }
    // The best items: a partial selection, no sort of everything.
    const top: number[] = [];
    for (let k = 0; k < entryCount; k++) {
      const e = entries[k] as number;
      const score = entryScore[e] as number;
      if (top.length === limit && score <= (entryScore[top[limit - 1] as number] as number)) continue;
      let at = top.length;
      while (at > 0 && (entryScore[top[at - 1] as number] as number) < score) at--;
      top.splice(at, 0, e);
      if (top.length > limit) top.pop();
    }
    const result = top.map((e) => {
      const entry = this.entries[e] as FaqEntry;
      return {
        id: entry.id,
        label: entry.label,
        score: Math.round((entryScore[e] as number) * 1000) / 1000,
        question: this.#questionText[entryQuestion[e] as number] as string,
        coverage: Math.round((this.#entryCoverage[e] as number) * 1000) / 1000,
        recall: Math.round((this.#entryRecall[e] as number) * 1000) / 1000,
        core: this.#holdsCore(e, forms),
      };
    });
    for (let k = 0; k < entryCount; k++) entryScore[entries[k] as number] = UNTOUCHED;
    return { candidates: result, unknown: Math.round(this.#unknown * 1000) / 1000, empty: false };
  }

  /**
   * Whether the message (its forms) has every feature all of item e's listed questions share and no
   * other item's question has (its core): what the author wrote each time, whatever else changed
   * ("团课" in every question of the group-class item). An item without such features has no core
   * (false). Leave-one-out leaves the question out of the core too, or the question typed would
   * always hold it. The decision reads it as a second view of the match (faq-decision.ts byCore).
   */
  #holdsCore(e: number, forms: readonly Map<string, FeatureKind>[]): boolean {
    const { questions, shared } = this.#coreOf(e);
    const leftOut =
      this.#skipQuestion >= 0 && this.#questionEntry[this.#skipFrom] === e
        ? this.features(this.#questionText[this.#skipFrom] as string)
        : undefined;
    let any = false;
    for (const [f, count] of shared) {
      // Without the left-out question, a feature all the others have is core too.
      const isCore = count === questions || (leftOut !== undefined && questions > 1 && !leftOut.has(f));
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
    const texts = [...new Set((this.entries[e] as FaqEntry).questions)];
    // A feature all questions but one have is in one of any two of them.
    const candidates = new Set<string>();
    // Interrogatives say how a question asks, not what about (多久 and 几天 are one word here).
    for (const q of texts.slice(0, 2))
      for (const form of this.forms(q)) for (const [f, kind] of form) if (kind !== 'ask') candidates.add(f);
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
    const id = this.#featureIds.get(f);
    if (id === undefined || this.#common[id] === 1) return 0;
    const texts = new Set<string>();
    for (const p of this.#postings[id] as number[]) {
      if (this.#questionEntry[p >> 1] !== e) return 0;
      texts.add(this.#questionText[p >> 1] as string);
    }
    return texts.size;
  }
  readonly #cores = new Map<number, { questions: number; shared: Map<string, number> }>();

  /**
   * Scores one form of a message against every listed question sharing a feature with it and
   * raises each touched item's best score; returns the new count of touched items.
   */
  #score(features: Map<string, FeatureKind>, entryCount: number, first: boolean, limit: number): number {
    const covered = this.#covered;
    const coveredByBoth = this.#coveredByBoth;
    const answered = this.#answered;
    const answeredEntries = this.#answeredEntries;
    const touched = this.#touched;
    let count = 0;
    let answeredCount = 0;
    let messageWeight = 0;
    let unknownWeight = 0;
    const skipFrom = this.#skipFrom;
    const skipTo = this.#skipQuestion;
    const skipEntry = this.#skipEntry;
    const skipping = skipTo >= 0 || skipEntry >= 0;
    const questionEntry = this.#questionEntry;
    const commonWeight = this.#commonWeight;
    const commonIds: number[] = [];
    const postingsOf = this.#postings;
    const walk = (id: number, w: number) => {
      const postings = postingsOf[id] as number[];
      const n = postings.length;
      for (let j = 0; j < n; j++) {
        const posting = postings[j] as number;
        const q = posting >> 1;
        if (skipping && ((q >= skipFrom && q <= skipTo) || questionEntry[q] === skipEntry)) continue;
        if (covered[q] === 0) touched[count++] = q;
        covered[q] = (covered[q] as number) + w;
        if (posting & 1) coveredByBoth[q] = (coveredByBoth[q] as number) + w;
      }
    };
    for (const [f, kind] of features) {
      const id = this.#featureIds.get(f);
      if (id === undefined) {
        const w = this.#unknownWeight * FEATURE_WEIGHT[kind];
        messageWeight += w;
        unknownWeight += w;
        continue;
      }
      const w = this.#weight[id] as number;
      messageWeight += w;
      if (this.#common[id] === 1) {
        commonWeight[id] = w;
        commonIds.push(id);
      } else walk(id, w);
      for (const e of this.#answerPostings[id] as number[]) {
        if (answered[e] === 0) answeredEntries[answeredCount++] = e;
        answered[e] = (answered[e] as number) + w;
      }
    }
    const entryScore = this.#entryScore;
    const entryQuestion = this.#entryQuestion;
    const entries = this.#touchedEntries;
    const beta2 = this.#beta2;
    const negations = negationMask(features);
    const strict = this.#strict;
    const questionWeight = this.#questionWeight;
    const entryCoverage = this.#entryCoverage;
    const entryRecall = this.#entryRecall;
    const entrySecond = this.#entrySecond;
    const questionText = this.#questionText;
    if (first) this.#unknown = messageWeight > 0 ? unknownWeight / messageWeight : 0;
    /** Scores listed question q, covered c (of it, also in its answer: both), for its item. */
    const score = (q: number, c: number, both: number) => {
      const e = questionEntry[q] as number;
      const explained = c + (answered[e] as number) - both;
      // A rating is the customer's verdict: most of the message must be its words (not its
      // answer's), and its negations must be the message's (满意 is not 不满意, even with no 满意
      // item to match).
      if (
        strict[e] === 1 &&
        (c / messageWeight < STRICT_PRECISION || this.#questionNegations[q] !== negations)
      )
        return;
      const recall = c / (questionWeight[q] as number);
      const precision = explained / messageWeight;
      const value = ((1 + beta2) * precision * recall) / (beta2 * precision + recall);
      const prior = entryScore[e] as number;
      if (prior === UNTOUCHED) {
        entries[entryCount++] = e;
        entrySecond[e] = 0;
      }
      const same = prior >= 0 && questionText[entryQuestion[e] as number] === questionText[q];
      if (value > prior) {
        if (!same && prior > (entrySecond[e] as number)) entrySecond[e] = prior;
        entryScore[e] = value;
        entryQuestion[e] = q;
        entryCoverage[e] = precision;
        entryRecall[e] = recall;
      } else if (!same && value > (entrySecond[e] as number)) entrySecond[e] = value;
    };
    const scoreTouched = () => {
      for (let k = 0; k < count; k++) {
        const q = touched[k] as number;
        const c = covered[q] as number;
        const both = coveredByBoth[q] as number;
        covered[q] = 0;
        coveredByBoth[q] = 0;
        score(q, c, both);
      }
    };
    if (count === 0) {
      // Nothing but shared wording: walk it after all (rare, and such a message scores low).
      for (const id of commonIds) walk(id, commonWeight[id] as number);
      scoreTouched();
    } else if (commonIds.length === 0) scoreTouched();
    else {
      const commonOf = this.#commonOf;
      const commonAt = this.#commonAt;
      const rareTouched = this.#rareTouched;
      if (this.#calls === 0x7fffffff) {
        this.#rareTouched.fill(0);
        this.#calls = 0;
      }
      const call = ++this.#calls;
      let commonTotal = 0;
      for (const id of commonIds) commonTotal += commonWeight[id] as number;
      for (let k = 0; k < count; k++) {
        const q = touched[k] as number;
        rareTouched[q] = call;
        for (let j = commonAt[q] as number, end = commonAt[q + 1] as number; j < end; j++) {
          const packed = commonOf[j] as number;
          const w = commonWeight[packed >> 1] as number;
          if (w === 0) continue;
          covered[q] = (covered[q] as number) + w;
          if (packed & 1) coveredByBoth[q] = (coveredByBoth[q] as number) + w;
        }
      }
      scoreTouched();
      // Then the questions mostly made of shared wording that no rarer word touched, in their
      // order. One whose best possible score (the message's whole shared wording covering it,
      // precision 1) stays below the `limit`-th best item so far cannot change what is returned:
      // it is not scored, and only marks its item as met here, where it would have, so that the
      // items' order (which breaks ties) stays the same. Its bound allows for its item's second
      // question (OTHER_QUESTION): as its best, or beside one as good. The one case it does not
      // cover: a later question of the same item scored above the floor, to which this one would
      // have been the second (under the floor: it would add less than half of its own score).
      const floor = this.#best(entryCount, limit);
      for (const q of this.#mostlyCommon) {
        if (rareTouched[q] === call) continue;
        if (skipping && ((q >= skipFrom && q <= skipTo) || questionEntry[q] === skipEntry)) continue;
        const e = questionEntry[q] as number;
        const from = commonAt[q] as number;
        const end = commonAt[q + 1] as number;
        if (strict[e] !== 1) {
          const r = Math.min(1, commonTotal / (questionWeight[q] as number));
          // The most it could bring its item: as its best question, and as much again as another.
          const most = Math.max(r === 0 ? 0 : ((1 + beta2) * r) / (beta2 + r), entryScore[e] as number);
          if (withOtherQuestion(most, most) * (1 + 1e-9) < floor) {
            if (entryScore[e] !== UNTOUCHED) continue;
            for (let j = from; j < end; j++)
              if ((commonWeight[(commonOf[j] as number) >> 1] as number) !== 0) {
                entries[entryCount++] = e;
                entryScore[e] = NOT_SCORED;
                entrySecond[e] = 0;
                break;
              }
            continue;
          }
        }
        let c = 0;
        let both = 0;
        for (let j = from; j < end; j++) {
          const packed = commonOf[j] as number;
          const w = commonWeight[packed >> 1] as number;
          c += w;
          if (packed & 1) both += w;
        }
        if (c !== 0) score(q, c, both);
      }
    }
    for (const id of commonIds) commonWeight[id] = 0;
    for (let k = 0; k < answeredCount; k++) answered[answeredEntries[k] as number] = 0;
    return entryCount;
  }

  /** The `limit`-th best score of the items met so far (-Infinity while fewer have a score). */
  #best(entryCount: number, limit: number): number {
    const best = this.#bestScratch;
    best.length = 0;
    for (let k = 0; k < entryCount; k++) {
      const score = this.#entryScore[this.#touchedEntries[k] as number] as number;
      if (score < 0) continue;
      if (best.length === limit && score <= (best[limit - 1] as number)) continue;
      let at = best.length;
      while (at > 0 && (best[at - 1] as number) < score) at--;
      best.splice(at, 0, score);
      if (best.length > limit) best.pop();
    }
    return best.length === limit ? (best[limit - 1] as number) : Number.NEGATIVE_INFINITY;
  }
  readonly #bestScratch: number[] = [];
  /** Per question: the call of #score whose rarer words touched it. */
  #rareTouched = new Int32Array(0);
  #calls = 0;

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
      const id = this.#featureIds.get(f);
      return id === undefined ? this.#unknownWeight * FEATURE_WEIGHT[kind] : (this.#weight[id] as number);
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
