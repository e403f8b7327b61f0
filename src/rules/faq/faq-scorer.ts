/**
 * Scores a typed message against the FAQ index (faq-index-data.ts): the matcher's hot path, the
 * score at the top of faq-index.ts. A message only touches the questions it shares a feature with;
 * shared wording is read only for those (and for the questions mostly made of it), and the
 * per-question and per-item buffers are typed arrays allocated once per index and reset after each
 * search, so a search allocates little beyond its result. One scorer per index, one search at a
 * time (all synchronous: the buffers are shared).
 */
import type { FaqEntry } from './faq-entry.ts';
import { type FaqIndexData, negationMask } from './faq-index-data.ts';
import type { FaqSearch } from './faq-search.ts';
import type { ItemCores } from './item-cores.ts';
import { withOtherQuestion } from './item-score.ts';
import { FEATURE_WEIGHT, type FeatureKind } from './question-features.ts';

/** An item's score while no question of it met the message (entryScore's scratch value). */
const UNTOUCHED = -1;
/** …once a question of it met the message but was not scored: it cannot reach the top. */
const NOT_SCORED = -0.5;

/** How much of a message a strict entry's question must cover. */
const STRICT_PRECISION = 0.5;

export class FaqScorer {
  readonly #entries: readonly FaqEntry[];
  readonly #beta2: number;
  readonly #cores: ItemCores;
  // The index's data (faq-index-data.ts, documented there), each part a field of its own: the hot
  // path reads them per feature of the message.
  readonly #featureIds: Map<string, number>;
  readonly #weight: number[];
  readonly #postings: number[][];
  readonly #answerPostings: number[][];
  readonly #questionEntry: Int32Array;
  readonly #questionText: string[];
  readonly #questionCount: number;
  readonly #questionWeight: Float64Array;
  readonly #questionNegations: Uint8Array;
  readonly #unknownWeight: number;
  readonly #common: Uint8Array;
  readonly #commonOf: Int32Array;
  readonly #commonAt: Int32Array;
  readonly #mostlyCommon: Int32Array;
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
  /** Per entry: the best score of another of its listed questions (see analyse). */
  readonly #entrySecond: Float64Array;
  /** Per-call scratch: the message's weight for each of its common features, else 0. */
  readonly #commonWeight: Float64Array;
  /** Per entry: 1 for a strict one (a rating). */
  readonly #strict: Uint8Array;
  readonly #touchedEntries: Int32Array;
  /** Per-call: the unknown share of the message's first form (see FaqSearch.unknown). */
  #unknown = 0;
  /** Per-call: the listed questions (slots skipFrom…skipQuestion) left out of scoring (leave-one-out calibration), else -1. */
  #skipQuestion = -1;
  #skipFrom = -1;
  /** Per-call: an item left out whole (leave-one-out), else -1. */
  #skipEntry = -1;

  constructor(entries: readonly FaqEntry[], d: FaqIndexData, beta2: number, cores: ItemCores) {
    this.#entries = entries;
    this.#beta2 = beta2;
    this.#cores = cores;
    this.#featureIds = d.featureIds;
    this.#weight = d.weight;
    this.#postings = d.postings;
    this.#answerPostings = d.answerPostings;
    this.#questionEntry = d.questionEntry;
    this.#questionText = d.questionText;
    this.#questionCount = d.questionCount;
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

  /**
   * Leaves slots `from`…`to` (one listed question's forms) and, when `entry` is not -1, a whole
   * item out of the searches that follow, as if they were not listed; `leaveOut(-1, -1, -1)` ends it.
   */
  leaveOut(from: number, to: number, entry: number): void {
    this.#skipFrom = from;
    this.#skipQuestion = to;
    this.#skipEntry = entry;
  }

  /** The best items (at most `limit`) for a message's forms, and what of its first form no item knows. */
  analyse(forms: Map<string, FeatureKind>[], limit: number): FaqSearch {
    this.#unknown = 0;
    if (this.#questionCount === 0 || forms.length === 0)
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
      const entry = this.#entries[e] as FaqEntry;
      return {
        id: entry.id,
        label: entry.label,
        score: Math.round((entryScore[e] as number) * 1000) / 1000,
        question: this.#questionText[entryQuestion[e] as number] as string,
        coverage: Math.round((this.#entryCoverage[e] as number) * 1000) / 1000,
        recall: Math.round((this.#entryRecall[e] as number) * 1000) / 1000,
        core: this.#cores.holds(e, forms, this.#skipQuestion >= 0 ? this.#skipFrom : -1),
      };
    });
    for (let k = 0; k < entryCount; k++) entryScore[entries[k] as number] = UNTOUCHED;
    return { candidates: result, unknown: Math.round(this.#unknown * 1000) / 1000, empty: false };
  }

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
  readonly #rareTouched: Int32Array;
  #calls = 0;
}
