/**
 * Feeds the activity log (store/activity-log.ts) from the message pipeline, for `kfbot report
 * rules | satisfaction | sessions`. The message handler calls it twice per message:
 *
 *   decided → the rules that matched, a customer message none matched, a satisfaction score (a
 *             click on an item with `score:`, or a typed text the FAQ answered with it), a
 *             session a servicer ended;
 *   called  → once the calls' outcomes are known (also for a resumed message): the rules none of
 *             whose reply reached the customer, those whose reply reached it in part (a long
 *             text cut short after some of its parts), and the sessions the bot ended (an idle
 *             rule's end is a timeout) or handed over.
 *
 * and once per msg_send_fail event whose message kfbot sent (sendFailed): WeCom accepted the reply
 * but could not deliver it, a miss of the rule that sent it.
 *
 * These are reports, not replies: a failure to record is a warning in the log and the customer is
 * answered all the same.
 */
import type { Logger } from 'pino';
import type { Conversation } from '../conversation/conversation.ts';
import type { CallOutcome } from '../conversation/conversation-step.ts';
import type { Decision } from '../rules/decider.ts';
import type { ActivityLog, PartDelivery, SessionEnd } from '../store/activity-log.ts';
import type { StoredPlan } from '../store/stored-records.ts';
import { isCustomerMessage, SERVICE_STATE, SESSION_CHANGE } from '../wecom/platform-enums.ts';
import type { SyncItem } from '../wecom/sync-item.ts';

/** One recorded decision, as the reports take it. */
export interface DecidedMessage {
  item: SyncItem;
  decision: Decision;
  /** The customer's conversation after the decision. */
  conversation: Conversation;
  /** The click ids that carry a satisfaction score (RuleSet.scores). */
  scores: ReadonlyMap<string, number>;
  log: Logger;
}

export class ActivityRecorder {
  constructor(
    private readonly activity: ActivityLog,
    private readonly now: () => number,
  ) {}

  /** After the decision is recorded (once per message: the store deduplicated it). */
  async decided({ item, decision, conversation, scores, log }: DecidedMessage): Promise<void> {
    // Counted on the day the customer wrote, so a message's hits and misses share a day.
    const at = item.send_time * 1000;
    const hits = decision.matched.map((r) => r.name);
    const unmatched = isCustomerMessage(item) && hits.length === 0;
    if (hits.length > 0 || unmatched)
      await this.#record(log, 'rule outcomes', () =>
        this.activity.recordRuleOutcomes({ openKfId: item.open_kfid, at, hits, unmatched }),
      );
    // A click on a scored item, or a typed text the FAQ answered with it (非常满意): answered as a
    // click, it scores as one. Rating items match only a message that is mostly their words.
    const clickId =
      isCustomerMessage(item) && item.kind === 'text'
        ? (item.text.menu_id ?? decision.faq?.answered)
        : undefined;
    const score = clickId === undefined ? undefined : scores.get(clickId);
    if (clickId !== undefined && score !== undefined && conversation.sessionStartedAt !== undefined) {
      const scored = {
        openKfId: item.open_kfid,
        externalUserId: item.external_userid,
        sessionStartedAt: conversation.sessionStartedAt,
        score,
        clickId,
        at,
      };
      await this.#record(log, 'a satisfaction score', () => this.activity.recordScore(scored));
    }
    if (item.kind === 'session_status_change' && item.event.change_type === SESSION_CHANGE.ended)
      await this.sessionEnded(
        { openKfId: item.open_kfid, externalUserId: item.external_userid, at, how: 'servicer' },
        log,
      );
  }

  /**
   * A rule's call: failed (its on_error ran, or nothing did): a miss of the rule, since the customer
   * did not get the answer it exists to give. Recorded once, after the outcome's plan is written.
   */
  async callFailed(item: SyncItem, rule: string, log: Logger): Promise<void> {
    await this.sendFailed(item, rule, log);
  }

  /** WeCom could not deliver a reply it had accepted (msg_send_fail): a miss of its rule, on the event's day. */
  async sendFailed(item: SyncItem, rule: string, log: Logger): Promise<void> {
    await this.#record(log, 'rule outcomes', () =>
      this.activity.recordRuleOutcomes({
        openKfId: item.open_kfid,
        at: item.send_time * 1000,
        misses: [rule],
      }),
    );
  }

  /** After the calls: what did not reach the customer, and where WeCom moved the session. */
  async called(
    item: SyncItem,
    plan: StoredPlan,
    outcomes: readonly CallOutcome[],
    log: Logger,
  ): Promise<void> {
    const { misses, partly } = deliveries(plan, outcomes);
    if (misses.length > 0 || partly.length > 0)
      await this.#record(log, 'rule outcomes', () =>
        this.activity.recordRuleOutcomes({
          openKfId: item.open_kfid,
          at: item.send_time * 1000,
          misses,
          partly,
        }),
      );
    // Only what WeCom accepted moved the session (a refused end stays a miss of its rule). An end
    // an idle rule made (its timer's item) is a timeout; any other rule's end is the bot's.
    for (const { call, status } of outcomes) {
      if (call.api !== 'kf/service_state/trans' || status !== 'sent') continue;
      const ended = call.body.service_state === SERVICE_STATE.ended;
      await this.sessionEnded(
        {
          openKfId: call.body.open_kfid,
          externalUserId: call.body.external_userid,
          at: this.now(),
          how: !ended ? 'handover' : item.kind === 'idle' ? 'timeout' : 'bot',
        },
        log,
      );
    }
  }

  /**
   * Records a session end or hand-over. The pipeline's own ends go through here (an idle rule's
   * timeout included: its timer's item is handled like a message); so may any other code that
   * ends a session.
   */
  async sessionEnded(end: SessionEnd, log: Logger): Promise<void> {
    await this.#record(log, `a session end (${end.how})`, () => this.activity.recordSessionEnd(end));
  }

  async #record(log: Logger, what: string, write: () => Promise<void>): Promise<void> {
    try {
      await write();
    } catch (err) {
      log.warn({ err: (err as Error).message }, `could not record ${what} for the reports`);
    }
  }
}

/**
 * Per rule of the message, what of its reply reached the customer. Its parts are the messages it
 * was made of: each planned call (a text over 2048 bytes is several, split-text.ts) and each
 * action a platform guard dropped. None sent is a miss; some, a partial delivery.
 */
export function deliveries(
  plan: StoredPlan,
  outcomes: readonly CallOutcome[],
): { misses: string[]; partly: PartDelivery[] } {
  const parts = new Map<string, { sent: number; of: number }>();
  const part = (rule: string, sent: boolean) => {
    const p = parts.get(rule) ?? { sent: 0, of: 0 };
    p.of += 1;
    if (sent) p.sent += 1;
    parts.set(rule, p);
  };
  for (const d of plan.dropped) part(d.rule, false);
  for (const o of outcomes) part(o.call.rule, o.status === 'sent');
  const misses: string[] = [];
  const partly: PartDelivery[] = [];
  for (const [rule, { sent, of }] of parts) {
    if (sent === 0) misses.push(rule);
    else if (sent < of) partly.push({ rule, sent, of });
  }
  return { misses, partly };
}
