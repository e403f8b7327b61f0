/**
 * Makes a message's planned calls, each exactly once. Every call is recorded as `attempting`
 * before it is made and as `sent` or `refused` after; a call found `attempting` (the process died,
 * or the answer was lost) is made again with the same client msgid, and WeCom's refusal of a
 * duplicate msgid (§9.12) is read as "it was delivered the first time". A welcome or closing code
 * is single-use (§6), so a repeated send_msg_on_event cannot deliver twice either. A send WeCom
 * refused for its media_id (40007) is made once more with the file uploaded again (§8).
 */
import { createHash } from 'node:crypto';
import type { Logger } from 'pino';
import type { PlannedCall } from '../rules/plan-calls.ts';
import type { Lease } from '../store/pull-work.ts';
import type { SendRecord, Store } from '../store/store.ts';
import { DeadlineMissedError, SendValidationError, WeComApiError } from '../wecom/api-errors.ts';
import { ERRCODE, errcodeAction } from '../wecom/error-codes.ts';
import type { KfApi } from '../wecom/kf-api.ts';
import { DUPLICATE_MSGID_ERRCODE, INVALID_EVENT_CODE_ERRCODE } from '../wecom/platform-choices.ts';
import type { EventContent } from '../wecom/send-payloads.ts';
import type { KfbotMetrics } from './metrics.ts';

export interface CallContext {
  inboundMsgid: string;
  openKfId: string;
  externalUserId: string;
  /** Checked right before each call: a puller that lost the account must not send. */
  lease: Lease;
  log: Logger;
  /** When the item's event code expires (welcome_code, closing msg_code: 20 s, §6). */
  codeDeadline?: number;
}

export interface CallResult {
  call: PlannedCall;
  status: 'sent' | 'refused' | 'dropped';
  errcode?: number;
}

function sendKey(inboundMsgid: string, call: PlannedCall): string {
  return call.api === 'kf/service_state/trans'
    ? `${inboundMsgid}:trans:${call.step}`
    : (call.body.msgid ?? `${inboundMsgid}:${call.step}`);
}

/** What renews a refused media_id by uploading its file again (runtime/media-uploads.ts). */
export interface MediaRenewal {
  renew(mediaId: string): Promise<string | undefined>;
}

/** The media ids a send carries: the media of image/voice/video/file, the thumb of link/miniprogram. */
export function mediaIdsOf(call: PlannedCall): string[] {
  if (call.api !== 'kf/send_msg') return [];
  const payload = (call.body as unknown as Record<string, unknown>)[call.body.msgtype];
  if (typeof payload !== 'object' || payload === null) return [];
  const p = payload as { media_id?: unknown; thumb_media_id?: unknown };
  return [p.media_id, p.thumb_media_id].filter((v): v is string => typeof v === 'string' && v !== '');
}

/**
 * The client msgid of the one resend after a 40007: derived from the refused send's, so a resend
 * whose outcome was lost is made again under the same msgid (§9.12), never a second copy.
 */
function resendMsgid(key: string): string {
  return `kf${createHash('sha256').update(`${key}\0media`).digest('base64url').slice(0, 30)}`;
}

/** Errcodes that, after an attempt whose outcome is unknown, mean the earlier attempt went through. */
function confirmsEarlierAttempt(call: PlannedCall, errcode: number): boolean {
  if (call.api === 'kf/send_msg') return errcode === DUPLICATE_MSGID_ERRCODE;
  if (call.api === 'kf/send_msg_on_event') return errcode === INVALID_EVENT_CODE_ERRCODE;
  return errcode === ERRCODE.stateChangeNotAllowed; // trans: the session is already where the first attempt moved it
}

export class SendExecutor {
  constructor(
    private readonly kf: KfApi,
    private readonly store: Store,
    private readonly metrics: KfbotMetrics,
    private readonly now: () => number,
    private readonly media?: MediaRenewal,
  ) {}

