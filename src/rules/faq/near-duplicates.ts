/**
 * Which listed questions could be taken for another item's — the candidates of validate's
 * near-duplicate check (check-faq.ts), found without matching every question in full.
 *
 * A question warns only when its own item is not answered for it (typed as a message) and another
 * item scores at least the threshold T. Its own item scores 1 (the very question), so it is
 * answered unless the runner-up is within the margin of it (faq-decision.ts): another item must
 * score at least bar = max(T, 1 − margin) (0.95 by default). An item's score for a message is its
 * best question's raised by its second best's (item-score.ts), so its best question must score at
 * least leastBestQuestion(bar) (0.91 for 0.95), t below; a question's score is
 *   score = (1 + β²)·p·r / (β²·p + r),   p ≤ 1, r = covered / weight of that question,
 * which grows with p, so score ≥ t needs r ≥ r_min = β²·t / (1 + β² − t).
 * Covering that share of a question's weight needs at least one of its heaviest features: sorted
 * by weight, the shortest run of them (its prefix) whose rest weighs less than r_min of it
 * ("prefix filtering" of similarity joins). So only questions sharing a prefix feature with the
 * message are candidates, and their recall is counted exactly; the rare words of an FAQ are in
 * prefixes, the shared wording (怎么, 处理) seldom is. The result is exact: a question not flagged
 * here gets no near-duplicate warning from a full match.
 */
import type { FaqIndex } from './faq-index.ts';
import { leastBestQuestion } from './item-score.ts';

/**
 * Candidates' scores are rounded to 3 decimals before they are compared; and sums
 * of the same weights may differ in their last bits. Both are allowed for.
 */
const ROUNDING = 0.0005 + 1e-9;
const SLACK = 1 - 1e-9;

/**
 * Per listed question (every entry's questions in order, as FaqIndex.slotsOf counts them): 1 when
 * some question of another item could score `threshold` or more for it and within the decision's
 * margin of its own item, else 0.
 */
