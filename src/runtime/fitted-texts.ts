/**
 * The log lines for texts kfbot fitted to WeCom's 2048 bytes (plan-calls.ts), written once, when
 * the plan is made: a reply sent as several messages (info: it spends several of the customer
 * message's 5), and an event text cut short with "…" (a warning: the customer sees less than the
 * rule wrote, and only the rule's author can fix it).
 */
import type { Logger } from 'pino';
import type { PlannedCall } from '../rules/plan-calls.ts';
import { SEND_QUOTA, TEXT_MAX_BYTES } from '../wecom/send-limits.ts';
import type { SyncItem } from '../wecom/sync-item.ts';

/** What WeCom calls the message an event code carries (§6), for the operator reading the log. */
function eventTextName(item: SyncItem): string {
  if (item.kind === 'enter_session') return '欢迎语 (welcome:)';
  if (item.kind === 'session_status_change' && item.event.change_type === 3) return '结束语 (closing:)';
  return 'event reply';
}

export function logFittedTexts(calls: readonly PlannedCall[], item: SyncItem, log: Logger): void {
  for (const call of calls) {
    if (call.api === 'kf/send_msg' && call.part?.index === 1) {
      const { of, bytes } = call.part;
      log.info(
        { rule: call.rule, step: call.step, bytes, messages: of },
        `reply of rule "${call.rule}" is ${bytes} bytes, over the ${TEXT_MAX_BYTES} WeCom takes in one message: sent as ${of} messages, ${of} of the ${SEND_QUOTA} WeCom allows per customer message`,
      );
    }
    const shortened =
      call.api === 'kf/send_msg_on_event'
        ? { from: call.shortenedFrom, what: eventTextName(item) }
        : call.api === 'kf/service_state/trans'
          ? { from: call.notice?.shortenedFrom, what: 'transfer notice' }
          : undefined;
    if (shortened?.from !== undefined) {
      log.warn(
        { rule: call.rule, step: call.step, bytes: shortened.from },
        `${shortened.what} of rule "${call.rule}" is ${shortened.from} bytes, over the ${TEXT_MAX_BYTES} WeCom takes in one message; its code carries one message only, so it is sent cut to ${TEXT_MAX_BYTES} bytes ending with "…": shorten the text or what its placeholders bring in`,
      );
    }
  }
}
