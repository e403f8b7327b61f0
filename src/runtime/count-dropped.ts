import type { Logger } from 'pino';
import type { Plan } from '../rules/plan-calls.ts';
import type { KfbotMetrics } from './metrics.ts';

/** The replies a plan dropped (platform guards, quota…): counted by reason and logged with it. */
export function countDropped(dropped: Plan['dropped'], metrics: KfbotMetrics, log: Logger): void {
  for (const d of dropped) {
    metrics.dropped.inc({ reason: d.reason.split(';')[0]?.slice(0, 60) ?? 'other' });
    log.warn({ rule: d.rule, step: d.step }, `reply of rule "${d.rule}" dropped: ${d.reason}`);
  }
}
