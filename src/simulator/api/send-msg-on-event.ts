/**
 * POST /cgi-bin/kf/send_msg_on_event (wecom-kf.md §6): one message on a single-use code, only of
 * the msgtypes its scenario allows, only while the code lives, and (except for a welcome) only
 * while the session is still in the state the code was issued for.
 */
import { isObject, type JsonObject } from '../../wecom/json-reader.ts';
import {
  DUPLICATE_MSGID_ERRCODE,
  DUPLICATE_MSGID_ERRMSG,
  EVENT_CODE_MSGTYPE_NOT_ALLOWED_ERRCODE,
  EVENT_CODE_WRONG_STATE_ERRCODE,
  INVALID_EVENT_CODE_ERRCODE,
  INVALID_EVENT_CODE_ERRMSG,
} from '../../wecom/platform-choices.ts';
import { checkSendMsgOnEvent } from '../../wecom/send-limits.ts';
import { EVENT_CODE_RULES, type EventMsgtype } from '../event-codes.ts';
import { type ApiHandler, fail, ok } from '../http/api-types.ts';
import { applyTruncations, firstError } from './send-content.ts';

export function sendMsgOnEventHandler(): ApiHandler {
  return (req, ctx) => {
    const { world } = ctx;
    const body = req.json;
    const problems = checkSendMsgOnEvent(body);
    const error = firstError(problems);
    if (error) return fail(ctx, error.errcode, `${error.field}: ${error.message}`);
    const msgtype = body.msgtype as EventMsgtype;
    const payload = isObject(body[msgtype]) ? (body[msgtype] as JsonObject) : {};
    const clientMsgid = typeof body.msgid === 'string' ? body.msgid : undefined;
    const now = world.now();
    const issued = world.codes.find(body.code as string);
    // §6: the code is "single-use" and lives 20 s or 48 h by scenario.
    if (issued === undefined || issued.usedAt !== undefined || now >= issued.expiresAt) {
      return fail(ctx, INVALID_EVENT_CODE_ERRCODE, INVALID_EVENT_CODE_ERRMSG);
    }
    // §6 msgid: "same rules as in send_msg" — unique within the KF account.
    if (clientMsgid !== undefined && world.isMsgidUsed(issued.openKfId, clientMsgid)) {
      return fail(ctx, DUPLICATE_MSGID_ERRCODE, DUPLICATE_MSGID_ERRMSG);
    }
    const rule = EVENT_CODE_RULES[issued.kind];
    // §6 table: welcome and closing take text or menu; queue and reply codes take text only.
    if (!rule.msgtypes.includes(msgtype)) {
      return fail(
        ctx,
        EVENT_CODE_MSGTYPE_NOT_ALLOWED_ERRCODE,
        `a ${issued.kind} code allows ${rule.msgtypes.join(', ')}`,
      );
    }
    const session = world.session(issued.openKfId, issued.externalUserId);
    // §6: "Except for enter_session, the message can be sent only while the session is still in
    // the state for which the code was issued".
    if (
      rule.inState !== undefined &&
      (session.state !== rule.inState || session.stateSeq !== issued.stateSeq)
    ) {
      return fail(
        ctx,
        EVENT_CODE_WRONG_STATE_ERRCODE,
        `the session left state ${rule.inState} since the code was issued`,
      );
    }
    issued.usedAt = now;
    if (issued.kind === 'welcome') session.lastWelcomeAt = now; // §4.3 eligibility: "no welcome in the past 48 h"
    const msgid = clientMsgid ?? world.ids.sentMsgid();
    const { content, truncated } = applyTruncations(msgtype, payload, problems);
    world.recordSent({
      openKfId: issued.openKfId,
      externalUserId: issued.externalUserId,
      msgid,
      api: 'kf/send_msg_on_event',
      codeKind: issued.kind,
      msgtype,
      content,
      truncated,
      at: now,
    });
    return ok({ msgid });
  };
}