  /**
   * Makes one call unless it already has an outcome. Throws (leaving it `attempting`) when the
   * outcome is unknown, so the caller retries later rather than moving on.
   */
  async execute(call: PlannedCall, ctx: CallContext, resend = false): Promise<CallResult> {
    const key = sendKey(ctx.inboundMsgid, call);
    const prior = await this.store.getSend(key);
    if (prior?.status === 'refused' && prior.errcode === ERRCODE.invalidMediaId && !resend) {
      const again = await this.resendWithNewMedia(call, key, ctx);
      if (again) return again;
    }
    if (prior?.status === 'sent' || prior?.status === 'refused' || prior?.status === 'dropped') {
      if (prior.status === 'sent' && call.api === 'kf/service_state/trans' && call.notice) {
        await this.sendNotice(call, prior, ctx);
      }
      return { call, status: prior.status, ...(prior.errcode !== undefined && { errcode: prior.errcode }) };
    }
    const record: SendRecord = {
      key,
      inboundMsgid: ctx.inboundMsgid,
      openKfId: ctx.openKfId,
      externalUserId: ctx.externalUserId,
      api: call.api,
      rule: call.rule,
      status: 'attempting',
      attempts: (prior?.attempts ?? 0) + 1,
      updatedAt: this.now(),
    };
    await this.store.putSend(record);
    try {
      ctx.lease.check();
      const response = await this.call(call, ctx);
      const sent: SendRecord = {
        ...record,
        status: 'sent',
        response: JSON.stringify(response),
        updatedAt: this.now(),
      };
      await this.store.putSend(sent);
      this.metrics.sends.inc({ api: call.api, errcode: '0' });
      ctx.log.info(
        {
          api: call.api,
          rule: call.rule,
          clientMsgid: key,
          ...(call.api === 'kf/send_msg' && call.part && { part: `${call.part.index}/${call.part.of}` }),
        },
        'sent',
      );
      if (call.api === 'kf/service_state/trans' && call.notice) await this.sendNotice(call, sent, ctx);
      return { call, status: 'sent' };
    } catch (err) {
      if (err instanceof DeadlineMissedError) {
        // The budget had no room before the code expired: nothing was sent, nothing spent.
        await this.store.putSend({ ...record, status: 'dropped', updatedAt: this.now() });
        this.metrics.dropped.inc({ reason: 'code expired waiting for the API budget' });
        ctx.log.warn(
          { api: call.api, rule: call.rule },
          `reply of rule "${call.rule}" dropped: its code expired while ${call.api} waited for the API budget (raise KFBOT_CONCURRENCY or the budget only if WeCom's limit allows)`,
        );
        return { call, status: 'dropped' };
      }
      if (err instanceof SendValidationError) {
        // A body WeCom would refuse (§5: a text a placeholder left empty; a long one was already
        // split or cut to 2048 bytes when planned, plan-calls.ts): never sent, and never retried — the same body would fail for ever and hold the
        // customer's later messages (and the account's cursor) behind it.
        await this.store.putSend({ ...record, status: 'dropped', updatedAt: this.now() });
        this.metrics.dropped.inc({ reason: 'a body WeCom would refuse' });
        ctx.log.warn(
          { api: call.api, rule: call.rule, problems: err.problems },
          `reply of rule "${call.rule}" dropped: ${err.message}`,
        );
        return { call, status: 'dropped' };
      }
      if (!(err instanceof WeComApiError)) throw err; // outcome unknown: stays `attempting`
      // gettoken said no (a refresh after 40014/42001 met 60020, 40001, …): this call was never
      // made, and WeCom did not refuse it. It stays `attempting` and is made when a token comes.
      if (err.method !== call.api) throw err;
      this.metrics.sends.inc({ api: call.api, errcode: String(err.errcode) });
      // -1, 45033 even after the client's retries, or 45009 (the API is blocked for a window):
      // not sent, never a refusal of the message — the work stays and is tried again later.
      // A token rejected even after the client's one refresh (§1: 40014/42001) says nothing about
      // the reply either: it waits for the next pull, like a busy platform.
      if (err.retryable || err.rateLimited || errcodeAction(err.errcode) === 'refresh-token') throw err;
      // A retried call whose first attempt may have gone through: WeCom's refusal of the repeat
      // says that it did (the msgid is ours and unique; the code is single-use).
      if (record.attempts > 1 && confirmsEarlierAttempt(call, err.errcode)) {
        await this.store.putSend({ ...record, status: 'sent', errcode: err.errcode, updatedAt: this.now() });
        ctx.log.info(
          { api: call.api, rule: call.rule, errcode: err.errcode },
          'an earlier attempt was delivered; not sending again',
        );
        return { call, status: 'sent' };
      }
      await this.store.putSend({ ...record, status: 'refused', errcode: err.errcode, updatedAt: this.now() });
      ctx.log.warn(
        { api: call.api, rule: call.rule, errcode: err.errcode, remedy: err.remedy },
        `WeCom refused the reply of rule "${call.rule}": ${err.message}`,
      );
      if (err.errcode === ERRCODE.invalidMediaId && !resend) {
        const again = await this.resendWithNewMedia(call, key, ctx);
        if (again) return again;
      }
      return { call, status: 'refused', errcode: err.errcode };
    }
  }

