import type { Logger } from 'pino';
import { decideStep, restoreLookups } from '../conversation/conversation-step.ts';
import { callKey } from '../rules/call-model.ts';
import type { Lease } from '../store/pull-work.ts';
import { encodePlan, type PendingCall, type StoredPlan } from '../store/stored-records.ts';
import type { SyncItem } from '../wecom/sync-item.ts';
import { countDropped } from './count-dropped.ts';
import { decisionEvent } from './decision-event.ts';
import { logFittedTexts } from './fitted-texts.ts';
import type { HandlerDeps } from './handler-deps.ts';
import { planWithMedia } from './plan-with-media.ts';

export type ContinueAfterCallDeps = Pick<
  HandlerDeps,
  'calls' | 'rules' | 'store' | 'media' | 'metrics' | 'activity' | 'onDecision'
>;

/**
 * Makes the backend call a plan stopped at, records its outcome, decides the message again from
 * what the first decision saw plus the outcomes, and records the plan with the actions that
 * follow the call (and the customer's conversation) in one write. The calls already in the plan
 * keep their steps and client msgids: the decision up to the call is the same.
 */
export async function continueAfterCall(
  d: ContinueAfterCallDeps,
  item: SyncItem,
  plan: StoredPlan,
  pending: PendingCall,
  lease: Lease,
  log: Logger,
): Promise<StoredPlan | undefined> {
  const { request, resume } = pending;
  const outcome = await d.calls.run(request, {
    inboundMsgid: item.msgid,
    openKfId: item.open_kfid,
    externalUserId: item.external_userid,
    lease,
    log,
  });
  const outcomes = { ...resume.outcomes, [callKey(request.rule, request.name)]: outcome };
  const snapshot = d.rules.current;
  if (!snapshot) throw new Error('no valid rules loaded');
  const decided = await decideStep({
    item,
    conversation: resume.conversation,
    rules: snapshot,
    now: resume.now,
    ...(resume.decideAt !== undefined && { decideAt: resume.decideAt }),
    lookups: restoreLookups(resume.lookups),
    callOutcomes: new Map(Object.entries(outcomes)),
  });
  const step = await planWithMedia(d.media, decided);
  const later = <T extends { step: number }>(x: T) => x.step > request.step;
  // A next call must come after this one (rules reloaded in between could say otherwise).
  const next = step.pending && step.pending.step > request.step ? step.pending : undefined;
  const replanned: StoredPlan = {
    calls: [...plan.calls, ...step.calls.filter(later)],
    dropped: [...plan.dropped, ...step.dropped.filter(later)],
    ...(next && { pending: { request: next, resume: { ...resume, outcomes } } }),
  };
  const written = await d.store.replanMessage(
    item.msgid,
    encodePlan(replanned),
    item.external_userid
      ? { openKfId: item.open_kfid, externalUserId: item.external_userid, value: step.conversation }
      : undefined,
  );
  if (!written) return undefined; // finished meanwhile by another handler
  // `kfbot report rules` counts a failed call as a miss of its rule (once: after the write above).
  const run = decided.decision.calls.find((c) => c.rule === request.rule && c.call === request.name);
  if (run && (run.branch === 'on_error' || run.branch === 'skipped'))
    await d.activity.callFailed(item, request.rule, log);
  d.onDecision?.(
    decisionEvent({
      item,
      decision: decided.decision,
      calls: replanned.calls,
      dropped: replanned.dropped,
      rulesVersion: snapshot.version,
      conversation: step.conversation,
      pending: next,
      made: { request, outcome },
    }),
  );
  logFittedTexts(step.calls.filter(later), item, log);
  countDropped(step.dropped.filter(later), d.metrics, log);
  return replanned;
}
