/**
 * What kfbot does with one message, decided in one place. `kfbot serve` (MessageHandler),
 * `kfbot simulate` (dry-run.ts) and the sandbox's explain panel all call these functions, so they
 * cannot disagree; each front end only does the I/O around them (load, look up, record, execute).
 *
 * The step is pure: given the decoded item, the customer's conversation, the rules, the time and
 * what was looked up, it returns the decision, the planned calls with the platform guards applied,
 * what was dropped and why, and the *new* conversation. Nothing is mutated; nothing is awaited
 * but the rules engine. It has two halves because one lookup depends on the decision: the rules
 * pick the media files to send, which must be uploaded (I/O) before the calls can name their ids.
 *
 *   decideStep  → the decision and the conversation it was taken in (quota reset, service state)
 *   planStep    → the calls, guarded, the drops, and the conversation after the message
 *   afterCalls  → the conversation once the calls' outcomes are known (service state moves)
 */
import type { CallOutcome as BackendCallOutcome } from '../rules/call-model.ts';
import { type CallRequest, renderCallRequest } from '../rules/call-request.ts';
import { type Decider, type Decision, placeholderLookup } from '../rules/decider.ts';
import type { SemanticView } from '../rules/faq/semantic-fusion.ts';
import { type DroppedAction, type PlanContext, type PlannedCall, planCalls } from '../rules/plan-calls.ts';
import type { RuleModel } from '../rules/rule-model.ts';
import { ERRCODE } from '../wecom/error-codes.ts';
import { botMaySend, isCustomerMessage, type ServiceState } from '../wecom/platform-enums.ts';
import type { SyncItem } from '../wecom/sync-item.ts';
import type { Conversation } from './conversation.ts';
import { applyGuards, serviceStateAfter, serviceStateAfterCall } from './platform-guards.ts';
import { idleRules, markFired, silenceBegins, withSilence } from './silence.ts';

/** The rules as one snapshot (a hot reload swaps the whole thing). */
export interface StepRules {
  decider: Decider;
  byName: ReadonlyMap<string, RuleModel>;
}

/** What the front end looked up before deciding (serve asks WeCom; simulate its offline copy). */
export interface StepLookups {
  /** The customer's nickname for {{nickname}}. */
  nickname?: string | undefined;
  /** Set when the nickname was fetched just now (customer/batchget): the conversation caches it. */
  nicknameFetchedAt?: number;
  /**
   * The session's state by kf/service_state/get, asked only when `needsServiceState` says so; a
   * failed lookup leaves it out and the step assumes what the message implies.
   */
  serviceState?: ServiceState;
  /**
   * The msgid of this customer's newest message in the same pull page. WeCom resets its
   * 5-message quota when a customer message *arrives*, so replies to an older message count
   * against the newest one's allowance. Default: this message.
   */
  newestFromCustomer?: string;
  /** A semantic provider's similarities for a typed text (semantic/semantic-matcher.ts), if it answered in time. */
  semantic?: SemanticView | undefined;
}

/**
 * The lookups as a plan keeps them for the decision after a `call:` (stored-records.ts): JSON,
 * so a semantic view's scores are an array of entries there; `restoreLookups` turns them back.
 */
export function storableLookups(lookups: StepLookups): StepLookups {
  if (!lookups.semantic) return lookups;
  const { scores, ...rest } = lookups.semantic;
  return { ...lookups, semantic: { ...rest, scores: [...scores] as unknown as SemanticView['scores'] } };
}

export function restoreLookups(lookups: StepLookups): StepLookups {
  const scores: unknown = lookups.semantic?.scores;
  if (!lookups.semantic || !Array.isArray(scores)) return lookups;
  return { ...lookups, semantic: { ...lookups.semantic, scores: new Map(scores) } };
}

