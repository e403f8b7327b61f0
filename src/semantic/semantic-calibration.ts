/**
 * Calibrates the semantic fusion (rules/faq/semantic-fusion.ts) per rule set from the author's own
 * questions, as faq-calibration.ts does for the lexical matcher: each 相似问法's vector is taken as a
 * customer's message against all the other questions (leave-one-out: its own item keeps its other
 * questions), and again without its whole item (a near miss: a message about something else in
 * the same domain).
 * - threshold: the least value (from THRESHOLDS) at which at most NEAR_MISS_SURE of the near misses
 *   make the provider *sure* (best item at least the threshold and ahead by the margin), since a
 *   sure provider answers a message the matcher left alone;
 * - margin: the least value (from MARGINS) that keeps the leave-one-out sure picks wrong at most
 *   LOO_WRONG of the time — a model that puts the items' questions close together needs a wider lead.
 * Both start from the defaults (or the values given) and only rise from there. Pinned values
 * (settings.faq.semantic's, KFBOT_SEMANTIC_*'s threshold and margin) are used as written. A model's
 * similarities live on a scale of their own (one model's 0.6 is another's 0.85), which is why
 * fixed values cannot fit every provider. At most MAX_SAMPLES questions are tried, each against
 * every question vector, so a 2,000-question FAQ of 1,024-dimension vectors calibrates in ~0.2 s.
 */

export const SEMANTIC_THRESHOLDS = [0.5, 0.55, 0.6, 0.65, 0.7, 0.75, 0.8, 0.85, 0.9] as const;
export const SEMANTIC_MARGINS = [0.01, 0.02, 0.03, 0.05, 0.08, 0.12] as const;
/** Share of near misses that may find the provider sure. */
const NEAR_MISS_SURE = 0.1;
/** Share of the leave-one-out sure picks that may be wrong. */
const LOO_WRONG = 0.05;
const MAX_SAMPLES = 100;

export interface SemanticCalibration {
  threshold: number;
  margin: number;
  /** How many questions were tried (0: too few items to calibrate; the given values stand). */
  samples: number;
  /** Of the questions tried, the share the provider is sure of, and of those the share wrong. */
  sure: number;
  wrong: number;
  /** Of the near misses, the share the provider is sure of. */
  nearMissSure: number;
}

/** A sample's view: the best and next item's similarity, and which item was best. */
interface Pick {
  best: string | undefined;
  s1: number;
  s2: number;
}

function pick(scores: Map<string, number>): Pick {
  let best: string | undefined;
  let s1 = -1;
  let s2 = -1;
  for (const [id, s] of scores) {
    if (s > s1) {
      s2 = s1;
      s1 = s;
      best = id;
    } else if (s > s2) s2 = s;
  }
  return { best, s1, s2: Math.max(s2, 0) };
}

const isSure = (p: Pick, t: number, m: number) => p.s1 >= t && p.s1 - p.s2 >= m;

/**
 * `ids[i]` is the item of the question whose unit vector is `vectors[i]`. `fixed` holds the values
 * to keep (pinned) and the starting ones.
 */
export function calibrateSemantic(
  ids: readonly string[],
  vectors: readonly Float32Array[],
  fixed: { threshold: number; margin: number; pinned: readonly ('threshold' | 'margin')[] },
): SemanticCalibration {
  const n = vectors.length;
  const items = new Set(ids);
  const own: { expected: string; pick: Pick }[] = [];
  const near: Pick[] = [];
  if (items.size >= 2) {
    const step = Math.max(1, n / MAX_SAMPLES);
    for (let at = 0; at < n; at += step) {
      const q = Math.floor(at);
      const v = vectors[q] as Float32Array;
      const expected = ids[q] as string;
      const withOwn = new Map<string, number>();
      const withoutOwn = new Map<string, number>();
      for (let j = 0; j < n; j++) {
        if (j === q) continue;
        const w = vectors[j] as Float32Array;
        if (w.length !== v.length) continue;
        let dot = 0;
        for (let k = 0; k < v.length; k++) dot += (v[k] as number) * (w[k] as number);
        const id = ids[j] as string;
        if (dot > (withOwn.get(id) ?? -1)) withOwn.set(id, dot);
        if (id !== expected && dot > (withoutOwn.get(id) ?? -1)) withoutOwn.set(id, dot);
      }
      // An item with a single question has nothing left to be found by: it tells nothing.
      if (!withOwn.has(expected)) continue;
      own.push({ expected, pick: pick(withOwn) });
      near.push(pick(withoutOwn));
    }
  }
  let { threshold, margin } = fixed;
  const share = (xs: readonly Pick[], t: number, m: number) =>
    xs.length === 0 ? 0 : xs.filter((p) => isSure(p, t, m)).length / xs.length;
  const wrongShare = (t: number, m: number) => {
    const sure = own.filter((o) => isSure(o.pick, t, m));
    return sure.length === 0 ? 0 : sure.filter((o) => o.pick.best !== o.expected).length / sure.length;
  };
  // Never below the starting values: the author's questions are a domain's own wording, and
  // nothing in them says how far off-topic chat lands; they can only show that a model puts this
  // rule set's items too close together for the defaults.
  if (own.length > 0) {
    if (!fixed.pinned.includes('threshold'))
      threshold =
        SEMANTIC_THRESHOLDS.find((t) => t >= threshold && share(near, t, margin) <= NEAR_MISS_SURE) ??
        Math.max(threshold, SEMANTIC_THRESHOLDS[SEMANTIC_THRESHOLDS.length - 1] as number);
    if (!fixed.pinned.includes('margin'))
      margin =
        SEMANTIC_MARGINS.find((m) => m >= margin && wrongShare(threshold, m) <= LOO_WRONG) ??
        Math.max(margin, SEMANTIC_MARGINS[SEMANTIC_MARGINS.length - 1] as number);
  }
  return {
    threshold,
    margin,
    samples: own.length,
    sure: share(
      own.map((o) => o.pick),
      threshold,
      margin,
    ),
    wrong: wrongShare(threshold, margin),
    nearMissSure: share(near, threshold, margin),
  };
}
