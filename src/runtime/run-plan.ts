import type { Logger } from 'pino';
import type { CallOutcome } from '../conversation/conversation-step.ts';
import { codeExpiry } from '../conversation/platform-guards.ts';
import type { StoredPlan } from '../store/stored-records.ts';
import type { SyncItem } from '../wecom/sync-item.ts';
import { type ContinueAfterCallDeps, continueAfterCall } from './continue-after-call.ts';
import { finishAfterCalls } from './finish-after-calls.ts';
import type { HandleContext } from './handle-context.ts';
import type { HandlerDeps } from './handler-deps.ts';
import { stopsSending } from './stops-sending.ts';

/** How long before an event code expires kfbot stops trying to use it (the request's trip). */
const CODE_SAFETY_MS = 1000;

export type RunPlanDeps = ContinueAfterCallDeps &
  Pick<HandlerDeps, 'executor' | 'store' | 'rules' | 'now' | 'log' | 'metrics' | 'activity'>;

/**
 * Makes the planned calls in order — and a backend call the plan stopped at, then the calls
 * planned from its outcome — then marks the message done. With `ctx.defer`, the backend call and
 * everything after it are handed over once the calls before it are made: the message is already
 * recorded `planned` with its pending call, so a restart finds it and resumes it.
 */
export async function runPlan(
  d: RunPlanDeps,
  item: SyncItem,
  first: StoredPlan,
  ctx: Pick<HandleContext, 'lease' | 'defer'>,
  log: Logger,
  made = 0,
  outcomes: CallOutcome[] = [],
): Promise<void> {
  const { lease, defer } = ctx;
  const expiry = codeExpiry(item);
  let plan: StoredPlan | undefined = first;
  while (plan) {
    for (const call of plan.calls.slice(made)) {
      const stop = call.api === 'kf/send_msg' ? outcomes.find(stopsSending) : undefined;
      if (stop) {
        // §9.10: the same answer awaits every further send_msg for this message.
        outcomes.push({ call, status: 'dropped' });
        d.metrics.dropped.inc({ reason: `send_msg refused with ${stop.errcode}` });
        log.warn(
          { rule: call.rule, step: call.step, errcode: stop.errcode },
          `reply of rule "${call.rule}" not sent: WeCom refused an earlier reply to this message with ${stop.errcode}, and would refuse this one too`,
        );
        continue;
      }
      outcomes.push(
        await d.executor.execute(call, {
          inboundMsgid: item.msgid,
          openKfId: item.open_kfid,
          externalUserId: item.external_userid,
          lease,
          log,
          // A second before the code's expiry: the request must still reach WeCom in time.
          ...(expiry !== undefined && { codeDeadline: expiry - CODE_SAFETY_MS }),
        }),
      );
    }
    made = plan.calls.length;
    if (!plan.pending) break;
    if (defer) {
      const current = plan;
      const done = made;
      defer(() => runPlan(d, item, current, { lease }, log, done, outcomes));
      return;
    }
    plan = await continueAfterCall(d, item, plan, plan.pending, lease, log);
    if (!plan) return;
  }
  await finishAfterCalls(d, item, plan, outcomes, log);
}
