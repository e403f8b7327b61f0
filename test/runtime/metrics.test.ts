import { createRequire } from 'node:module';
import { describe, expect, it } from 'vitest';
import { KfbotMetrics, promClient } from '../../src/runtime/metrics.ts';

const pkg = createRequire(import.meta.url)('prom-client') as typeof import('prom-client');

/** The # HELP and # TYPE lines of an exposition, in order. */
const families = (text: string) => text.split('\n').filter((l) => l.startsWith('# '));

describe('kfbot metrics', () => {
  it('use prom-client’s own classes, required without its index', () => {
    for (const [name, value] of Object.entries(promClient))
      expect(value, name).toBe(pkg[name as keyof typeof pkg]);
  });

  it('serve exactly prom-client’s default metrics, after kfbot’s own', async () => {
    const reference = new pkg.Registry();
    pkg.collectDefaultMetrics({ register: reference, prefix: 'kfbot_' });
    const defaults = families(await reference.metrics());
    const served = families(await new KfbotMetrics().registry.metrics());
    expect(defaults.length).toBeGreaterThan(20);
    expect(served.slice(-defaults.length)).toEqual(defaults);
    expect(served.slice(0, -defaults.length).every((l) => / kfbot_(?!process_|nodejs_)/.test(l))).toBe(true);
  });

  it('count process CPU time as prom-client does', async () => {
    const metrics = new KfbotMetrics();
    for (let i = 0; i < 2e6; i++) Math.sqrt(i);
    const json = await metrics.registry.getMetricsAsJSON();
    const value = (name: string) => json.find((m) => m.name === name)?.values[0]?.value ?? Number.NaN;
    const total = value('kfbot_process_cpu_seconds_total');
    expect(total).toBeGreaterThan(0);
    const parts =
      value('kfbot_process_cpu_user_seconds_total') + value('kfbot_process_cpu_system_seconds_total');
    expect(total).toBeCloseTo(parts, 6);
  });
});