  /**
   * §8 40007 "re-upload, then resend": the refused send once more, its files uploaded again and a
   * msgid of its own. The store names each id's file, so this works in a process that did not
   * upload it (a plan resumed after a restart). Undefined (the refusal stands) when none of its
   * ids can be renewed: ids written in the rules, or cached before files were named in the store.
   */
  private async resendWithNewMedia(
    call: PlannedCall,
    key: string,
    ctx: CallContext,
  ): Promise<CallResult | undefined> {
    if (call.api !== 'kf/send_msg' || !this.media) return undefined;
    const msgid = resendMsgid(key);
    const earlier = await this.store.getSend(msgid);
    if (earlier && earlier.status !== 'attempting') return { call, status: earlier.status };
    let body = JSON.stringify(call.body);
    let renewed = false;
    for (const id of mediaIdsOf(call)) {
      const fresh = await this.media.renew(id);
      if (fresh === undefined) continue;
      body = body.replaceAll(JSON.stringify(id), JSON.stringify(fresh));
      renewed = true;
    }
    if (!renewed) return undefined;
    ctx.log.info(
      { rule: call.rule },
      `resending the reply of rule "${call.rule}" with its file uploaded again`,
    );
    const result = await this.execute({ ...call, body: { ...JSON.parse(body), msgid } }, ctx, true);
    return { ...result, call };
  }

  private call(call: PlannedCall, ctx: CallContext): Promise<unknown> {
    switch (call.api) {
      case 'kf/send_msg':
        return this.kf.sendMsg(call.body);
      case 'kf/send_msg_on_event':
        return this.kf.sendMsgOnEvent(
          call.body,
          ctx.codeDeadline !== undefined ? { deadline: ctx.codeDeadline } : {},
        );
      case 'kf/service_state/trans':
        return this.kf.transServiceState(call.body);
    }
  }

  /** The notice that goes with a transfer, on the msg_code the transfer returned. */
  private async sendNotice(
    call: PlannedCall & { api: 'kf/service_state/trans' },
    trans: SendRecord,
    ctx: CallContext,
  ): Promise<void> {
    const notice = call.notice;
    if (!notice) return;
    const code = trans.response ? (JSON.parse(trans.response) as { msg_code?: string }).msg_code : undefined;
    if (!code) {
      ctx.log.warn(
        { rule: call.rule },
        `transfer notice of rule "${call.rule}" not sent: service_state/trans returned no msg_code (WeCom gives one only on the first change into that state)`,
      );
      return;
    }
    await this.execute(
      {
        api: 'kf/send_msg_on_event',
        step: call.step,
        rule: call.rule,
        body: { code, msgid: notice.msgid, ...(notice.content as EventContent) },
      },
      ctx,
    );
  }
}
