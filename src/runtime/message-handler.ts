/**
 * One sync_msg item, from decoding to its recorded outcome:
 *
 *   dedupe (msgid) → decide (rules) → plan the calls → platform guards → record the plan and the
 *   customer's new state in one transaction → make the calls (each once) → mark it done.
 *
 * A message found `planned` (a crash or an unknown send outcome interrupted it) resumes from its
 * recorded plan instead of being decided again, so its client msgids, and therefore WeCom's
 * duplicate check, stay the same.
 */
import type { Logger } from 'pino';
import { emptyState } from '../rules/conversation-state.ts';
import type { Decision } from '../rules/decider.ts';
import { fileMedia } from '../rules/file-media.ts';
import { type Plan, type PlannedCall, planCalls } from '../rules/plan-calls.ts';
import type { Lease } from '../store/pull-work.ts';
import type { Conversation, Store } from '../store/store.ts';
import { ERRCODE } from '../wecom/error-codes.ts';
import type { KfApi } from '../wecom/kf-api.ts';
import { FAIL_TYPES, isCustomerMessage } from '../wecom/platform-enums.ts';
import type { SyncItem } from '../wecom/sync-item.ts';
import { nicknameFor, rulesUseNickname } from './customer-names.ts';
import type { LiveRules } from './live-rules.ts';
import type { MediaUploads } from './media-uploads.ts';
import type { KfbotMetrics } from './metrics.ts';
import { applyGuards, serviceStateAfter, serviceStateAfterCall } from './platform-guards.ts';
import type { SendExecutor } from './send-executor.ts';

export interface HandleContext {
  /** This pull started without a stored cursor: old history is recorded, not answered. */
  firstStart: boolean;
  /** The pull's ownership of the account, checked before every call to WeCom. */
  lease: Lease;
  /**
   * The msgid of this customer's newest message in the same pull page. WeCom resets its 5-message
   * quota when a customer message *arrives*, so replies to an older message count against the
   * newest one's allowance.
   */
  newestFromCustomer?: (externalUserId: string) => string | undefined;
}

interface StoredPlan {
  calls: PlannedCall[];
  dropped: Plan['dropped'];
}

/** What one decision was, for observers (the sandbox's explain panel, debugging tools). */
export interface DecisionEvent {
  item: SyncItem;
  decision: Decision;
  calls: PlannedCall[];
  dropped: Plan['dropped'];
  rulesVersion: number;
}

export interface MessageHandlerDeps {
  kf: KfApi;
  store: Store;
  rules: LiveRules;
  executor: SendExecutor;
  media: MediaUploads;
  metrics: KfbotMetrics;
  log: Logger;
  now: () => number;
  historyMaxAgeMs: number;
  /** Told about every decision, after it is recorded and before its calls are made. */
  onDecision?: (event: DecisionEvent) => void;
}

