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
 */
import type { Logger } from 'pino';
import { type Conversation, newConversation } from '../conversation/conversation.ts';
import {
  afterCalls,
  type CallOutcome,
  type Decided,
  decideStep,
  needsServiceState,
  planStep,
  refusedEnd,
  restoreLookups,
  type StepLookups,
  storableLookups,
} from '../conversation/conversation-step.ts';
import { codeExpiry } from '../conversation/platform-guards.ts';
import { type CallOutcome as BackendCallOutcome, callKey } from '../rules/call-model.ts';
import type { CallRequest } from '../rules/call-request.ts';
import type { Decision } from '../rules/decider.ts';
import { faqOutcome } from '../rules/faq-step.ts';
import { fileMedia } from '../rules/file-media.ts';
import type { Plan, PlannedCall } from '../rules/plan-calls.ts';
import { rulesUseNickname } from '../rules/rules-use-nickname.ts';
import type { Lease } from '../store/pull-work.ts';
import type { MessageRecord, Store } from '../store/store.ts';
import { decodePlan, encodePlan, type PendingCall, type StoredPlan } from '../store/stored-records.ts';
import { ERRCODE } from '../wecom/error-codes.ts';
import type { KfApi } from '../wecom/kf-api.ts';
import { FAIL_TYPES, isCustomerMessage, type ServiceState } from '../wecom/platform-enums.ts';
import type { SyncItem } from '../wecom/sync-item.ts';
import { ActivityRecorder } from './activity-recorder.ts';
import type { CallRunner } from './call-runner.ts';
import { lookUpNickname, type PageNickname } from './customer-names.ts';
import { logFittedTexts } from './fitted-texts.ts';
import type { LiveRules } from './live-rules.ts';
import type { MediaUploads } from './media-uploads.ts';
import type { KfbotMetrics } from './metrics.ts';
import type { SemanticLookup } from './semantic-lookup.ts';
import type { SendExecutor } from './send-executor.ts';
import { readOrSetAside } from './set-aside.ts';

export interface HandleContext {
  /**
   * This pull reads without a cursor (kfbot's first start, or WeCom refused the stored one): old
   * history kfbot has no record of is recorded, not answered.
   */
  firstStart: boolean;
  /** The pull's ownership of the account, checked before every call to WeCom. */
  lease: Lease;
  /**
   * The msgid of this customer's newest message in the same pull page. WeCom resets its 5-message
   * quota when a customer message *arrives*, so replies to an older message count against the
   * newest one's allowance.
   */
  newestFromCustomer?: (externalUserId: string) => string | undefined;
  /** What the page's batch lookup found for this customer (undefined: it did not ask). */
  nickname?: (externalUserId: string) => PageNickname | undefined;
  /**
   * Where a message that reached a backend call finishes: the call and what follows it run later,
   * on the customer's own chain (account-backlog.ts), once the message is recorded with its
   * pending call. Without it, the call is made inline.
   */
  defer?: (work: () => Promise<void>) => void;
}

/** What one decision was, for observers (the sandbox's explain panel, debugging tools). */
export interface DecisionEvent {
  item: SyncItem;
  decision: Decision;
  calls: PlannedCall[];
  dropped: Plan['dropped'];
  rulesVersion: number;
  /** The customer's session after the decision (Conversation.sessionStartedAt), for the session log. */
  sessionStartedAt?: number;
  /**
   * A backend call the decision stopped at (made next). After it, the message is decided again
   * and observers hear the whole decision once more, with decision.calls holding the outcomes.
   */
  pending?: CallRequest;
  /** The backend call just made (the decision after it): its request, outcome and what ran next. */
  made?: { request: CallRequest; outcome: BackendCallOutcome };
}

export interface MessageHandlerDeps {
  kf: KfApi;
  /** Makes rules' `call:` actions (the company's own backends). */
  calls: CallRunner;
  store: Store;
  rules: LiveRules;
  /** The semantic provider's view of typed texts, when one is set (semantic-lookup.ts). */
  semantic?: SemanticLookup;
  executor: SendExecutor;
  media: MediaUploads;
  metrics: KfbotMetrics;
  log: Logger;
  now: () => number;
  historyMaxAgeMs: number;
  /** How long unanswered customer texts are kept (KFBOT_UNANSWERED_RETENTION); 0: not recorded. */
  unansweredRetentionMs: number;
  /** Told about every decision, after it is recorded and before its calls are made. */
  onDecision?: (event: DecisionEvent) => void;
}

