/**
 * One sync_msg item, from decoding to its recorded outcome:
 *
 *   dedupe (msgid) → decide (rules) → plan the calls → platform guards → record the plan and the
 *   customer's new state in one transaction → make the calls (each once) → mark it done.
 *
 * A message found `planned` (a crash or an unknown send outcome interrupted it) resumes from its
 * recorded plan instead of being decided again, so its client msgids, and therefore WeCom's
 * duplicate check, stay the same. What the reports count (activity-recorder.ts) is recorded after
 * the decision and after the calls, and never holds a reply up.
 *
 * Kept thin on purpose: the look-ups (step-lookups.ts), making the calls (run-plan.ts), a backend
 * `call:` and the decision after it (continue-after-call.ts), and the bookkeeping after the calls
 * (finish-after-calls.ts) each live in their own file.
 */
import type { Logger } from 'pino';
import { newConversation } from '../conversation/conversation.ts';
import { decideStep, storableLookups } from '../conversation/conversation-step.ts';
import { faqOutcome } from '../rules/faq-step.ts';
import type { MessageRecord } from '../store/store.ts';
import { decodePlan, encodePlan, type StoredPlan } from '../store/stored-records.ts';
import { isCustomerMessage } from '../wecom/platform-enums.ts';
import type { SyncItem } from '../wecom/sync-item.ts';
import { ActivityRecorder } from './activity-recorder.ts';
import { conversationOrSetAside } from './conversation-or-set-aside.ts';
import { countDropped } from './count-dropped.ts';
import { decisionEvent } from './decision-event.ts';
import { logFittedTexts } from './fitted-texts.ts';
import type { HandleContext } from './handle-context.ts';
import type { HandlerDeps, MessageHandlerDeps } from './handler-deps.ts';
import { planWithMedia } from './plan-with-media.ts';
import { recordSkipped } from './record-skipped.ts';
import { reportDecision } from './report-decision.ts';
import { runPlan } from './run-plan.ts';
import { readOrSetAside } from './set-aside.ts';
import { stepLookups } from './step-lookups.ts';

export class MessageHandler {
  private readonly d: HandlerDeps;

  constructor(deps: MessageHandlerDeps) {
    this.d = { ...deps, activity: new ActivityRecorder(deps.store.activity, deps.now) };
  }

  async handle(item: SyncItem, ctx: HandleContext): Promise<void> {
    const { store, metrics } = this.d;
    const log = this.d.log.child({ msgid: item.msgid, open_kfid: item.open_kfid, kind: item.kind });
    if (item.msgid === '') {
      log.warn(
        { reason: item.kind === 'unknown' ? item.reason : 'no msgid' },
        'item without a msgid cannot be deduplicated; skipped',
      );
      metrics.messages.inc({ kind: item.kind, outcome: 'unknown' });
      return;
    }
    // An unreadable record of this message is set aside, and the message counts as handled: its
    // replies may have gone out, so deciding it again could answer twice.
    const existing = await readOrSetAside<MessageRecord | 'set aside' | undefined>(
      store,
      log,
      () => store.getMessage(item.msgid),
      () => 'set aside',
    );
    if (existing === 'set aside') {
      metrics.messages.inc({ kind: item.kind, outcome: 'unknown' });
      return;
    }
    if (existing?.status === 'done' || existing?.status === 'skipped') {
      metrics.messages.inc({ kind: item.kind, outcome: 'duplicate' });
      log.debug('already handled');
      return;
    }
    if (existing?.status === 'planned' && existing.plan) {
      const raw = existing.plan;
      const plan = await readOrSetAside(
        store,
        log,
        async () => decodePlan(`msg:${item.msgid}`, raw),
        () => undefined,
      );
      if (!plan) {
        await store.finishMessage(item.msgid, 'skipped', 'its recorded plan could not be read; kept aside');
        return;
      }
      log.info('resuming a message whose replies were interrupted');
      await runPlan(this.d, item, plan, ctx, log);
      return;
    }
    await this.decideAndRun(item, ctx, log);
  }

