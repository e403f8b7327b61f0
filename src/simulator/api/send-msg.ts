/**
 * POST /cgi-bin/kf/send_msg (wecom-kf.md §5): the bot writes to a customer. Every rule the fact
 * sheet states is checked, each with its documented errcode, before anything is delivered.
 */

import { ERRCODE } from '../../wecom/error-codes.ts';
import { isObject, type JsonObject } from '../../wecom/json-reader.ts';
import { isMediaType, type MediaType } from '../../wecom/media-limits.ts';
import {
  DUPLICATE_MSGID_ERRCODE,
  DUPLICATE_MSGID_ERRMSG,
  SEND_AFTER_TIMEOUT_ERRCODE,
} from '../../wecom/platform-choices.ts';
import { checkSendMsg } from '../../wecom/send-limits.ts';
import { type ApiContext, type ApiHandler, type ApiResult, fail, ok } from '../http/api-types.ts';
import { setState, windowOpen } from '../session.ts';
import { applyTruncations, firstError } from './send-content.ts';

interface MediaRef {
  field: string;
  mediaId: unknown;
  type: MediaType;
}

/** The media a send refers to, and the kind each must be (§5; §8 40007 "wrong kind, expired"). */
function mediaRefs(msgtype: string, payload: JsonObject): MediaRef[] {
  if (isMediaType(msgtype))
    return [{ field: `${msgtype}.media_id`, mediaId: payload.media_id, type: msgtype }];
  if (msgtype === 'link' || msgtype === 'miniprogram') {
    return [{ field: `${msgtype}.thumb_media_id`, mediaId: payload.thumb_media_id, type: 'image' }];
  }
  return [];
}

/** 40007 unless every media_id exists, is of the right kind and younger than 3 days (§7.4). */
export function checkMedia(ctx: ApiContext, msgtype: string, payload: JsonObject): ApiResult | undefined {
  for (const ref of mediaRefs(msgtype, payload)) {
    const media =
      typeof ref.mediaId === 'string' ? ctx.world.media.live(ref.mediaId, ctx.world.now()) : undefined;
    if (media === undefined) return fail(ctx, 40007, `${ref.field} is unknown or older than 3 days`);
    if (media.type !== ref.type)
      return fail(ctx, 40007, `${ref.field} is a ${media.type}, not a ${ref.type}`);
  }
  return undefined;
}

export function sendMsgHandler(): ApiHandler {
  return (req, ctx) => {
    const { world } = ctx;
    const body = req.json;
    const problems = checkSendMsg(body);
    const error = firstError(problems);
    if (error) return fail(ctx, error.errcode, `${error.field}: ${error.message}`);
    const openKfId = body.open_kfid as string;
    const touser = body.touser as string;
    const msgtype = body.msgtype as string;
    const payload = isObject(body[msgtype]) ? (body[msgtype] as JsonObject) : {};
    const clientMsgid = typeof body.msgid === 'string' ? body.msgid : undefined;
    if (!world.accounts.has(openKfId)) return fail(ctx, ERRCODE.invalidOpenKfId, 'open_kfid');
    // §5: a client msgid "must be unique within the KF account, or the API returns an error".
    if (clientMsgid !== undefined && world.isMsgidUsed(openKfId, clientMsgid)) {
      return fail(ctx, DUPLICATE_MSGID_ERRCODE, DUPLICATE_MSGID_ERRMSG);
    }
    const mediaProblem = checkMedia(ctx, msgtype, payload);
    if (mediaProblem) return mediaProblem;
    const now = world.now();
    const session = world.findSession(openKfId, touser);
    if (session === undefined || session.state === 4) {
      // A session that timed out while the bot held it: the 48 h window closed (platform choice).
      const timedOut =
        session?.endReason === 'timeout' && (session.stateBeforeEnd === 0 || session.stateBeforeEnd === 1);
      if (timedOut) return fail(ctx, SEND_AFTER_TIMEOUT_ERRCODE, 'more than 48 h since the customer wrote');
      // §9.8: before the customer writes the session is 4 (未开始); an ended one is 4 too.
      return fail(ctx, ERRCODE.sessionStateForbidsSend, 'the session is not started or has ended (state 4)');
    }
    // §5: "The customer must be in state 新接入待处理 (0) or 由智能助手接待 (1)".
    if (session.state !== 0 && session.state !== 1) {
      return fail(ctx, ERRCODE.sessionStateForbidsSend, `the session is in state ${session.state}`);
    }
    // §5: "only within 48 h after the customer's last own message".
    if (!windowOpen(session, now))
      return fail(ctx, ERRCODE.sendWindowClosed, 'more than 48 h since the customer wrote');
    // §5: "at most 5 messages in that window"; each customer message re-opens it.
    if (session.quota <= 0)
      return fail(ctx, ERRCODE.sendQuotaUsedUp, '5 messages already sent since the customer last wrote');
    session.quota--;
    // §5: "Sending through the API puts the customer with the 智能助手 (state 1)".
    if (session.state === 0) setState(session, 1);
    const msgid = clientMsgid ?? world.ids.sentMsgid();
    const { content, truncated } = applyTruncations(msgtype, payload, problems);
    world.recordSent({
      openKfId,
      externalUserId: touser,
      msgid,
      api: 'kf/send_msg',
      codeKind: undefined,
      msgtype,
      content,
      truncated,
      at: now,
    });
    return ok({ msgid });
  };
}
