/**
 * POST /cgi-bin/kf/service_state/get and /trans (wecom-kf.md §7.1). API-made changes emit no
 * session_status_change event: "all changes [in that event] are triggered by receptionists in the
 * WeCom client" (§4.3). The reply, queue and closing codes come back in the trans response.
 */

import { ERRCODE } from '../../wecom/error-codes.ts';
import {
  SERVICER_NOT_RECEIVING_ERRCODE,
  TRANS_FROM_BOT_TO_ENDED_ALLOWED,
} from '../../wecom/platform-choices.ts';
import type { ServiceState } from '../../wecom/platform-enums.ts';
import type { EventCodeKind } from '../event-codes.ts';
import { type ApiHandler, fail, ok } from '../http/api-types.ts';
import { setState } from '../session.ts';
import { FieldError, INVALID_PARAMETER, optionalString, requiredString } from './fields.ts';

/** §7.1's table: which target states the API may move each state to. */
export const TRANSITIONS: Readonly<Record<ServiceState, readonly ServiceState[]>> = {
  // 0 未处理: "reply through the API; put into the queue (2); assign to a receptionist (3)"
  0: TRANS_FROM_BOT_TO_ENDED_ALLOWED ? [2, 3, 4] : [2, 3],
  // 1 由智能助手接待: "move to the queue (2) or to a receptionist (3)"
  1: TRANS_FROM_BOT_TO_ENDED_ALLOWED ? [2, 3, 4] : [2, 3],
  // 2 待接入池排队中: "assign to a receptionist (3)"
  2: [3],
  // 3 由人工接待: "transfer to another receptionist (3) or end the session (4)"
  3: [3, 4],
  // 4 已结束/未开始: "no API transitions"
  4: [],
};

export function serviceStateGetHandler(): ApiHandler {
  return (req, ctx) => {
    const openKfId = requiredString(req.json, 'open_kfid');
    const externalUserId = requiredString(req.json, 'external_userid');
    if (!ctx.world.accounts.has(openKfId)) return fail(ctx, ERRCODE.invalidOpenKfId, 'open_kfid');
    const session = ctx.world.findSession(openKfId, externalUserId);
    const state = session?.state ?? 4;
    // §7.1: servicer_userid "is meaningful only for state 3".
    return ok({ service_state: state, ...(state === 3 && { servicer_userid: session?.servicerUserId }) });
  };
}

export function serviceStateTransHandler(): ApiHandler {
  return (req, ctx) => {
    const { world } = ctx;
    const openKfId = requiredString(req.json, 'open_kfid');
    const externalUserId = requiredString(req.json, 'external_userid');
    const target = req.json.service_state;
    if (typeof target !== 'number' || !Number.isInteger(target)) {
      throw new FieldError(INVALID_PARAMETER, 'service_state', 'service_state is required (an integer 0-4)');
    }
    const servicerUserId = optionalString(req.json, 'servicer_userid');
    if (!world.accounts.has(openKfId)) return fail(ctx, ERRCODE.invalidOpenKfId, 'open_kfid');
    const session = world.findSession(openKfId, externalUserId);
    const from = session?.state ?? 4; // a customer who never wrote is 4 (未开始, §9.8)
    const allowed = (TRANSITIONS[from] as readonly number[]).includes(target);
    if (session === undefined || !allowed)
      return fail(ctx, ERRCODE.stateChangeNotAllowed, `service_state ${from} → ${target}`);
    const to = target as ServiceState;
    if (to === 3) {
      // §7.1: servicer_userid "is required when the target is 3; that receptionist must be
      // 正在接待 and activated in WeCom, else 95014".
      if (servicerUserId === undefined) {
        throw new FieldError(
          INVALID_PARAMETER,
          'servicer_userid',
          'servicer_userid is required when service_state is 3',
        );
      }
      const servicer = world.servicers.get(servicerUserId);
      if (servicer === undefined || !servicer.openKfIds.has(openKfId) || servicer.status !== 'receiving') {
        return fail(
          ctx,
          SERVICER_NOT_RECEIVING_ERRCODE,
          `servicer_userid ${servicerUserId} is not 接待中 for this account`,
        );
      }
      // §7.1: 3 → 3 is a transfer "to another receptionist".
      if (from === 3 && session.servicerUserId === servicerUserId)
        return fail(ctx, ERRCODE.stateChangeNotAllowed, 'the servicer already holds it');
    }
    // §6: "trans returns a code only on the first change into state 2 or 3 (a reply code) or into
    // state 4 (a closing code)": only on a real change of state, once per session for 2/3.
    const enteringQueueOrHuman =
      (to === 2 || to === 3) && from !== 2 && from !== 3 && !session.replyCodeIssued;
    setState(session, to, to === 3 ? servicerUserId : undefined, 'api');
    let code: EventCodeKind | undefined;
    if (enteringQueueOrHuman) code = to === 2 ? 'queue' : 'reply';
    if (to === 4) code = 'closing';
    if (code === undefined) return ok();
    if (code !== 'closing') session.replyCodeIssued = true;
    return ok({ msg_code: world.codes.issue(code, session, world.now()).code });
  };
}
