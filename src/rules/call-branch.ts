/**
 * What runs after a call, from its outcome: a status listed in `on_status` runs those actions; any
 * other 2xx runs the rule's remaining actions (with `save:` applied); everything else — a timeout,
 * a refused connection, a status not listed, an answer that is not JSON when `save:` needs it, a
 * host not allowed — runs `on_error` (none: the remaining actions are skipped).
 */
import type { CallBranch, CallModel, CallOutcome } from './call-model.ts';
import type { Action } from './rule-model.ts';

export function callBranch(
  call: CallModel,
  outcome: CallOutcome,
): { branch: CallBranch; actions: readonly Action[] } {
  const listed =
    outcome.error === undefined && outcome.status !== undefined && call.onStatus.get(outcome.status);
  if (listed) return { branch: `on_status ${outcome.status}` as CallBranch, actions: listed };
  if (
    outcome.error === undefined &&
    outcome.status !== undefined &&
    outcome.status >= 200 &&
    outcome.status < 300
  )
    return { branch: 'rest', actions: [] };
  return call.onError ? { branch: 'on_error', actions: call.onError } : { branch: 'skipped', actions: [] };
}

/** The outcome as a short label for metrics, logs and reports: ok, a status, or an error code. */
export function outcomeLabel(outcome: CallOutcome): string {
  if (outcome.error) return outcome.error;
  const s = outcome.status ?? 0;
  return s >= 200 && s < 300 ? 'ok' : String(s);
}
