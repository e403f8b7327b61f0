/**
 * One message through kfbot's own conversation step with no network: decode it, make the lookups
 * serve makes (the nickname, the session's state), decide, plan the exact calls with the platform
 * guards applied (conversation-step.ts, the functions `kfbot serve` runs), and ask an in-process
 * copy of the WeCom simulator what WeCom would answer to exactly those requests. The item's own
 * welcome_code / msg_code are the codes sent, and the offline WeCom holds them as issued at the
 * item's send_time, so it accepts them while they are live. `kfbot simulate` prints the report;
 * the examples under examples/ are dry runs.
 */

import { Blob } from 'node:buffer';
import { readFileSync } from 'node:fs';
import { basename } from 'node:path';
import {
  type Conversation,
  newConversation,
  nicknameFresh,
  type Silence,
} from '../conversation/conversation.ts';
import {
  afterCalls,
  decideStep,
  needsServiceState,
  planStep,
  type CallOutcome as StepCallOutcome,
  type StepLookups,
} from '../conversation/conversation-step.ts';
import { type IdleRule, idleItem } from '../conversation/silence.ts';
import { type CallOutcome as BackendCallOutcome, type CallBranch, callKey } from '../rules/call-model.ts';
import type { CallRequest } from '../rules/call-request.ts';
import { type ConversationState, emptyState } from '../rules/conversation-state.ts';
import { Decider, type Decision } from '../rules/decider.ts';
import type { SemanticView } from '../rules/faq/semantic-fusion.ts';
import { fileMedia } from '../rules/file-media.ts';
import type { DroppedAction, PlannedCall } from '../rules/plan-calls.ts';
import type { RuleSet } from '../rules/rule-model.ts';
import { rulesUseNickname } from '../rules/rules-use-nickname.ts';
import { ManualClock, MINUTE } from '../simulator/clock.ts';
import type { EventCodeKind } from '../simulator/event-codes.ts';
import { OfflineWeCom } from '../simulator/offline-wecom.ts';
import { onCustomerMessage, setState } from '../simulator/session.ts';
import { isObject, type JsonObject } from '../wecom/json-reader.ts';
import { MENU_CLICK_OPENS_SEND_WINDOW } from '../wecom/platform-choices.ts';
import { isServiceState, SESSION_CHANGE, type ServiceState } from '../wecom/platform-enums.ts';
import { decodeSyncItem, type SyncItem } from '../wecom/sync-item.ts';

export const DRY_RUN_ACCOUNT = 'wkDryRunAccount';
export const DRY_RUN_CUSTOMER = 'wmDryRunCustomer';
const SERVICER = 'zhangsan';

export interface DryRunInput {
  /** A sync_msg msg_list item, exactly as WeCom sends it. */
  item: JsonObject;
  /** The customer's conversation state before the message. */
  state?: Partial<ConversationState>;
  /** The session's service state before the message; default: unknown to kfbot (serve asks WeCom). */
  serviceState?: ServiceState;
  nickname?: string;
  /** The silence the customer is in (idle rules), carried from an earlier step. */
  silence?: Silence;
  /**
   * Epoch ms: when kfbot handles the message. Default: time conditions see the item's own
   * send_time and code ages are judged at `now` (a code from last year is expired).
   */
  at?: number;
  /** The real clock, for the default above. */
  now?: () => number;
  /** A semantic provider's view of the typed text (`kfbot simulate --semantic`), asked for beforehand. */
  semantic?: SemanticView;
  /**
   * Answers a rule's `call:` (a fixture, or the real backend). Without it a call is shown but not
   * made, and the actions after it are not planned.
   */
  backend?: BackendCalls;
}

/** What a `call:` came to, for a dry run: from a fixture, or from making it; undefined: not made. */
export type BackendCalls = (request: CallRequest) => Promise<BackendCallOutcome | undefined>;

/** A `call:` the dry run reached: the request (env values redacted), and its outcome if it was answered. */
export interface BackendCallReport {
  request: CallRequest;
  outcome?: BackendCallOutcome;
  /** Which actions ran after it (from the final decision). */
  branch?: CallBranch;
}

export interface CallOutcome {
  api: string;
  /** The rule whose action made the call ('' for a media upload). */
  rule: string;
  request: JsonObject;
  response: JsonObject;
  accepted: boolean;
  /** How plan-calls.ts fitted a long text: one message of several, or an event text cut short. */
  fitted?: string;
}

/** A part of a text sent as several messages, or an event text cut short (plan-calls.ts). */
function fittedText(call: PlannedCall): string | undefined {
  if (call.api === 'kf/send_msg' && call.part)
    return `message ${call.part.index} of ${call.part.of} of a ${call.part.bytes}-byte text`;
  const from = call.api === 'kf/send_msg_on_event' ? call.shortenedFrom : undefined;
  return from === undefined ? undefined : `a ${from}-byte text cut to 2048 bytes with …`;
}

