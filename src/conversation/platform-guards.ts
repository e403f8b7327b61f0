/**
 * What kfbot knows of WeCom's sending rules, applied before a call is made so a reply WeCom would
 * refuse is dropped with a log line that names the rule and the reason, instead of failing:
 *
 * - send_msg only while the session is 0 (new) or 1 (bot) — not queued, with a human, or ended
 *   (§5, §9.9: 95018), unless the rule says `ignore_service_state: true`;
 * - at most 5 send_msg per customer message, within 48 h of it (§5: 95001, 95002); each part of a
 *   text sent in several messages (plan-calls.ts) is one of the 5, and when they run out in the
 *   middle of one, the parts that fit go out, the last of them ending with "…" so the customer
 *   can see the answer was cut, and one dropped entry says which parts were not sent (§9.10);
 * - a welcome_code is usable for 20 s (§6), and the code of a session taken from the queue
 *   carries text only (§6 table).
 *
 * It also tracks the service state from what happens (§7.1, §4.3 session_status_change).
 */
import type { DroppedAction, Plan, PlannedCall } from '../rules/plan-calls.ts';
import type { RuleModel } from '../rules/rule-model.ts';
import { ERRCODE } from '../wecom/error-codes.ts';
import {
  botMaySend,
  isCustomerMessage,
  ORIGIN,
  SERVICE_STATE_LABELS,
  SESSION_CHANGE,
  type ServiceState,
} from '../wecom/platform-enums.ts';
import { byteLength, SEND_QUOTA, SEND_WINDOW_MS } from '../wecom/send-limits.ts';
import { endWithEllipsis } from '../wecom/split-text.ts';
import type { SyncItem } from '../wecom/sync-item.ts';
import type { Conversation } from './conversation.ts';

export const WELCOME_CODE_TTL_MS = 20_000;
/** A closing msg_code is also valid 20 s (§6 table). */
export const CLOSING_CODE_TTL_MS = 20_000;

/**
 * When the item's event code expires, for items that carry one kfbot answers with: a welcome_code
 * or a closing msg_code, valid 20 s (§6). undefined for everything else (replies have 48 h).
 */
export function codeExpiry(item: SyncItem): number | undefined {
  const at = item.send_time * 1000;
  if (item.kind === 'enter_session' && item.event.welcome_code) return at + WELCOME_CODE_TTL_MS;
  if (item.kind === 'session_status_change' && item.event.change_type === 3) return at + CLOSING_CODE_TTL_MS;
  return undefined;
}

/** The session's state after this item, as far as the item tells (undefined: it does not say). */
export function serviceStateAfter(
  current: ServiceState | undefined,
  item: SyncItem,
): ServiceState | undefined {
  if (item.kind === 'session_status_change') {
    // §4.3: 1 taken from the queue, 2 transferred, 4 re-joined → a human has it; 3 ended.
    return item.event.change_type === 3 ? 4 : 3;
  }
  if (item.origin === ORIGIN.servicer) return 3; // a servicer typed in the WeCom client
  if (isCustomerMessage(item)) {
    // §7.1: a customer message moves an ended/unstarted session (4) to 0.
    return current === undefined || current === 4 ? 0 : current;
  }
  if (item.kind === 'enter_session') return current ?? 4;
  return current;
}

/** The state a successful call leaves the session in. */
export function serviceStateAfterCall(
  current: ServiceState | undefined,
  call: PlannedCall,
): ServiceState | undefined {
  if (call.api === 'kf/send_msg') return current === 0 || current === undefined ? 1 : current; // §5
  if (call.api === 'kf/service_state/trans') return call.body.service_state;
  return current;
}

export interface GuardContext {
  item: SyncItem;
  conversation: Conversation;
  rules: ReadonlyMap<string, RuleModel>;
  now: number;
}

export interface GuardedPlan extends Plan {
  /** send_msg calls this plan spends from the 5-message quota. */
  quotaSpent: number;
}

/** The last message of a split text that goes out, ended with "…": the parts after it will not follow. */
function markCutShort(calls: PlannedCall[], step: number): void {
  const at = calls.findLastIndex((c) => c.step === step && c.api === 'kf/send_msg' && c.part);
  const last = calls[at];
  if (last?.api !== 'kf/send_msg' || last.body.msgtype !== 'text') return;
  calls[at] = { ...last, body: { ...last.body, text: { content: endWithEllipsis(last.body.text.content) } } };
}

