import { describe, expect, it } from 'vitest';
import { compareNames } from '../../src/rules/compare-names.ts';

describe('ordering rule file names', () => {
  it('orders every name as localeCompare does, plain or not', () => {
    const names = [
      'faq.yaml',
      'faq-2.yaml',
      'faq.yml',
      'faq/a.yaml',
      'faq-b/a.yaml',
      '10-welcome.yaml',
      '2-welcome.yaml',
      'a.yaml',
      'B.yaml',
      'b.yaml',
      '欢迎语.yaml',
      '结束语.yaml',
      '_shared.yaml',
      'x_y.yaml',
      'x-y.yaml',
      'x.y.yaml',
      'xy.yaml',
      'x/y.yaml',
      '',
    ];
    const byCollator = [...names].sort((a, b) => a.localeCompare(b));
    expect([...names].sort(compareNames)).toEqual(byCollator);
    expect([...names].reverse().sort(compareNames)).toEqual(byCollator);
  });

  it('agrees with localeCompare on every pair of short plain names', () => {
    const alphabet = ['a', 'b', 'z', '0', '9', '.', '-', '/'];
    const all = [''];
    for (let len = 0; len < 2; len++)
      for (const s of [...all]) for (const c of alphabet) if (s.length === len) all.push(s + c);
    for (const a of all)
      for (const b of all)
        expect(Math.sign(compareNames(a, b)), `${a} vs ${b}`).toBe(Math.sign(a.localeCompare(b)));
  });
});