export interface StepInput {
  item: SyncItem;
  conversation: Conversation;
  rules: StepRules;
  /** Epoch ms: when kfbot handles the message — code ages, the 48 h window, time conditions. */
  now: number;
  /**
   * Epoch ms the rules' time conditions see, when not `now`: `kfbot simulate` decides a message
   * from a file by its own send_time while judging its codes' age at the real time.
   */
  decideAt?: number;
  lookups: StepLookups;
  /** What this message's calls came to so far (by callKey): the decision continues past them. */
  callOutcomes?: ReadonlyMap<string, BackendCallOutcome>;
}

export interface Decided {
  item: SyncItem;
  decision: Decision;
  /** The conversation the decision was taken in: quota reset, service state, nickname cached. */
  conversation: Conversation;
  nickname: string | undefined;
  now: number;
  rules: StepRules;
}

export interface StepResult {
  decision: Decision;
  /** The calls to make, in order, after the platform guards. */
  calls: PlannedCall[];
  /** Actions not carried out, each with the reason (a guard, or a missing code). */
  dropped: DroppedAction[];
  /** The customer's conversation after this message (before the calls' outcomes are known). */
  conversation: Conversation;
  /**
   * A call to the company's backend the decision stopped at: made after `calls`, its outcome
   * recorded, then the message is decided again with it for the actions that follow.
   */
  pending?: CallRequest;
}

/** Whether serve must ask WeCom for the session's state before deciding (it does not know it). */
export function needsServiceState(item: SyncItem, conversation: Conversation): boolean {
  return isCustomerMessage(item) && conversation.state.service_state === undefined;
}

/**
 * A customer message opens a session when it moves the state to 0 from anything else (ended, or
 * unknown and WeCom says 0, §7.1); with no session start known, the first customer message kfbot
 * sees stands in for it (a session older than kfbot, or than this field).
 */
function opensSession(item: SyncItem, before: Conversation, after: ServiceState | undefined): boolean {
  if (!isCustomerMessage(item)) return false;
  return (after === 0 && before.state.service_state !== 0) || before.sessionStartedAt === undefined;
}

/** The first half: the conversation as this message finds it, and the rules' decision. */
export async function decideStep(input: StepInput): Promise<Decided> {
  const { item, lookups, now } = input;
  const before = input.conversation;
  let conversation: Conversation = { ...before, state: { ...before.state } };
  if (isCustomerMessage(item)) {
    // §5: each customer message opens a new 5-message quota and a 48 h window — from the moment
    // WeCom has it, so the newest message kfbot knows of is the reset point. (send_time has
    // 1-second resolution, so messages are told apart by msgid, not by time.)
    const newest = lookups.newestFromCustomer ?? item.msgid;
    if (newest !== conversation.quotaSince)
      conversation = { ...conversation, quotaUsed: 0, quotaSince: newest };
    conversation.lastCustomerAt = Math.max(conversation.lastCustomerAt ?? 0, item.send_time * 1000);
  }
  let serviceState = serviceStateAfter(before.state.service_state, item);
  if (needsServiceState(item, before) && lookups.serviceState !== undefined)
    serviceState = lookups.serviceState;
  if (serviceState === undefined) delete conversation.state.service_state;
  else conversation.state.service_state = serviceState;
  if (opensSession(item, before, serviceState)) conversation.sessionStartedAt = item.send_time * 1000;
  const idle = idleRules(input.rules.decider.ruleSet);
  // The customer wrote, or the queue, a human or the end took the session: the silence is over.
  const botHolds = serviceState === undefined || botMaySend(serviceState);
  if (conversation.silence && (isCustomerMessage(item) || !botHolds))
    conversation = withSilence(conversation, undefined, idle);
  // An idle timer is spent once decided: recorded with the decision, it can never fire twice.
  if (item.kind === 'idle') conversation = markFired(conversation, item.idle.rule, idle);
  if (lookups.nicknameFetchedAt !== undefined) {
    conversation.nickname = lookups.nickname ?? '';
    conversation.nicknameAt = lookups.nicknameFetchedAt;
  }
  const decision = await input.rules.decider.decide(item, {
    state: conversation.state,
    now: input.decideAt ?? now,
    ...(lookups.nickname !== undefined && { nickname: lookups.nickname }),
    ...(lookups.semantic && { semantic: lookups.semantic }),
    ...(input.callOutcomes && { callOutcomes: input.callOutcomes }),
  });
  return { item, decision, conversation, nickname: lookups.nickname, now, rules: input.rules };
}

