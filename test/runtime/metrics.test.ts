import { createRequire } from 'node:module';
import { describe, expect, it } from 'vitest';
import { KfbotMetrics, promClient } from '../../src/runtime/metrics.ts';

describe('kfbot metrics', () => {
  it('use prom-client’s own classes, required without its index', () => {
    const pkg = createRequire(import.meta.url)('prom-client') as Record<string, unknown>;
    for (const [name, value] of Object.entries(promClient)) expect(value, name).toBe(pkg[name]);
  });

  it('serve the default process metrics beside kfbot’s own', async () => {
    const text = await new KfbotMetrics().registry.metrics();
    const families = [
      'kfbot_process_cpu_seconds_total',
      'kfbot_process_resident_memory_bytes',
      'kfbot_nodejs_heap_size_used_bytes',
      'kfbot_nodejs_eventloop_lag_seconds',
      'kfbot_nodejs_gc_duration_seconds',
      'kfbot_rules_reloads_total',
      'kfbot_decision_duration_seconds',
    ];
    for (const name of families) expect(text).toContain(`# TYPE ${name} `);
  });
});