  private async decideAndRun(item: SyncItem, ctx: HandleContext, log: Logger): Promise<void> {
    const { d } = this;
    const { store, metrics, now } = d;
    if (item.kind === 'unknown') {
      log.warn({ reason: item.reason }, 'kfbot cannot decode this item; recorded raw, no reply');
      log.debug({ raw: item.raw }, 'undecodable item');
      await recordSkipped(d, item, item.reason, 'unknown', log);
      return;
    }
    const ageMs = now() - item.send_time * 1000;
    if (ctx.firstStart && ageMs > d.historyMaxAgeMs) {
      await recordSkipped(
        d,
        item,
        `history read without a cursor (first start or a refused cursor), ${Math.round(ageMs / 1000)} s old`,
        'history',
        log,
      );
      return;
    }

    // Load and look up; the step itself (conversation-step.ts) decides.
    const snapshot = d.rules.current;
    if (!snapshot) throw new Error('no valid rules loaded');
    const known = item.external_userid ? await conversationOrSetAside(store, d.log, item) : undefined;
    const conversation = known ?? newConversation();
    const lookups = await stepLookups(
      d,
      item,
      snapshot.ruleSet,
      { conversation, known: known !== undefined },
      ctx,
      log,
    );
    const started = performance.now();
    const decidedAt = now();
    const decided = await decideStep({ item, conversation, rules: snapshot, now: decidedAt, lookups });
    metrics.decisionSeconds.observe((performance.now() - started) / 1000);
    const { decision } = decided;
    for (const rule of decision.matched) metrics.ruleHits.inc({ rule: rule.name });
    if (decision.faq) metrics.faqMatches.inc({ outcome: faqOutcome(decision.faq) });
    if (isCustomerMessage(item) && decision.state.misses > conversation.state.misses)
      metrics.ruleMisses.inc();
    if (decision.skipped) {
      d.onDecision?.(
        decisionEvent({
          item,
          decision,
          calls: [],
          dropped: [],
          rulesVersion: snapshot.version,
          conversation: decided.conversation,
        }),
      );
      // Even unanswered, a servicer's message says a human has the session now (and ends a silence);
      // a spent idle timer stays spent. Recorded with the skip, in one write.
      const after = decided.conversation;
      const changed =
        after.state.service_state !== conversation.state.service_state ||
        after.idleDueAt !== conversation.idleDueAt ||
        after.silence !== conversation.silence;
      await recordSkipped(
        d,
        item,
        decision.skipped,
        'skipped',
        log,
        item.external_userid && changed ? after : undefined,
      );
      return;
    }

    const step = await planWithMedia(d.media, decided);
    const stored: StoredPlan = {
      calls: step.calls,
      dropped: step.dropped,
      ...(step.pending && {
        pending: {
          request: step.pending,
          resume: { conversation, now: decidedAt, lookups: storableLookups(lookups), outcomes: {} },
        },
      }),
    };
    const recorded = await store.recordMessage(
      {
        msgid: item.msgid,
        openKfId: item.open_kfid,
        externalUserId: item.external_userid,
        status: 'planned',
        plan: encodePlan(stored),
        createdAt: now(),
      },
      item.external_userid
        ? { openKfId: item.open_kfid, externalUserId: item.external_userid, value: step.conversation }
        : undefined,
    );
    if (!recorded) return; // another handler recorded it first
    await reportDecision(d, {
      item,
      decision,
      conversation: step.conversation,
      scores: snapshot.ruleSet.scores,
      log,
    });
    log.info(
      { rules: decision.matched.map((r) => r.name), calls: step.calls.length, version: snapshot.version },
      decision.matched.length
        ? `matched ${decision.matched.map((r) => `"${r.name}"`).join(', ')}`
        : 'no rule matched',
    );
    log.debug({ text: item.kind === 'text' ? item.text.content : undefined }, 'customer text');
    d.onDecision?.(
      decisionEvent({
        item,
        decision,
        calls: step.calls,
        dropped: step.dropped,
        rulesVersion: snapshot.version,
        conversation: step.conversation,
        pending: step.pending,
      }),
    );
    logFittedTexts(step.calls, item, log);
    countDropped(step.dropped, metrics, log);
    await runPlan(d, item, stored, ctx, log);
  }
}
