import { ruleCounts } from '../rules/rule-counts.ts';
import type { Store } from '../store/store.ts';
import type { HttpRoutes } from './http-server.ts';
import type { LiveRules } from './live-rules.ts';
import type { RulesSync } from './rules-sync.ts';

/**
 * What /readyz answers: ready when rules are loaded and the store answers, with the detail an
 * operator checks across replicas (rules version, published version, problems, live replicas).
 */
export function readiness(d: {
  store: Store;
  rules: LiveRules;
  rulesSync: RulesSync;
  /** Running against the built-in simulator: /readyz says so, so nobody mistakes it for the bot. */
  sandbox: boolean;
}): HttpRoutes['ready'] {
  const { store, rules, rulesSync } = d;
  return async () => {
    const detail: Record<string, unknown> = {
      mode: d.sandbox ? 'sandbox' : 'wecom',
      rulesVersion: rules.current?.version ?? null,
      // The counts validate prints: rules as written, click answers and FAQ items apart.
      ...(rules.current ? ruleCounts(rules.current.ruleSet) : { rules: 0 }),
      // The latest published version this replica has written to its files (0: none published).
      rulesPublished: rulesSync.version,
      ...(!rulesSync.following && { rulesDiverged: true }),
    };
    let ready = rules.current !== undefined;
    try {
      await store.ping();
      detail.store = 'ok';
    } catch (err) {
      ready = false;
      detail.store = (err as Error).message;
    }
    // The last reload's errors: the previous rules (rulesVersion) are still the ones serving.
    const errors = rules.problems.filter((p) => p.severity === 'error').length;
    if (errors) detail.rulesProblems = errors;
    // Every live replica's rules (this one included), from the store's replica registry. Liveness
    // is wall-clock time, not the app's clock (a sandbox skips its clock ahead).
    if (detail.store === 'ok')
      detail.replicas = await store.replicas.listReplicas(Date.now()).catch(() => []);
    return { ready, detail };
  };
}