/** How long before an event code expires kfbot stops trying to use it (the request's trip). */
const CODE_SAFETY_MS = 1000;

export class MessageHandler {
  /** For the reports: rule outcomes, satisfaction scores, session ends. */
  private readonly activity: ActivityRecorder;

  constructor(private readonly d: MessageHandlerDeps) {
    this.activity = new ActivityRecorder(d.store.activity, d.now);
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
      await this.run(item, plan, ctx, log);
      return;
    }
    await this.decideAndRun(item, ctx, log);
  }

  /** Records the item as handled without a reply, with the customer's new conversation if given. */
  private async skip(
    item: SyncItem,
    note: string,
    outcome: string,
    log: Logger,
    conversation?: Conversation,
  ): Promise<void> {
    await this.d.store.recordMessage(
      {
        msgid: item.msgid,
        openKfId: item.open_kfid,
        externalUserId: item.external_userid,
        status: 'skipped',
        note,
        createdAt: this.d.now(),
      },
      conversation && { openKfId: item.open_kfid, externalUserId: item.external_userid, value: conversation },
    );
    this.d.metrics.messages.inc({ kind: item.kind, outcome });
    log.info({ note }, 'recorded without a reply');
  }

  /** For `kfbot report unanswered`; a failure here must not keep the customer from an answer. */
  private async recordUnanswered(
    item: SyncItem,
    unanswered: NonNullable<Decision['unanswered']>,
    log: Logger,
  ): Promise<void> {
    this.d.metrics.unanswered.inc();
    if (this.d.unansweredRetentionMs <= 0) return;
    try {
      await this.d.store.recordUnanswered({
        openKfId: item.open_kfid,
        text: unanswered.text,
        example: unanswered.example,
        at: this.d.now(),
        candidates: unanswered.candidates
          .slice(0, 3)
          .map((c) => ({ id: c.id, score: c.score, question: c.question })),
      });
    } catch (err) {
      log.warn({ err: (err as Error).message }, 'could not record an unanswered question');
    }
  }

  /** A click on an item a 猜你想问 menu offered: what the customer meant by the text, for the report. */
  private async recordChoice(
    item: SyncItem,
    chose: NonNullable<Decision['chose']>,
    log: Logger,
  ): Promise<void> {
    if (this.d.unansweredRetentionMs <= 0) return;
    try {
      await this.d.store.recordChoice({ openKfId: item.open_kfid, text: chose.text, item: chose.item });
    } catch (err) {
      log.warn({ err: (err as Error).message }, 'could not record what a customer chose from 猜你想问');
    }
  }

  private async decideAndRun(item: SyncItem, ctx: HandleContext, log: Logger): Promise<void> {
    const { store, metrics, now } = this.d;
    if (item.kind === 'unknown') {
      log.warn({ reason: item.reason }, 'kfbot cannot decode this item; recorded raw, no reply');
      log.debug({ raw: item.raw }, 'undecodable item');
      await this.skip(item, item.reason, 'unknown', log);
      return;
    }
    const ageMs = now() - item.send_time * 1000;
    if (ctx.firstStart && ageMs > this.d.historyMaxAgeMs) {
      await this.skip(
        item,
        `history read without a cursor (first start or a refused cursor), ${Math.round(ageMs / 1000)} s old`,
        'history',
        log,
      );
      return;
    }

    // Load and look up; the step itself (conversation-step.ts) decides.
    const snapshot = this.d.rules.current;
    if (!snapshot) throw new Error('no valid rules loaded');
    const known = item.external_userid ? await this.conversationOrSetAside(item) : undefined;
    const conversation = known ?? newConversation();
    const newest = ctx.newestFromCustomer?.(item.external_userid);
    const lookups: StepLookups = {
      ...(newest !== undefined && { newestFromCustomer: newest }),
      ...(item.external_userid &&
        rulesUseNickname(snapshot.ruleSet) &&
        (await lookUpNickname(
          this.d.kf,
          conversation,
          item.external_userid,
          now(),
          log,
          ctx.nickname?.(item.external_userid),
        ))),
    };
    // kfbot sees every item of the account since its first pull, so a customer it has never seen
    // opens a new session (4 → 0, §7.1) and needs no service_state/get: that call would cost a
    // round trip and the budget for every new customer. It asks only where it cannot know — on a
    // first start (sessions older than kfbot), and after WeCom refused a send with 95018 (the
    // state was not what kfbot thought: a servicer was assigned by WeCom, not by an event).
    // A wrong guess costs one refused send, logged, and kfbot asks next time.
    const stateUnknown = known !== undefined || ctx.firstStart;
    if (needsServiceState(item, conversation) && stateUnknown) {
      const state = await this.askServiceState(item, log);
      if (state !== undefined) lookups.serviceState = state;
    }
    // Within its own deadline; undefined (the lexical decision stands) when off or failing.
    const semantic = await this.d.semantic?.view(snapshot.ruleSet, item);
    if (semantic) lookups.semantic = semantic;
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
      this.d.onDecision?.({
        item,
        decision,
        calls: [],
        dropped: [],
        rulesVersion: snapshot.version,
        ...(decided.conversation.sessionStartedAt !== undefined && {
          sessionStartedAt: decided.conversation.sessionStartedAt,
        }),
      });
      // Even unanswered, a servicer's message says a human has the session now (and ends a silence);
      // a spent idle timer stays spent. Recorded with the skip, in one write.
      const after = decided.conversation;
      const changed =
        after.state.service_state !== conversation.state.service_state ||
        after.idleDueAt !== conversation.idleDueAt ||
        after.silence !== conversation.silence;
      await this.skip(
        item,
        decision.skipped,
        'skipped',
        log,
        item.external_userid && changed ? after : undefined,
      );
      return;
    }

    const step = await this.plan(decided);
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
    // Once per event, like the decision: a redelivered msg_send_fail is not counted twice.
    if (item.kind === 'msg_send_fail') await this.reportSendFailure(item, log);
    if (decision.unanswered) await this.recordUnanswered(item, decision.unanswered, log);
    if (decision.chose) await this.recordChoice(item, decision.chose, log);
    await this.activity.decided(item, decision, step.conversation, snapshot.ruleSet.scores, log);
    log.info(
      { rules: decision.matched.map((r) => r.name), calls: step.calls.length, version: snapshot.version },
      decision.matched.length
        ? `matched ${decision.matched.map((r) => `"${r.name}"`).join(', ')}`
        : 'no rule matched',
    );
    log.debug({ text: item.kind === 'text' ? item.text.content : undefined }, 'customer text');
    this.d.onDecision?.({
      item,
      decision,
      calls: step.calls,
      dropped: step.dropped,
      rulesVersion: snapshot.version,
      ...(step.conversation.sessionStartedAt !== undefined && {
        sessionStartedAt: step.conversation.sessionStartedAt,
      }),
      ...(step.pending && { pending: step.pending }),
    });
    logFittedTexts(step.calls, item, log);
    this.countDropped(step.dropped, log);
    await this.run(item, stored, ctx, log);
  }

  private countDropped(dropped: Plan['dropped'], log: Logger): void {
    for (const d of dropped) {
      this.d.metrics.dropped.inc({ reason: d.reason.split(';')[0]?.slice(0, 60) ?? 'other' });
      log.warn({ rule: d.rule, step: d.step }, `reply of rule "${d.rule}" dropped: ${d.reason}`);
    }
  }

  /** The decision's calls: media uploaded (or found) first, so the calls can name their ids. */
  private async plan(decided: Decided) {
    const mediaIds = await this.d.media.resolve(fileMedia(decided.decision.actions));
    return planStep(decided, (m) => ('media_id' in m ? m.media_id : (mediaIds.get(m.absPath) ?? '')));
  }

  /**
   * Makes the backend call a plan stopped at, records its outcome, decides the message again from
   * what the first decision saw plus the outcomes, and records the plan with the actions that
   * follow the call (and the customer's conversation) in one write. The calls already in the plan
   * keep their steps and client msgids: the decision up to the call is the same.
   */
  private async continueAfterCall(
    item: SyncItem,
    plan: StoredPlan,
    pending: PendingCall,
    lease: Lease,
    log: Logger,
  ): Promise<StoredPlan | undefined> {
    const { request, resume } = pending;
    const outcome = await this.d.calls.run(request, {
      inboundMsgid: item.msgid,
      openKfId: item.open_kfid,
      externalUserId: item.external_userid,
      lease,
      log,
    });
    const outcomes = { ...resume.outcomes, [callKey(request.rule, request.name)]: outcome };
    const snapshot = this.d.rules.current;
    if (!snapshot) throw new Error('no valid rules loaded');
    const decided = await decideStep({
      item,
      conversation: resume.conversation,
      rules: snapshot,
      now: resume.now,
      ...(resume.decideAt !== undefined && { decideAt: resume.decideAt }),
      lookups: restoreLookups(resume.lookups),
      callOutcomes: new Map(Object.entries(outcomes)),
    });
    const step = await this.plan(decided);
    const later = <T extends { step: number }>(x: T) => x.step > request.step;
    // A next call must come after this one (rules reloaded in between could say otherwise).
    const next = step.pending && step.pending.step > request.step ? step.pending : undefined;
    const replanned: StoredPlan = {
      calls: [...plan.calls, ...step.calls.filter(later)],
      dropped: [...plan.dropped, ...step.dropped.filter(later)],
      ...(next && { pending: { request: next, resume: { ...resume, outcomes } } }),
    };
    const written = await this.d.store.replanMessage(
      item.msgid,
      encodePlan(replanned),
      item.external_userid
        ? { openKfId: item.open_kfid, externalUserId: item.external_userid, value: step.conversation }
        : undefined,
    );
    if (!written) return undefined; // finished meanwhile by another handler
    // `kfbot report rules` counts a failed call as a miss of its rule (once: after the write above).
    const run = decided.decision.calls.find((c) => c.rule === request.rule && c.call === request.name);
    if (run && (run.branch === 'on_error' || run.branch === 'skipped'))
      await this.activity.callFailed(item, request.rule, log);
    this.d.onDecision?.({
      item,
      decision: decided.decision,
      calls: replanned.calls,
      dropped: replanned.dropped,
      rulesVersion: snapshot.version,
      ...(next && { pending: next }),
      made: { request, outcome },
      ...(step.conversation.sessionStartedAt !== undefined && {
        sessionStartedAt: step.conversation.sessionStartedAt,
      }),
    });
    logFittedTexts(step.calls.filter(later), item, log);
    this.countDropped(step.dropped.filter(later), log);
    return replanned;
  }

  /**
   * Makes the planned calls in order — and a backend call the plan stopped at, then the calls
   * planned from its outcome — then marks the message done. With `ctx.defer`, the backend call and
   * everything after it are handed over once the calls before it are made: the message is already
   * recorded `planned` with its pending call, so a restart finds it and resumes it.
   */
  private async run(
    item: SyncItem,
    first: StoredPlan,
    ctx: Pick<HandleContext, 'lease' | 'defer'>,
    log: Logger,
    made = 0,
    outcomes: CallOutcome[] = [],
  ): Promise<void> {
    const { store, metrics } = this.d;
    const { lease, defer } = ctx;
    const expiry = codeExpiry(item);
    let plan: StoredPlan | undefined = first;
    while (plan) {
      for (const call of plan.calls.slice(made)) {
        const stop = call.api === 'kf/send_msg' ? outcomes.find(stopsSending) : undefined;
        if (stop) {
          // §9.10: the same answer awaits every further send_msg for this message.
          outcomes.push({ call, status: 'dropped' });
          this.d.metrics.dropped.inc({ reason: `send_msg refused with ${stop.errcode}` });
          log.warn(
            { rule: call.rule, step: call.step, errcode: stop.errcode },
            `reply of rule "${call.rule}" not sent: WeCom refused an earlier reply to this message with ${stop.errcode}, and would refuse this one too`,
          );
          continue;
        }
        outcomes.push(
          await this.d.executor.execute(call, {
            inboundMsgid: item.msgid,
            openKfId: item.open_kfid,
            externalUserId: item.external_userid,
            lease,
            log,
            // A second before the code's expiry: the request must still reach WeCom in time.
            ...(expiry !== undefined && { codeDeadline: expiry - CODE_SAFETY_MS }),
          }),
        );
      }
      made = plan.calls.length;
      if (!plan.pending) break;
      if (defer) {
        const current = plan;
        const done = made;
        defer(() => this.run(item, current, { lease }, log, done, outcomes));
        return;
      }
      plan = await this.continueAfterCall(item, plan, plan.pending, lease, log);
      if (!plan) return;
    }
    if (outcomes.some(refusedEnd))
      log.warn(
        'WeCom refused to end the session from its current state (95016); kfbot records it as ended on its side and stops acting in it',
      );
    if (item.external_userid) {
      // Read again: the record is the one this message's plan wrote, or newer after a resume.
      const conversation = (await this.conversationOrSetAside(item)) ?? newConversation();
      const rules = this.d.rules.current;
      const after = rules
        ? afterCalls(conversation, outcomes, { item, rules, now: this.d.now() })
        : conversation;
      if (after !== conversation) await store.putConversation(item.open_kfid, item.external_userid, after);
    }
    await store.finishMessage(item.msgid, 'done');
    await this.activity.called(item, plan, outcomes, log);
    metrics.messages.inc({ kind: item.kind, outcome: 'answered' });
  }

  /** The stored conversation; an unreadable one is set aside and the customer starts afresh. */
  private conversationOrSetAside(item: SyncItem): Promise<Conversation | undefined> {
    return readOrSetAside(
      this.d.store,
      this.d.log.child({ open_kfid: item.open_kfid }),
      () => this.d.store.getConversation(item.open_kfid, item.external_userid),
      () => undefined,
    );
  }

  /** kf/service_state/get; undefined if it failed (the step then assumes a new session). */
  private async askServiceState(item: SyncItem, log: Logger): Promise<ServiceState | undefined> {
    try {
      const { service_state } = await this.d.kf.getServiceState({
        open_kfid: item.open_kfid,
        external_userid: item.external_userid,
      });
      return service_state;
    } catch (err) {
      log.warn({ err }, 'service_state/get failed; assuming the customer message opened a new session');
      return undefined;
    }
  }

  private async reportSendFailure(item: SyncItem & { kind: 'msg_send_fail' }, log: Logger): Promise<void> {
    const { fail_msgid, fail_type } = item.event;
    this.d.metrics.sendFailures.inc({ fail_type: String(fail_type) });
    const send = await this.d.store.getSend(fail_msgid);
    log.warn(
      {
        fail_msgid,
        fail_type,
        reason: FAIL_TYPES[fail_type] ?? 'unknown',
        ...(send && { rule: send.rule, inbound_msgid: send.inboundMsgid, api: send.api }),
      },
      send
        ? `a reply of rule "${send.rule}" did not reach the customer: ${FAIL_TYPES[fail_type] ?? 'unknown'}`
        : `a message kfbot does not know did not reach the customer: ${FAIL_TYPES[fail_type] ?? 'unknown'}`,
    );
    if (send) await this.activity.sendFailed(item, send.rule, log);
  }
}

/**
 * A send_msg refusal that every later send_msg for the same customer message meets too (§9.10
 * "Handle 95001/95002 as stop sending"; §9.9 95018: the session state forbids sending).
 */
const STOP_SENDING: ReadonlySet<number> = new Set([
  ERRCODE.sendQuotaUsedUp,
  ERRCODE.sendWindowClosed,
  ERRCODE.sessionStateForbidsSend,
]);

function stopsSending(o: CallOutcome): boolean {
  return (
    o.call.api === 'kf/send_msg' &&
    o.status === 'refused' &&
    o.errcode !== undefined &&
    STOP_SENDING.has(o.errcode)
  );
}