/** The second half: the calls that carry the decision out, guarded, and the new conversation. */
export function planStep(decided: Decided, mediaId: PlanContext['mediaId']): StepResult {
  const { item, decision, conversation, now } = decided;
  if (decision.skipped) return { decision, calls: [], dropped: [], conversation };
  const plan = planCalls(item, decision, {
    ...(decided.nickname !== undefined && { nickname: decided.nickname }),
    mediaId,
  });
  const guarded = applyGuards(plan, { item, conversation, rules: decided.rules.byName, now });
  const pending = decision.pendingCall;
  return {
    decision,
    calls: guarded.calls,
    dropped: guarded.dropped,
    ...(pending && {
      pending: renderCallRequest(
        item.msgid,
        pending.rule.name,
        pending.step,
        pending.call,
        placeholderLookup(decision.facts, decided.nickname, pending.scope),
      ),
    }),
    conversation: {
      ...conversation,
      state: decision.state,
      quotaUsed: conversation.quotaUsed + guarded.quotaSpent,
    },
  };
}

export interface CallOutcome {
  call: PlannedCall;
  /** `dropped`: not made: its event code would have expired on the way, or WeCom would refuse its body. */
  status: 'sent' | 'refused' | 'dropped';
  errcode?: number;
}

/**
 * The conversation once the calls have run: a sent send_msg moves a new session to the bot
 * (§5), a transfer to where it moved it; after a 95018 kfbot's idea of the session was wrong, so
 * it forgets it and asks WeCom next time.
 */
export function afterCalls(
  conversation: Conversation,
  outcomes: readonly CallOutcome[],
  ctx: { item: SyncItem; rules: StepRules; now: number },
): Conversation {
  let state = conversation.state.service_state;
  for (const o of outcomes) {
    if (o.status === 'sent') state = serviceStateAfterCall(state, o.call);
    // WeCom would not end it from the bot's state (§7.1 ⚠): the bot is done with it all the same.
    else if (refusedEnd(o)) state = 4;
  }
  const refused = outcomes.some((o) => o.errcode === ERRCODE.sessionStateForbidsSend);
  // The bot reached the customer in a session it holds: a silence begins (not for an idle rule's
  // own message, which must not push the later idle rules back). Left to a human: it ends.
  const reached = outcomes.some((o) => o.status === 'sent' && reachesCustomer(o.call));
  const holds = state === undefined || botMaySend(state);
  const idle = idleRules(ctx.rules.decider.ruleSet);
  let silenced = conversation;
  if (!holds && conversation.silence) silenced = withSilence(conversation, undefined, idle);
  else if (holds && reached && ctx.item.kind !== 'idle' && state !== undefined)
    silenced = silenceBegins(conversation, ctx.now, idle);
  if (!refused && state === conversation.state.service_state && silenced === conversation)
    return conversation;
  const next = { ...silenced, state: { ...conversation.state } };
  if (refused || state === undefined) delete next.state.service_state;
  else next.state.service_state = state;
  return next;
}

/** A transfer to "ended" WeCom refused as a transition it does not allow (95016). */
export function refusedEnd(o: CallOutcome): boolean {
  return (
    o.status === 'refused' &&
    o.errcode === ERRCODE.stateChangeNotAllowed &&
    o.call.api === 'kf/service_state/trans' &&
    o.call.body.service_state === 4
  );
}

/** Whether a successful call put a message in front of the customer. */
function reachesCustomer(call: PlannedCall): boolean {
  return call.api !== 'kf/service_state/trans' || call.notice !== undefined;
}
