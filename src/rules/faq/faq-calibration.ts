/**
 * Calibrates the FAQ decision (faq-decision.ts) per rule set from the author's own questions,
 * when rules load: every 相似问法 is typed as a customer would, against all the other questions
 * (leave-one-out: its own item still has its other questions), and again without its whole item
 * (a near miss: what a message about something else in the same domain scores).
 * - threshold: the least value (from THRESHOLDS) that leaves at most NEAR_MISS_ANSWERED of the
 *   near misses answered directly — a rule set whose items share much wording needs a higher one;
 * - margin: the least value (from MARGINS) that keeps the leave-one-out wrong answers at most
 *   LOO_WRONG of those answered — items whose questions overlap need a wider lead;
 * each chosen with the other's calibrated value, so twice (threshold, margin, threshold, margin).
 * `settings.faq` pins any of them; pinned values are used as written and reported as pinned.
 * At most MAX_SAMPLES questions are tried (evenly spread), so a 10,000-question FAQ calibrates in
 * the time of a few hundred searches.
 */
import { decideFaq, type FaqDecisionSettings } from './faq-decision.ts';
import type { FaqIndex } from './faq-index.ts';
import type { FaqSearch } from './faq-search.ts';

export const THRESHOLDS = [0.5, 0.55, 0.6, 0.65, 0.7] as const;
export const MARGINS = [0.05, 0.08, 0.1, 0.12] as const;
/**
 * Share of near misses a threshold may answer directly. 0.25 until an item's second question raised
 * its score (item-score.ts OTHER_QUESTION): scores rose, near misses' too, and 0.15 with thresholds up
 * to 0.7 keeps unanswerable messages from being answered more often (tuning sets: 6.7 → 6.4 %).
 */
const NEAR_MISS_ANSWERED = 0.15;
/** Share of leave-one-out direct answers that may be wrong. */
const LOO_WRONG = 0.08;
const MAX_SAMPLES = 400;

export type CalibratedKey = 'threshold' | 'margin';

export interface FaqShares {
  direct: number;
  clarify: number;
  suggest: number;
  fallback: number;
}

export interface FaqCalibration {
  settings: FaqDecisionSettings;
  /** Which values settings.faq pinned (kept as written). */
  pinned: CalibratedKey[];
  /** How many of the author's questions were tried. */
  samples: number;
  /** What the author's questions, typed as customers, would get (leave-one-out), each 0–1. */
  expected: FaqShares;
  /** Of the direct answers in `expected`, the share that answered a wrong item. */
  expectedWrong: number;
  /** What near misses (questions without their own item) would get. */
  nearMisses: FaqShares;
}

interface Sample {
  expected: string;
  own: FaqSearch;
  near: FaqSearch;
}

function samples(index: FaqIndex): Sample[] {
  // One item cannot be mistaken for another, nor have near misses: nothing to calibrate on.
  if (index.entries.length < 2) return [];
  const slots = index.slots;
  const step = Math.max(1, slots / MAX_SAMPLES);
  const out: Sample[] = [];
  for (let at = 0; at < slots; at += step) {
    const q = Math.floor(at);
    const own = index.leaveOneOut(q);
    const near = index.leaveOneOut(q, undefined, true);
    if (own && near) out.push({ expected: own.expected, own: own.search, near: near.search });
  }
  return out;
}

function shares(searches: readonly FaqSearch[], s: FaqDecisionSettings): FaqShares {
  const out = { direct: 0, clarify: 0, suggest: 0, fallback: 0 };
  for (const search of searches) {
    const o = decideFaq(search, s);
    if (o.type === 'answer') out.direct++;
    else if (o.type === 'clarify') out.clarify++;
    else if (o.suggestions.length > 0) out.suggest++;
    else out.fallback++;
  }
  const n = Math.max(searches.length, 1);
  return {
    direct: out.direct / n,
    clarify: out.clarify / n,
    suggest: out.suggest / n,
    fallback: out.fallback / n,
  };
}

function wrongShare(list: readonly Sample[], s: FaqDecisionSettings): number {
  let answered = 0;
  let wrong = 0;
  for (const x of list) {
    const o = decideFaq(x.own, s);
    if (o.type !== 'answer') continue;
    answered++;
    if (o.candidate.id !== x.expected) wrong++;
  }
  return answered === 0 ? 0 : wrong / answered;
}

/** Chooses threshold and margin for `index` (those not in `pinned`), and what they are expected to do. */
export function calibrateFaq(
  index: FaqIndex,
  pinned: Partial<Record<CalibratedKey, number>> = {},
): FaqCalibration {
  const list = samples(index);
  const base = index.decision;
  let settings: FaqDecisionSettings = { ...base, ...pinned };
  if (list.length === 0) return report(settings, pinned, list);
  const near = list.map((x) => x.near);
  // A contest (a runner-up that explains more) only ever turns an answer into a question: the
  // threshold is how far a near miss's score may get, so it is chosen without it.
  const chooseThreshold = () =>
    THRESHOLDS.find(
      (t) => shares(near, { ...settings, threshold: t, contest: false }).direct <= NEAR_MISS_ANSWERED,
    ) ?? (THRESHOLDS[THRESHOLDS.length - 1] as number);
  const chooseMargin = () =>
    MARGINS.find((m) => wrongShare(list, { ...settings, margin: m }) <= LOO_WRONG) ??
    (MARGINS[MARGINS.length - 1] as number);
  // Twice: the threshold is first chosen with the default margin, but a wider calibrated margin
  // answers fewer near misses, so the threshold is chosen again with it (and the margin for that
  // threshold). Tuning sets: the courier 0.55 → 0.5, right directly 73.9 → 74.2 %, nothing else moved.
  for (let round = 0; round < 2; round++) {
    if (pinned.threshold === undefined) settings = { ...settings, threshold: chooseThreshold() };
    if (pinned.margin === undefined) settings = { ...settings, margin: chooseMargin() };
  }
  return report(settings, pinned, list);
}

function report(
  settings: FaqDecisionSettings,
  pinned: Partial<Record<CalibratedKey, number>>,
  list: readonly Sample[],
): FaqCalibration {
  return {
    settings,
    pinned: (['threshold', 'margin'] as const).filter((k) => pinned[k] !== undefined),
    samples: list.length,
    expected: shares(
      list.map((x) => x.own),
      settings,
    ),
    expectedWrong: wrongShare(list, settings),
    nearMisses: shares(
      list.map((x) => x.near),
      settings,
    ),
  };
}