export function applyGuards(plan: Plan, ctx: GuardContext): GuardedPlan {
  const { conversation, item, now } = ctx;
  const out: GuardedPlan = { calls: [], dropped: [...plan.dropped], quotaSpent: 0 };
  const state = conversation.state.service_state;
  /** The parts of a split text not sent, by step: one dropped entry each, however many parts. */
  const partsCut = new Map<number, { entry: DroppedAction; from: number; bytes: number }>();
  const drop = (call: PlannedCall, reason: string) => {
    if (call.api !== 'kf/send_msg' || !call.part) {
      out.dropped.push({ step: call.step, rule: call.rule, reason });
      return;
    }
    const { part } = call;
    const bytes = byteLength(call.body.msgtype === 'text' ? call.body.text.content : '');
    let cut = partsCut.get(call.step);
    if (!cut) {
      cut = { entry: { step: call.step, rule: call.rule, reason }, from: part.index, bytes: 0 };
      partsCut.set(call.step, cut);
      out.dropped.push(cut.entry);
      if (part.index > 1) markCutShort(out.calls, call.step);
    }
    cut.bytes += bytes;
    const sent =
      cut.from === 1
        ? `none of the ${part.of} messages its ${part.bytes}-byte text was split into were sent`
        : `its ${part.bytes}-byte text went out as ${cut.from - 1} of the ${part.of} messages it was split into, the last ending with "…"; ${cut.from === part.index ? `message ${part.index}` : `messages ${cut.from}–${part.index}`} (${cut.bytes} bytes) not sent`;
    cut.entry.reason = `${reason}; ${sent}`;
  };
  for (const call of plan.calls) {
    if (call.api === 'kf/send_msg') {
      const rule = ctx.rules.get(call.rule);
      if (state !== undefined && !botMaySend(state) && !rule?.ignoreServiceState) {
        drop(
          call,
          `the session is ${SERVICE_STATE_LABELS[state].en} (state ${state}); WeCom would refuse send_msg with ${ERRCODE.sessionStateForbidsSend}`,
        );
        continue;
      }
      if (conversation.lastCustomerAt === undefined) {
        // §9.8: "send_msg is not allowed before the customer writes (the session is still 4 未开始)".
        drop(
          call,
          `the customer has not written yet (the session has not started); WeCom would refuse send_msg with ${ERRCODE.sessionStateForbidsSend}`,
        );
        continue;
      }
      if (now - conversation.lastCustomerAt > SEND_WINDOW_MS) {
        drop(
          call,
          `more than 48 h since the customer last wrote; WeCom would refuse send_msg with ${ERRCODE.sendWindowClosed}`,
        );
        continue;
      }
      if (conversation.quotaUsed + out.quotaSpent >= SEND_QUOTA) {
        drop(
          call,
          `the ${SEND_QUOTA}-message quota for this customer message is used up; WeCom would refuse with ${ERRCODE.sendQuotaUsedUp}`,
        );
        continue;
      }
      out.quotaSpent++;
    }
    if (call.api === 'kf/send_msg_on_event' && item.kind === 'enter_session') {
      const age = now - item.send_time * 1000;
      if (age > WELCOME_CODE_TTL_MS) {
        drop(call, `the welcome_code is ${Math.round(age / 1000)} s old; it is valid for 20 s`);
        continue;
      }
    }
    if (
      call.api === 'kf/send_msg_on_event' &&
      item.kind === 'session_status_change' &&
      item.event.change_type !== SESSION_CHANGE.ended &&
      call.body.msgtype !== 'text'
    ) {
      // §6 table: the code of a session taken from the queue allows one text; only the welcome
      // and closing codes allow a menu.
      drop(
        call,
        `the msg_code of a session a servicer took from the queue takes text only (a menu needs the welcome or closing code); WeCom would refuse ${call.body.msgtype}`,
      );
      continue;
    }
    if (
      call.api === 'kf/send_msg_on_event' &&
      item.kind === 'session_status_change' &&
      item.event.change_type === 3
    ) {
      const age = now - item.send_time * 1000;
      if (age > CLOSING_CODE_TTL_MS) {
        drop(call, `the closing msg_code is ${Math.round(age / 1000)} s old; it is valid for 20 s`);
        continue;
      }
    }
    out.calls.push(call);
  }
  return out;
}
