/**
 * Builds the FAQ index (faq-index-data.ts) from a rule set's entries: every listed question's
 * features (each form: as written, and with synonyms applied), their weights, the postings from
 * feature to questions and to the entries whose answer holds it, and the shared wording that a
 * search does not walk. The expensive part of loading an FAQ: the loader process runs it and hands
 * the result over (compile-faq.ts PrebuiltFaq).
 */
import type { FaqEntry } from './faq-entry.ts';
import { type FaqIndexData, NEGATION, negationMask } from './faq-index-data.ts';
import { FEATURE_WEIGHT, type FeatureKind } from './question-features.ts';

/** A feature held by more questions than this (and COMMON_SHARE of all) is shared wording. */
const COMMON_POSTINGS = 512;
const COMMON_SHARE = 0.05;
/** See FaqIndexData.mostlyCommon: the share of a question's weight in common features that makes it one. */
const MOSTLY_COMMON = 0.4;

/**
 * Every question's features, their weights and postings. `formsOf`: a text's features as written
 * and, when synonyms change it, with synonyms applied (FaqIndex's, with its synonyms).
 */
export function buildFaqIndex(
  entries: readonly FaqEntry[],
  formsOf: (text: string) => Map<string, FeatureKind>[],
): FaqIndexData {
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
      const forms = formsOf(q);
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
    for (const form of formsOf(entry.answer))
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
