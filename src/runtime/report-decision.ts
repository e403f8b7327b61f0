/**
 * What the reports keep of one decision, recorded once its plan is written — once per event, like
 * the decision — and never holding a reply up: a failed send WeCom told of (msg_send_fail), the
 * question no rule answered, the 猜你想问 item a customer chose, and the rule outcomes
 * (activity-recorder.ts).
 */
import type { Logger } from 'pino';
import type { Decision } from '../rules/decider.ts';
import { FAIL_TYPES } from '../wecom/platform-enums.ts';
import type { SyncItem } from '../wecom/sync-item.ts';
import type { DecidedMessage } from './activity-recorder.ts';
import type { HandlerDeps } from './handler-deps.ts';

type ReportDeps = Pick<HandlerDeps, 'store' | 'metrics' | 'now' | 'unansweredRetentionMs' | 'activity'>;

export async function reportDecision(d: ReportDeps, decided: DecidedMessage): Promise<void> {
  const { item, decision, log } = decided;
  // Once per event, like the decision: a redelivered msg_send_fail is not counted twice.
  if (item.kind === 'msg_send_fail') await reportSendFailure(d, item, log);
  if (decision.unanswered) await recordUnanswered(d, item, decision.unanswered, log);
  if (decision.chose) await recordChoice(d, item, decision.chose, log);
  await d.activity.decided(decided);
}

/** For `kfbot report unanswered`; a failure here must not keep the customer from an answer. */
async function recordUnanswered(
  d: ReportDeps,
  item: SyncItem,
  unanswered: NonNullable<Decision['unanswered']>,
  log: Logger,
): Promise<void> {
  d.metrics.unanswered.inc();
  if (d.unansweredRetentionMs <= 0) return;
  try {
    await d.store.recordUnanswered({
      openKfId: item.open_kfid,
      text: unanswered.text,
      example: unanswered.example,
      at: d.now(),
      candidates: unanswered.candidates
        .slice(0, 3)
        .map((c) => ({ id: c.id, score: c.score, question: c.question })),
    });
  } catch (err) {
    log.warn({ err: (err as Error).message }, 'could not record an unanswered question');
  }
}

/** A click on an item a 猜你想问 menu offered: what the customer meant by the text, for the report. */
async function recordChoice(
  d: ReportDeps,
  item: SyncItem,
  chose: NonNullable<Decision['chose']>,
  log: Logger,
): Promise<void> {
  if (d.unansweredRetentionMs <= 0) return;
  try {
    await d.store.recordChoice({ openKfId: item.open_kfid, text: chose.text, item: chose.item });
  } catch (err) {
    log.warn({ err: (err as Error).message }, 'could not record what a customer chose from 猜你想问');
  }
}

async function reportSendFailure(
  d: ReportDeps,
  item: SyncItem & { kind: 'msg_send_fail' },
  log: Logger,
): Promise<void> {
  const { fail_msgid, fail_type } = item.event;
  d.metrics.sendFailures.inc({ fail_type: String(fail_type) });
  const send = await d.store.getSend(fail_msgid);
  log.warn(
    {
      fail_msgid,
      fail_type,
      reason: FAIL_TYPES[fail_type] ?? 'unknown',
      ...(send && { rule: send.rule, inbound_msgid: send.inboundMsgid, api: send.api }),
    },
    send
      ? `a reply of rule "${send.rule}" did not reach the customer: ${FAIL_TYPES[fail_type] ?? 'unknown'}`
      : `a message kfbot does not know did not reach the customer: ${FAIL_TYPES[fail_type] ?? 'unknown'}`,
  );
  if (send) await d.activity.sendFailed(item, send.rule, log);
}
