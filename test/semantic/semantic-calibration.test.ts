import { describe, expect, it } from 'vitest';
import { calibrateSemantic } from '../../src/semantic/semantic-calibration.ts';

/** A unit vector leaning towards axis `axis` with `spread` on a shared axis (0): items crowd as spread grows. */
function vec(axis: number, spread: number, jitter = 0): Float32Array {
  const v = new Float32Array(8);
  v[0] = spread;
  v[axis] = 1;
  v[7] = jitter;
  const n = Math.hypot(...v);
  return v.map((x) => x / n);
}

/**
 * Three items of three questions each, their questions a little apart (jitter); 退款 and 发票 lean
 * on a shared axis by `spread` (a model that sees them as alike), 停车 stands apart.
 */
function faq(spread: number) {
  const ids: string[] = [];
  const vectors: Float32Array[] = [];
  for (const [i, id] of ['refund', 'invoice', 'parking'].entries())
    for (const jitter of [0, 0.2, 0.4]) {
      ids.push(id);
      vectors.push(vec(i + 1, id === 'parking' ? 0 : spread, jitter));
    }
  return { ids, vectors };
}

const DEFAULTS = { threshold: 0.75, margin: 0.03, pinned: [] as ('threshold' | 'margin')[] };

describe('calibrating the semantic fusion from the author’s questions', () => {
  it('keeps the defaults for a model that keeps the items apart', () => {
    const { ids, vectors } = faq(0.1);
    const c = calibrateSemantic(ids, vectors, DEFAULTS);
    expect(c).toMatchObject({ threshold: 0.75, margin: 0.03, samples: 9, wrong: 0, nearMissSure: 0 });
  });

  it('raises the threshold for a model that puts the items close together, so near misses do not answer', () => {
    const { ids, vectors } = faq(2);
    // A 退款 question without its own item finds 发票's at ~0.8 with this model, far ahead of 停车.
    const c = calibrateSemantic(ids, vectors, DEFAULTS);
    expect(c.threshold).toBeGreaterThan(0.75);
    expect(c.nearMissSure).toBeLessThanOrEqual(0.1);
    expect(c.wrong).toBe(0);
    expect(c.sure).toBeGreaterThan(0);
  });

  it('uses pinned values as written', () => {
    const { ids, vectors } = faq(2);
    const c = calibrateSemantic(ids, vectors, {
      threshold: 0.7,
      margin: 0.02,
      pinned: ['threshold', 'margin'],
    });
    expect(c).toMatchObject({ threshold: 0.7, margin: 0.02 });
  });

  it('leaves a single item, or items of one question each, at the given values', () => {
    expect(calibrateSemantic(['a', 'a'], [vec(1, 1), vec(1, 1, 0.3)], DEFAULTS)).toMatchObject({
      threshold: 0.75,
      margin: 0.03,
      samples: 0,
    });
    expect(calibrateSemantic(['a', 'b'], [vec(1, 2), vec(2, 2)], DEFAULTS).samples).toBe(0);
  });
});