/** A request serve makes before deciding, to learn what the step needs (not a planned call). */
export interface LookupOutcome {
  api: 'kf/customer/batchget' | 'kf/service_state/get';
  /** What it looks up: the customer's nickname for {{nickname}}, or the session's state. */
  looksUp: 'nickname' | 'service_state';
  request: JsonObject;
  response: JsonObject;
  /** False when WeCom refused it: serve goes on without it, as the step then does. */
  answered: boolean;
}

export interface DryRunReport {
  item: SyncItem;
  /** What serve asks WeCom before deciding, in its order, with the answers. */
  lookups: LookupOutcome[];
  decision: Decision;
  stateBefore: ConversationState;
  calls: CallOutcome[];
  dropped: DroppedAction[];
  /** The calls the conversation step planned: exactly what serve would send, in order. */
  planned: PlannedCall[];
  /** The customer's conversation after the message and its calls, as serve would record it. */
  conversation: Conversation;
  /** The rules' `call:` actions reached, in order. */
  backendCalls: BackendCallReport[];
  /** True when every planned call would be accepted and no action was dropped. */
  ok: boolean;
}

function stringAt(obj: JsonObject, key: string): string | undefined {
  const v = obj[key];
  return typeof v === 'string' && v !== '' ? v : undefined;
}

/**
 * Brings the offline world to where WeCom is when this message reaches kfbot: the account, the
 * customer, the session in the given state (then moved by the message, as WeCom moves it), and
 * the item's own event codes held as issued at its send_time.
 */
function prepareWorld(wecom: OfflineWeCom, raw: JsonObject, input: DryRunInput): void {
  const event = isObject(raw.event) ? raw.event : undefined;
  const openKfId = stringAt(raw, 'open_kfid') ?? (event && stringAt(event, 'open_kfid')) ?? DRY_RUN_ACCOUNT;
  const externalUserId =
    stringAt(raw, 'external_userid') ?? (event && stringAt(event, 'external_userid')) ?? DRY_RUN_CUSTOMER;
  wecom.addAccount(openKfId);
  wecom.addServicer(SERVICER);
  const world = wecom.world;
  const customer = world.ensureCustomer(externalUserId);
  if (input.nickname !== undefined) customer.nickname = input.nickname;
  const session = world.session(openKfId, externalUserId);
  const sentAt = Number(raw.send_time) * 1000;
  const adopt = (code: unknown, kind: EventCodeKind) => {
    if (typeof code === 'string' && code !== '') world.codes.adopt(code, kind, session, sentAt);
  };
  const before = input.serviceState;
  const place = (state: ServiceState) => setState(session, state, state === 3 ? SERVICER : undefined);

  if (raw.msgtype !== 'event' && (raw.origin ?? 3) === 3) {
    // The session as it was, then the customer's message moves it as WeCom does (4 → 0) and
    // opens the 5-message quota and the 48 h window.
    if (before !== undefined && before !== 4) {
      onCustomerMessage(session, sentAt - MINUTE, true);
      place(before);
    }
    const menuClick = isObject(raw.text) && typeof raw.text.menu_id === 'string';
    onCustomerMessage(session, sentAt, !menuClick || MENU_CLICK_OPENS_SEND_WINDOW);
  } else if (event?.event_type === 'enter_session') {
    if (before !== undefined) place(before);
    adopt(event.welcome_code, 'welcome');
  } else if (event?.event_type === 'session_status_change') {
    // The customer wrote a minute before; then the change the event reports.
    onCustomerMessage(session, sentAt - MINUTE, true);
    const change = event.change_type;
    if (change === SESSION_CHANGE.ended) {
      place(3);
      setState(session, 4, undefined, 'servicer');
      adopt(event.msg_code, 'closing');
    } else {
      place(3);
      if (change === SESSION_CHANGE.from_queue) adopt(event.msg_code, 'reply');
    }
  } else if (before !== undefined) {
    place(before);
  }
}

