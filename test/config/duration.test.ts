import { describe, expect, it } from 'vitest';
import { parseDuration, showDuration } from '../../src/config/duration.ts';

describe('durations', () => {
  it('reads one unit or several in the order d, h, m, s', () => {
    expect(parseDuration('90s')).toBe(90_000);
    expect(parseDuration('5m')).toBe(300_000);
    expect(parseDuration('2h')).toBe(7_200_000);
    expect(parseDuration('30d')).toBe(30 * 86_400_000);
    expect(parseDuration('1h30m')).toBe(5_400_000);
    expect(parseDuration('1d12h')).toBe(36 * 3_600_000);
    expect(parseDuration(' 1.5h ')).toBe(5_400_000);
    expect(parseDuration('10M')).toBe(600_000);
  });

  it('refuses what is not a duration, and a bare number unless the place names its unit', () => {
    for (const bad of ['', 'soon', '5x', '30m1h', '1h1h', '-5m', '5 minutes'])
      expect(parseDuration(bad), bad).toBeUndefined();
    expect(parseDuration('5')).toBeUndefined();
    expect(parseDuration('30', { bareUnit: 'd' })).toBe(30 * 86_400_000);
    expect(parseDuration('0', { bareUnit: 'd' })).toBe(0);
  });

  it('shows a duration the way idle_for is written', () => {
    expect(showDuration(5_400_000)).toBe('1h30m');
    expect(showDuration(90_000)).toBe('1m30s');
    expect(showDuration(600_000)).toBe('10m');
  });
});