export class MessageHandler {
  constructor(private readonly d: MessageHandlerDeps) {}

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
    const existing = await store.getMessage(item.msgid);
    if (existing?.status === 'done' || existing?.status === 'skipped') {
      metrics.messages.inc({ kind: item.kind, outcome: 'duplicate' });
      log.debug('already handled');
      return;
    }
    if (existing?.status === 'planned' && existing.plan) {
      log.info('resuming a message whose replies were interrupted');
      await this.run(item, JSON.parse(existing.plan) as StoredPlan, ctx.lease, log);
      return;
    }
    await this.decideAndRun(item, ctx, log);
  }

  private async skip(item: SyncItem, note: string, outcome: string, log: Logger): Promise<void> {
    await this.d.store.recordMessage({
      msgid: item.msgid,
      openKfId: item.open_kfid,
      externalUserId: item.external_userid,
      status: 'skipped',
      note,
      createdAt: this.d.now(),
    });
    this.d.metrics.messages.inc({ kind: item.kind, outcome });
    log.info({ note }, 'recorded without a reply');
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
        `history from before kfbot's first start (${Math.round(ageMs / 1000)} s old)`,
        'history',
        log,
      );
      return;
    }
    if (item.kind === 'msg_send_fail') await this.reportSendFailure(item, log);

    const snapshot = this.d.rules.current;
    if (!snapshot) throw new Error('no valid rules loaded');
    const conversation = await this.conversation(item);
    const customerMessage = isCustomerMessage(item);
    if (customerMessage) {
      // §5: each customer message opens a new 5-message quota and a 48 h window — from the moment
      // WeCom has it, so the newest message kfbot knows of is the reset point. (send_time has
      // 1-second resolution, so messages are told apart by msgid, not by time.)
      const newest = ctx.newestFromCustomer?.(item.external_userid) ?? item.msgid;
      if (newest !== conversation.quotaSince) {
        conversation.quotaUsed = 0;
        conversation.quotaSince = newest;
      }
      conversation.lastCustomerAt = Math.max(conversation.lastCustomerAt ?? 0, item.send_time * 1000);
    }
    const stateBefore = conversation.state.service_state;
    let serviceState = serviceStateAfter(stateBefore, item);
    if (customerMessage && conversation.state.service_state === undefined) {
      serviceState = await this.askServiceState(item, log, serviceState);
    }
    if (serviceState === undefined) delete conversation.state.service_state;
    else conversation.state.service_state = serviceState;

    const nickname =
      item.external_userid && rulesUseNickname(snapshot.ruleSet)
        ? await nicknameFor(this.d.kf, conversation, item.external_userid, now(), log)
        : undefined;
    const started = performance.now();
    const decision = await snapshot.decider.decide(item, {
      state: conversation.state,
      now: now(),
      ...(nickname !== undefined && { nickname }),
    });
    metrics.decisionSeconds.observe((performance.now() - started) / 1000);
    for (const rule of decision.matched) metrics.ruleHits.inc({ rule: rule.name });
    if (customerMessage && decision.state.misses > conversation.state.misses) metrics.ruleMisses.inc();
    if (decision.skipped) {
      this.d.onDecision?.({ item, decision, calls: [], dropped: [], rulesVersion: snapshot.version });
      await this.skip(item, decision.skipped, 'skipped', log);
      // Even unanswered, a servicer's message says a human has the session now.
      if (item.external_userid && stateBefore !== serviceState) {
        await store.putConversation(item.open_kfid, item.external_userid, conversation);
      }
      return;
    }

    const mediaIds = await this.d.media.resolve(fileMedia(decision.actions));
    const plan = planCalls(item, decision, {
      ...(nickname !== undefined && { nickname }),
      mediaId: (m) => ('media_id' in m ? m.media_id : (mediaIds.get(m.absPath) ?? '')),
    });
    const guarded = applyGuards(plan, { item, conversation, rules: snapshot.byName, now: now() });
    const after: Conversation = {
      ...conversation,
      state: decision.state,
      quotaUsed: conversation.quotaUsed + guarded.quotaSpent,
    };
    const stored: StoredPlan = { calls: guarded.calls, dropped: guarded.dropped };
    const recorded = await store.recordMessage(
      {
        msgid: item.msgid,
        openKfId: item.open_kfid,
        externalUserId: item.external_userid,
        status: 'planned',
        plan: JSON.stringify(stored),
        createdAt: now(),
      },
      item.external_userid
        ? { openKfId: item.open_kfid, externalUserId: item.external_userid, value: after }
        : undefined,
    );
    if (!recorded) return; // another handler recorded it first
    log.info(
      { rules: decision.matched.map((r) => r.name), calls: guarded.calls.length, version: snapshot.version },
      decision.matched.length
        ? `matched ${decision.matched.map((r) => `"${r.name}"`).join(', ')}`
        : 'no rule matched',
    );
    log.debug({ text: item.kind === 'text' ? item.text.content : undefined }, 'customer text');
    this.d.onDecision?.({
      item,
      decision,
      calls: guarded.calls,
      dropped: guarded.dropped,
      rulesVersion: snapshot.version,
    });
    for (const d of guarded.dropped) {
      metrics.dropped.inc({ reason: d.reason.split(';')[0]?.slice(0, 60) ?? 'other' });
      log.warn({ rule: d.rule, step: d.step }, `reply of rule "${d.rule}" dropped: ${d.reason}`);
    }
    await this.run(item, stored, ctx.lease, log);
  }

  /** Makes the planned calls in order, then marks the message done. */
  private async run(item: SyncItem, plan: StoredPlan, lease: Lease, log: Logger): Promise<void> {
    const { store, metrics } = this.d;
    let serviceState = (await store.getConversation(item.open_kfid, item.external_userid))?.state
      .service_state;
    const before = serviceState;
    let refusedState = false;
    for (const call of plan.calls) {
      const result = await this.d.executor.execute(call, {
        inboundMsgid: item.msgid,
        openKfId: item.open_kfid,
        externalUserId: item.external_userid,
        lease,
        log,
      });
      if (result.status === 'sent') serviceState = serviceStateAfterCall(serviceState, call);
      if (result.errcode === ERRCODE.sessionStateForbidsSend) refusedState = true;
    }
    if (item.external_userid && (serviceState !== before || refusedState)) {
      const conversation =
        (await store.getConversation(item.open_kfid, item.external_userid)) ?? newConversation();
      // After a 95018 kfbot's idea of the session was wrong: ask WeCom next time.
      if (refusedState) delete conversation.state.service_state;
      else if (serviceState !== undefined) conversation.state.service_state = serviceState;
      await store.putConversation(item.open_kfid, item.external_userid, conversation);
    }
    await store.finishMessage(item.msgid, 'done');
    metrics.messages.inc({ kind: item.kind, outcome: 'answered' });
  }

  private async conversation(item: SyncItem): Promise<Conversation> {
    if (!item.external_userid) return newConversation();
    return (await this.d.store.getConversation(item.open_kfid, item.external_userid)) ?? newConversation();
  }

  private async askServiceState(
    item: SyncItem,
    log: Logger,
    fallback: Conversation['state']['service_state'],
  ) {
    try {
      const { service_state } = await this.d.kf.getServiceState({
        open_kfid: item.open_kfid,
        external_userid: item.external_userid,
      });
      return service_state;
    } catch (err) {
      log.warn({ err }, 'service_state/get failed; assuming the customer message opened a new session');
      return fallback;
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
  }
}

function newConversation(): Conversation {
  return { state: emptyState(), quotaUsed: 0 };
}