export async function dryRun(ruleSet: RuleSet, input: DryRunInput): Promise<DryRunReport> {
  const now = input.at ?? (input.now ?? Date.now)();
  const raw: JsonObject = structuredClone(input.item);
  const sendTime = typeof raw.send_time === 'number' ? raw.send_time : Math.floor(now / 1000);
  raw.send_time = sendTime;
  const decideAt = input.at ?? sendTime * 1000;
  const wecom = new OfflineWeCom(new ManualClock(now));
  prepareWorld(wecom, raw, input);
  const item = decodeSyncItem(raw);

  const conversation: Conversation = {
    ...newConversation(),
    state: {
      ...emptyState(),
      ...input.state,
      ...(input.serviceState !== undefined && { service_state: input.serviceState }),
    },
  };
  if (input.silence) conversation.silence = input.silence;
  const session = wecom.world.findSession(item.open_kfid, item.external_userid);
  if (session?.lastCustomerMessageAt !== undefined && !(raw.msgtype !== 'event' && raw.origin === 3))
    conversation.lastCustomerAt = session.lastCustomerMessageAt;
  return runStep(ruleSet, wecom, item, conversation, now, decideAt, input.semantic, input.backend);
}

/**
 * An idle rule's timer firing for the dry-run customer (`wait:` in conversation tests): the item
 * serve would make at `at` in this conversation's silence, through the same step, against an
 * offline WeCom whose session is where the conversation says (window, quota, state).
 */
export async function dryRunIdle(
  ruleSet: RuleSet,
  input: { conversation: Conversation; rule: IdleRule; at: number; backend?: BackendCalls },
): Promise<DryRunReport> {
  const { conversation, rule, at } = input;
  if (!conversation.silence) throw new Error('dryRunIdle needs a conversation in a silence');
  const wecom = new OfflineWeCom(new ManualClock(at));
  wecom.addAccount(DRY_RUN_ACCOUNT);
  wecom.addServicer(SERVICER);
  wecom.world.ensureCustomer(DRY_RUN_CUSTOMER);
  const session = wecom.world.session(DRY_RUN_ACCOUNT, DRY_RUN_CUSTOMER);
  if (conversation.lastCustomerAt !== undefined)
    onCustomerMessage(session, conversation.lastCustomerAt, true);
  session.quota = Math.max(0, session.quota - conversation.quotaUsed);
  const state = conversation.state.service_state;
  if (state !== undefined) setState(session, state, state === 3 ? SERVICER : undefined);
  const item = idleItem(DRY_RUN_ACCOUNT, DRY_RUN_CUSTOMER, rule, conversation.silence);
  return runStep(ruleSet, wecom, item, conversation, at, at, undefined, input.backend);
}

/**
 * The step serve takes for one item, with the offline WeCom answering its lookups and calls. A
 * `call:` is answered by `backend`, and the message decided again with its outcome, as serve does
 * (continue-after-call.ts): the calls planned before it are made first, then those after it.
 */
async function runStep(
  ruleSet: RuleSet,
  wecom: OfflineWeCom,
  item: SyncItem,
  conversation: Conversation,
  now: number,
  decideAt: number,
  semantic: SemanticView | undefined,
  backend: BackendCalls | undefined,
): Promise<DryRunReport> {
  const { lookups, found } = await lookUp(wecom, ruleSet, item, conversation, now);
  if (semantic) found.semantic = semantic;
  const rules = { decider: new Decider(ruleSet), byName: new Map(ruleSet.rules.map((r) => [r.name, r])) };
  const callOutcomes = new Map<string, BackendCallOutcome>();
  const calls: CallOutcome[] = [];
  const uploaded = new Map<string, string>();
  const outcomes: StepCallOutcome[] = [];
  const dropped: DroppedAction[] = [];
  const planned: PlannedCall[] = [];
  const backendCalls: BackendCallReport[] = [];
  let after = -1; // steps up to here are already made
  for (;;) {
    const decided = await decideStep({
      item,
      conversation,
      rules,
      now,
      decideAt,
      lookups: found,
      callOutcomes,
    });
    // Local media files are uploaded first, as serve does; the media ids they get are used below.
    for (const { source, type } of fileMedia(decided.decision.actions)) {
      if (uploaded.has(source.absPath)) continue;
      const form = new FormData();
      form.append('media', new Blob([readFileSync(source.absPath)]), basename(source.file));
      const response = await wecom.call('media/upload', {}, { query: { type }, form });
      calls.push({
        api: 'media/upload',
        rule: '',
        request: { type, file: source.file },
        response,
        accepted: response.errcode === 0,
      });
      if (typeof response.media_id === 'string') uploaded.set(source.absPath, response.media_id);
    }
    const step = planStep(decided, (m) =>
      'media_id' in m ? m.media_id : (uploaded.get(m.absPath) ?? `<upload ${m.file} failed>`),
    );
    const later = <T extends { step: number }>(x: T) => x.step > after;
    dropped.push(...step.dropped.filter(later));
    for (const call of step.calls.filter(later)) {
      planned.push(call);
      outcomes.push(await execute(wecom, call, calls, dropped));
    }
    const pending = step.pending && step.pending.step > after ? step.pending : undefined;
    const outcome = pending && backend ? await backend(pending) : undefined;
    if (!pending || !outcome) {
      if (pending) backendCalls.push({ request: pending });
      for (const run of step.decision.calls) {
        const report = backendCalls.find((b) => b.request.rule === run.rule && b.request.name === run.call);
        if (report) report.branch = run.branch;
      }
      return {
        item,
        lookups,
        decision: step.decision,
        stateBefore: decided.conversation.state,
        calls,
        dropped,
        planned,
        backendCalls,
        conversation: afterCalls(step.conversation, outcomes, { item, rules, now }),
        ok: calls.every((c) => c.accepted) && dropped.length === 0,
      };
    }
    backendCalls.push({ request: pending, outcome });
    callOutcomes.set(callKey(pending.rule, pending.name), outcome);
    after = pending.step;
  }
}

