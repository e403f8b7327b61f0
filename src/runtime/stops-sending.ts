import type { CallOutcome } from '../conversation/conversation-step.ts';
import { ERRCODE } from '../wecom/error-codes.ts';

/**
 * A send_msg refusal that every later send_msg for the same customer message meets too (§9.10
 * "Handle 95001/95002 as stop sending"; §9.9 95018: the session state forbids sending).
 */
const STOP_SENDING: ReadonlySet<number> = new Set([
  ERRCODE.sendQuotaUsedUp,
  ERRCODE.sendWindowClosed,
  ERRCODE.sessionStateForbidsSend,
]);

export function stopsSending(o: CallOutcome): boolean {
  return (
    o.call.api === 'kf/send_msg' &&
    o.status === 'refused' &&
    o.errcode !== undefined &&
    STOP_SENDING.has(o.errcode)
  );
}