export function questionsNearOtherItems(index: FaqIndex, threshold: number): Uint8Array {
  const listed = index.entries.reduce((n, e) => n + e.questions.length, 0);
  const out = new Uint8Array(listed);
  // An item's second question adds to its best (item-score.ts OTHER_QUESTION): its best question
  // alone must reach the least score that makes the item reach the bar with a second as good.
  const t = leastBestQuestion(Math.max(threshold, 1 - index.decision.margin)) - ROUNDING;
  const beta2 = index.beta2;
  if (t <= 0) return out.fill(1);
  const rMin = (beta2 * t) / (1 + beta2 - t);
  const { postings, answerPostings, weight, questionEntry } = index.data;
  const slots = questionEntry.length;

  // Each slot's features (ids), from the postings: compressed rows, ascending ids.
  const featureAt = new Int32Array(slots + 1);
  for (const list of postings)
    for (const posting of list) featureAt[(posting >> 1) + 1] = (featureAt[(posting >> 1) + 1] as number) + 1;
  for (let s = 0; s < slots; s++) featureAt[s + 1] = (featureAt[s + 1] as number) + (featureAt[s] as number);
  const features = new Int32Array(featureAt[slots] as number);
  /** 1 where the slot's entry's answer holds the feature too (explained once, faq-index-data.ts postings). */
  const inAnswer = new Uint8Array(features.length);
  const fill = featureAt.slice(0, slots);
  postings.forEach((list, id) => {
    for (const posting of list) {
      const s = posting >> 1;
      features[fill[s] as number] = id;
      inAnswer[fill[s] as number] = posting & 1;
      fill[s] = (fill[s] as number) + 1;
    }
  });

  // Each slot's prefixes, its rarest features first: as a listed question, until what is left
  // weighs less than rMin of it (index side); as a message, until what is left weighs less than
  // pMin of it (probe side: score ≥ t needs precision ≥ pMin = t / (1 + β² − β²·t) too, as r ≤ 1).
  const pMin = t / (1 + beta2 - beta2 * t);
  // Rarest first (fewest slots hold it), so that the lists walked are short; any order is exact.
  const held = Int32Array.from(postings, (p) => p.length);
  const order = Array.from(weight, (_, id) => id).sort(
    (a, b) =>
      (held[a] as number) - (held[b] as number) || (weight[b] as number) - (weight[a] as number) || a - b,
  );
  const rank = new Int32Array(weight.length);
  order.forEach((id, r) => {
    rank[id] = r;
  });
  const slotWeight = new Float64Array(slots);
  const byRarity = new Int32Array(features.length);
  const probeEnd = new Int32Array(slots);
  const prefixCount = new Int32Array(weight.length);
  const prefixOf: number[][] = [];
  for (let s = 0; s < slots; s++) {
    const from = featureAt[s] as number;
    // A numeric sort of ranks (no comparator), mapped back to feature ids.
    const own = features.subarray(from, featureAt[s + 1]).map((id) => rank[id] as number);
    own.sort();
    for (let i = 0; i < own.length; i++) own[i] = order[own[i] as number] as number;
    byRarity.set(own, from);
    let total = 0;
    for (const id of own) total += weight[id] as number;
    slotWeight[s] = total;
    const prefix: number[] = [];
    let rest = total;
    for (const id of own) {
      if (rest < rMin * total * SLACK) break;
      prefix.push(id);
      prefixCount[id] = (prefixCount[id] as number) + 1;
      rest -= weight[id] as number;
    }
    prefixOf.push(prefix);
    rest = total;
    let k = 0;
    while (k < own.length && rest >= pMin * total * SLACK) rest -= weight[own[k++] as number] as number;
    probeEnd[s] = from + k;
  }
  // Which slots hold each feature in their prefix: compressed rows.
  const prefixAt = new Int32Array(weight.length + 1);
  for (let id = 0; id < weight.length; id++)
    prefixAt[id + 1] = (prefixAt[id] as number) + (prefixCount[id] as number);
  const prefixSlots = new Int32Array(prefixAt[weight.length] as number);
  const put = prefixAt.slice(0, weight.length);
  prefixOf.forEach((prefix, s) => {
    for (const id of prefix) {
      prefixSlots[put[id] as number] = s;
      put[id] = (put[id] as number) + 1;
    }
  });
  // Each entry's slots are consecutive.
  const entrySlots = new Int32Array(index.entries.length + 1);
  for (let s = 0; s < slots; s++) entrySlots[(questionEntry[s] as number) + 1] = s + 1;
  for (let e = 0; e < index.entries.length; e++)
    entrySlots[e + 1] = Math.max(entrySlots[e + 1] as number, entrySlots[e] as number);

  // Each slot typed as a message: does another entry's slot score t or more? A candidate shares
  // a feature of its index-side prefix with the message, and the message shares a feature of its
  // probe-side prefix with the candidate or its entry's answer: whichever of the two lists is
  // shorter is walked. Scored as faq-scorer.ts scores, except that nothing is left out (shared
  // wording, strict entries): a score here is never below the full match's.
  const near = new Uint8Array(slots);
  const inMessage = new Int32Array(weight.length).fill(-1);
  const seen = new Int32Array(slots).fill(-1);
  const answered = new Float64Array(index.entries.length);
  const answeredEntries: number[] = [];
  for (let m = 0; m < slots; m++) {
    const own = questionEntry[m] as number;
    const from = featureAt[m] as number;
    const to = featureAt[m + 1] as number;
    const messageWeight = slotWeight[m] as number;
    let indexSide = 0;
    for (let j = from; j < to; j++) {
      const id = features[j] as number;
      inMessage[id] = m;
      indexSide += (prefixAt[id + 1] as number) - (prefixAt[id] as number);
      for (const e of answerPostings[id] as number[]) {
        if (answered[e] === 0) answeredEntries.push(e);
        answered[e] = (answered[e] as number) + (weight[id] as number);
      }
    }
    let probeSide = 0;
    for (let j = from; j < (probeEnd[m] as number); j++) {
      const id = byRarity[j] as number;
      probeSide += (postings[id] as number[]).length;
      for (const e of answerPostings[id] as number[])
        probeSide += (entrySlots[e + 1] as number) - (entrySlots[e] as number);
    }
    /** Whether candidate slot `s` scores t or more for the message. */
    const meets = (s: number): boolean => {
      if (questionEntry[s] === own || seen[s] === m) return false;
      seen[s] = m;
      let covered = 0;
      let both = 0;
      for (let i = featureAt[s] as number, e = featureAt[s + 1] as number; i < e; i++) {
        const f = features[i] as number;
        if (inMessage[f] !== m) continue;
        covered += weight[f] as number;
        if (inAnswer[i] === 1) both += weight[f] as number;
      }
      const recall = covered / (slotWeight[s] as number);
      if (recall < rMin * SLACK) return false;
      const explained = covered + (answered[questionEntry[s] as number] as number) - both;
      const precision = Math.min(1, explained / messageWeight);
      return ((1 + beta2) * precision * recall) / (beta2 * precision + recall) >= t * SLACK;
    };
    let found = false;
    if (indexSide <= probeSide) {
      for (let j = from; j < to && !found; j++) {
        const id = features[j] as number;
        for (let k = prefixAt[id] as number, end = prefixAt[id + 1] as number; k < end && !found; k++)
          found = meets(prefixSlots[k] as number);
      }
    } else {
      for (let j = from; j < (probeEnd[m] as number) && !found; j++) {
        const id = byRarity[j] as number;
        for (const posting of postings[id] as number[]) if (!found) found = meets(posting >> 1);
        for (const e of answerPostings[id] as number[])
          for (let s = entrySlots[e] as number; s < (entrySlots[e + 1] as number) && !found; s++)
            found = meets(s);
      }
    }
    if (found) near[m] = 1;
    for (const e of answeredEntries) answered[e] = 0;
    answeredEntries.length = 0;
  }

  for (let n = 0; n < listed; n++) {
    const { from, to } = index.slotsOf(n);
    for (let s = from; s < to; s++) if (near[s] === 1) out[n] = 1;
  }
  return out;
}