/**
 * What serve looks up before deciding (MessageHandler), in its order, asked of the offline WeCom:
 * the nickname when the rules say {{nickname}} and the conversation holds no fresh one, then the
 * session's state when kfbot does not know it. The dry-run customer is one kfbot has a
 * conversation for, so with no service state given it asks, as serve does after a 95018 or on its
 * first start (a customer serve has never met it does not ask about: the message opens a session).
 */
async function lookUp(
  wecom: OfflineWeCom,
  ruleSet: RuleSet,
  item: SyncItem,
  conversation: Conversation,
  now: number,
): Promise<{ lookups: LookupOutcome[]; found: StepLookups }> {
  const lookups: LookupOutcome[] = [];
  const ask = async (api: LookupOutcome['api'], looksUp: LookupOutcome['looksUp'], request: JsonObject) => {
    const response = await wecom.call(api, request);
    const answered = response.errcode === 0;
    lookups.push({ api, looksUp, request, response, answered });
    return answered ? response : undefined;
  };
  const found: StepLookups = {};
  if (item.external_userid && rulesUseNickname(ruleSet)) {
    found.nickname = conversation.nickname;
    if (!nicknameFresh(conversation, now)) {
      const answer = await ask('kf/customer/batchget', 'nickname', {
        external_userid_list: [item.external_userid],
        need_enter_session_context: 0,
      });
      if (answer) {
        const [customer] = Array.isArray(answer.customer_list) ? answer.customer_list : [];
        found.nickname =
          isObject(customer) && typeof customer.nickname === 'string' ? customer.nickname : undefined;
        found.nicknameFetchedAt = now;
      }
    }
  }
  if (needsServiceState(item, conversation)) {
    const answer = await ask('kf/service_state/get', 'service_state', {
      open_kfid: item.open_kfid,
      external_userid: item.external_userid,
    });
    if (answer && isServiceState(answer.service_state)) found.serviceState = answer.service_state;
  }
  return { lookups, found };
}

/**
 * Makes one planned call (and a transfer's notice); returns its outcome as serve records it. A
 * notice serve could not send (the transfer brought no msg_code) is a dropped action, not a call:
 * serve never makes it.
 */
async function execute(
  wecom: OfflineWeCom,
  call: PlannedCall,
  out: CallOutcome[],
  dropped: DroppedAction[],
): Promise<StepCallOutcome> {
  const request = call.body as unknown as JsonObject;
  const response = await wecom.call(call.api, request);
  const fitted = fittedText(call);
  out.push({
    api: call.api,
    rule: call.rule,
    request,
    response,
    accepted: response.errcode === 0,
    ...(fitted && { fitted }),
  });
  const errcode = typeof response.errcode === 'number' ? response.errcode : -1;
  const outcome: StepCallOutcome =
    errcode === 0 ? { call, status: 'sent' } : { call, status: 'refused', errcode };
  if (call.api === 'kf/service_state/trans' && call.notice) {
    const code = response.msg_code;
    const notice: JsonObject = {
      code: typeof code === 'string' ? code : '',
      msgid: call.notice.msgid,
      ...(call.notice.content as unknown as JsonObject),
    };
    if (typeof code !== 'string') {
      dropped.push({
        step: call.step,
        rule: call.rule,
        reason:
          errcode === 0
            ? 'transfer notice not sent: service_state/trans returned no msg_code (WeCom gives one only on the first change into that state)'
            : `transfer notice not sent: service_state/trans was refused (${errcode}), so there is no msg_code`,
      });
      return outcome;
    }
    const answer = await wecom.call('kf/send_msg_on_event', notice);
    out.push({
      api: 'kf/send_msg_on_event',
      rule: call.rule,
      request: notice,
      response: answer,
      accepted: answer.errcode === 0,
      ...(call.notice.shortenedFrom !== undefined && {
        fitted: `a ${call.notice.shortenedFrom}-byte text cut to 2048 bytes with …`,
      }),
    });
  }
  return outcome;
}
