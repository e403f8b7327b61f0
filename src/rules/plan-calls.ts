/**
 * A Decision → the exact WeCom API calls that carry it out, in order. Every send carries a client
 * msgid derived from the inbound msgid and the step number, so a retry of the same step is
 * recognisably the same message (§5 msgid; §9.12) and a second copy cannot reach the customer.
 * Actions that cannot be carried out (a welcome without a welcome_code, …) become `dropped`
 * entries with the reason, never silent omissions.
 *
 * A text over WeCom's 2048 bytes (§5: 45002), which placeholders can make of any reply, is fitted
 * here: a send_msg reply goes out as consecutive messages, each its own call with its own client
 * msgid, so each part is sent exactly once and a resumed message goes on from the part it reached;
 * a send_msg_on_event text (欢迎语, 结束语, a transfer notice) rides a single-use code that carries
 * one message (§6), so it is cut short with "…" instead.
 */
import { createHash } from 'node:crypto';
import type { ServiceState } from '../wecom/platform-enums.ts';
import { byteLength } from '../wecom/send-limits.ts';
import type { EventContent, SendMsgOnEventRequest, SendMsgRequest } from '../wecom/send-payloads.ts';
import { splitText, truncateText } from '../wecom/split-text.ts';
import type { SyncItem } from '../wecom/sync-item.ts';
import { type Decision, placeholderLookup } from './decider.ts';
import { type RenderContext, renderReply } from './render-reply.ts';
import type { MediaSource, TransferTarget } from './rule-model.ts';

/** One message of a text reply too long for one (§5: 2048 bytes), sent as several. */
export interface TextPart {
  /** 1-based. */
  index: number;
  of: number;
  /** UTF-8 bytes of the whole text. */
  bytes: number;
}

export type PlannedCall =
  | { api: 'kf/send_msg'; step: number; rule: string; body: SendMsgRequest; part?: TextPart }
  | {
      api: 'kf/send_msg_on_event';
      step: number;
      rule: string;
      body: SendMsgOnEventRequest;
      /** The text was this many UTF-8 bytes and is sent cut to 2048 with "…" (one code, one message). */
      shortenedFrom?: number;
    }
  | {
      api: 'kf/service_state/trans';
      step: number;
      rule: string;
      body: {
        open_kfid: string;
        external_userid: string;
        service_state: Exclude<ServiceState, 0>;
        servicer_userid?: string;
      };
      /** Sent with send_msg_on_event and the msg_code this call returns. */
      notice?: { msgid: string; content: EventContent; shortenedFrom?: number };
    };

export interface DroppedAction {
  step: number;
  rule: string;
  reason: string;
}

export interface Plan {
  calls: PlannedCall[];
  dropped: DroppedAction[];
}

/**
 * The client msgid for step `step` of the reply to inbound message `inboundMsgid`: 32 characters
 * of [A-Za-z0-9_-] (the §5 limit), the same every time it is computed. The 2nd, 3rd… message of
 * a text sent in parts has its own (the first keeps the step's, as a reply in one message does).
 */
export function clientMsgid(inboundMsgid: string, step: number, part = 1): string {
  const seed = part > 1 ? `${inboundMsgid}\0${step}\0${part}` : `${inboundMsgid}\0${step}`;
  return `kf${createHash('sha256').update(seed).digest('base64url').slice(0, 30)}`;
}

/** A text content fitted to one single-use code's one message: cut short with "…" (§6). */
function fitEventText(content: EventContent): { content: EventContent; shortenedFrom?: number } {
  if (content.msgtype !== 'text') return { content };
  const bytes = byteLength(content.text.content);
  const cut = truncateText(content.text.content);
  if (cut === content.text.content) return { content };
  return { content: { ...content, text: { ...content.text, content: cut } }, shortenedFrom: bytes };
}

const TRANS_STATE: Record<TransferTarget, 2 | 3 | 4> = { queue: 2, servicer: 3, end: 4 };

export interface PlanContext {
  nickname?: string;
  mediaId: RenderContext['mediaId'];
}

/** A stand-in media id that says which file would be uploaded (for simulate and explain). */
export function mediaPlaceholder(source: MediaSource): string {
  return 'media_id' in source ? source.media_id : `<upload ${source.file}>`;
}

export function planCalls(item: SyncItem, decision: Decision, ctx: PlanContext): Plan {
  const plan: Plan = { calls: [], dropped: [] };
  const to = { touser: item.external_userid, open_kfid: item.open_kfid };
  decision.actions.forEach(({ rule, action, scope }, step) => {
    // Placeholders see the state as the actions written before this one left it.
    const render: RenderContext = {
      lookup: placeholderLookup(decision.facts, ctx.nickname, scope),
      mediaId: ctx.mediaId,
    };
    const msgid = clientMsgid(item.msgid, step);
    const drop = (reason: string) => plan.dropped.push({ step, rule: rule.name, reason });
    switch (action.type) {
      case 'reply': {
        const content = renderReply(action.content, render);
        const parts = content.msgtype === 'text' ? splitText(content.text.content) : [];
        if (parts.length < 2) {
          plan.calls.push({
            api: 'kf/send_msg',
            step,
            rule: rule.name,
            body: { ...to, msgid, ...content } as SendMsgRequest,
          });
          return;
        }
        const bytes = byteLength(parts.join(''));
        parts.forEach((text, i) => {
          plan.calls.push({
            api: 'kf/send_msg',
            step,
            rule: rule.name,
            body: {
              ...to,
              msgid: clientMsgid(item.msgid, step, i + 1),
              msgtype: 'text',
              text: { content: text },
            },
            part: { index: i + 1, of: parts.length, bytes },
          });
        });
        return;
      }
      case 'send_on_event': {
        const code =
          action.code === 'welcome_code'
            ? item.kind === 'enter_session'
              ? item.event.welcome_code
              : undefined
            : item.kind === 'session_status_change'
              ? item.event.msg_code
              : undefined;
        if (!code) {
          drop(
            action.code === 'welcome_code'
              ? 'no welcome_code: WeCom gives one only if the customer got no welcome and sent nothing in the past 48 h'
              : 'no msg_code: WeCom gives one only when a servicer takes the session from the queue or ends it',
          );
          return;
        }
        const { content, shortenedFrom } = fitEventText(renderReply(action.content, render) as EventContent);
        plan.calls.push({
          api: 'kf/send_msg_on_event',
          step,
          rule: rule.name,
          body: { code, msgid, ...content },
          ...(shortenedFrom !== undefined && { shortenedFrom }),
        });
        return;
      }
      case 'transfer': {
        const notice = action.notice && fitEventText(renderReply(action.notice, render) as EventContent);
        plan.calls.push({
          api: 'kf/service_state/trans',
          step,
          rule: rule.name,
          body: {
            open_kfid: item.open_kfid,
            external_userid: item.external_userid,
            service_state: TRANS_STATE[action.to],
            ...(action.servicer && { servicer_userid: action.servicer }),
          },
          ...(notice && { notice: { msgid, ...notice } }),
        });
        return;
      }
      default:
        return; // state changes and `nothing` need no call
    }
  });
  return plan;
}
