/**
 * Answers a dry run's `call:` actions the way serve makes them — the same CallRunner, against the
 * real backend — with an in-memory store (nothing is kept) and a lease that cannot be lost. Used
 * by `kfbot simulate` (a GET, or any method with --calls) to try the backend from the command line.
 */
import pino from 'pino';
import type { CallRequest } from '../rules/call-request.ts';
import type { RuleSet } from '../rules/rule-model.ts';
import { CallRunner } from '../runtime/call-runner.ts';
import { KfbotMetrics } from '../runtime/metrics.ts';
import type { BackendCalls } from '../simulate/dry-run.ts';
import { LOCAL_LEASE } from '../store/pull-work.ts';
import { SqliteStore } from '../store/sqlite-store.ts';

export function realCalls(
  ruleSet: RuleSet,
  env: Readonly<Record<string, string | undefined>>,
): { backend: (req: CallRequest) => ReturnType<BackendCalls>; close: () => Promise<void> } {
  const store = new SqliteStore(':memory:');
  const log = pino({ level: 'silent' });
  const runner = new CallRunner({
    store,
    metrics: new KfbotMetrics(),
    log,
    env,
    settings: () => ruleSet.settings.calls,
  });
  return {
    backend: (req) =>
      runner.run(req, {
        inboundMsgid: 'dry-run',
        openKfId: 'dry-run',
        externalUserId: 'dry-run',
        lease: LOCAL_LEASE,
        log,
      }),
    close: async () => {
      await runner.close();
      await store.close();
    },
  };
}
