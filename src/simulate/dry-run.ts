/**
 * One message through the rules with no network: decode it, decide, plan the exact API calls, and
 * ask an in-process copy of the WeCom simulator whether WeCom would accept each one (session
 * state, the 5-per-message quota, code validity, limits). `kfbot simulate` prints the report;
 * the examples under examples/ are dry runs compared with their expected output.
 */
import { Blob } from 'node:buffer';
import { readFileSync } from 'node:fs';
import { basename } from 'node:path';
import { type ConversationState, emptyState } from '../rules/conversation-state.ts';
import { Decider, type Decision } from '../rules/decider.ts';
import { fileMedia } from '../rules/file-media.ts';
import { type DroppedAction, type PlannedCall, planCalls } from '../rules/plan-calls.ts';
import type { RuleSet } from '../rules/rule-model.ts';
import { ManualClock } from '../simulator/clock.ts';
import { customerEnters, customerSays } from '../simulator/customer-actions.ts';
import { OfflineWeCom } from '../simulator/offline-wecom.ts';
import { servicerEnds, servicerTakes } from '../simulator/servicer-actions.ts';
import { setState } from '../simulator/session.ts';
import { isObject, type JsonObject } from '../wecom/json-reader.ts';
import type { ServiceState } from '../wecom/platform-enums.ts';
import { decodeSyncItem, type SyncItem } from '../wecom/sync-item.ts';

export const DRY_RUN_ACCOUNT = 'wkDryRunAccount';
export const DRY_RUN_CUSTOMER = 'wmDryRunCustomer';
const SERVICER = 'zhangsan';

export interface DryRunInput {
  /** A sync_msg msg_list item, exactly as WeCom sends it. */
  item: JsonObject;
  /** The customer's conversation state before the message. */
  state?: Partial<ConversationState>;
  /** The session's service state before the message; default: what the message itself implies. */
  serviceState?: ServiceState;
  nickname?: string;
  /** Epoch ms: "now" for time conditions and code validity. */
  at: number;
}

export interface CallOutcome {
  api: string;
  /** The rule whose action made the call ('' for a media upload). */
  rule: string;
  request: JsonObject;
  response: JsonObject;
  accepted: boolean;
}

export interface DryRunReport {
  item: SyncItem;
  decision: Decision;
  stateBefore: ConversationState;
  calls: CallOutcome[];
  dropped: DroppedAction[];
  /** True when every planned call would be accepted and no action was dropped. */
  ok: boolean;
}

function stringAt(obj: JsonObject, key: string): string | undefined {
  const v = obj[key];
  return typeof v === 'string' && v !== '' ? v : undefined;
}

/** Brings the offline world to where this message leaves it, and returns the item to decide on. */
function prepareWorld(wecom: OfflineWeCom, input: DryRunInput): JsonObject {
  const raw: JsonObject = structuredClone(input.item);
  const event = isObject(raw.event) ? raw.event : undefined;
  const openKfId = stringAt(raw, 'open_kfid') ?? (event && stringAt(event, 'open_kfid')) ?? DRY_RUN_ACCOUNT;
  const externalUserId =
    stringAt(raw, 'external_userid') ?? (event && stringAt(event, 'external_userid')) ?? DRY_RUN_CUSTOMER;
  wecom.addAccount(openKfId);
  wecom.addServicer(SERVICER);
  const world = wecom.world;
  const customer = world.ensureCustomer(externalUserId);
  if (input.nickname !== undefined) customer.nickname = input.nickname;
  const ref = { openKfId, externalUserId };
  const session = () => world.session(openKfId, externalUserId);
  const eventType = event?.event_type;

  if (raw.msgtype !== 'event' && (raw.origin ?? 3) === 3) {
    // The customer's message opens the session (4 → 0), the 5-message quota and the 48 h window.
    customerSays(world, { ...ref, text: 'dry run' });
    if (input.serviceState !== undefined && input.serviceState !== 0) {
      setState(session(), input.serviceState, input.serviceState === 3 ? SERVICER : undefined);
    }
  } else if (eventType === 'enter_session' && event) {
    const entered = customerEnters(world, ref) as { event?: { welcome_code?: string } };
    // Keep the message's own shape, but with a welcome_code the simulated WeCom really issued.
    if (event.welcome_code !== undefined && entered.event?.welcome_code)
      event.welcome_code = entered.event.welcome_code;
  } else if (eventType === 'session_status_change' && event) {
    customerSays(world, { ...ref, text: 'dry run' });
    const change = event.change_type;
    let issued: { event?: { msg_code?: string } } | undefined;
    if (change === 3)
      issued = servicerEnds(world, { ...ref, servicerUserId: SERVICER }).at(-1) as typeof issued;
    if (change === 1) {
      setState(session(), 2);
      issued = servicerTakes(world, { ...ref, servicerUserId: SERVICER }) as typeof issued;
    }
    if (event.msg_code !== undefined && issued?.event?.msg_code) event.msg_code = issued.event.msg_code;
  }
  if (typeof raw.send_time !== 'number') raw.send_time = world.seconds();
  return raw;
}

export async function dryRun(ruleSet: RuleSet, input: DryRunInput): Promise<DryRunReport> {
  const clock = new ManualClock(input.at);
  const wecom = new OfflineWeCom(clock);
  const raw = prepareWorld(wecom, input);
  const item = decodeSyncItem(raw);
  const session = wecom.world.findSession(item.open_kfid, item.external_userid);
  const stateBefore: ConversationState = {
    ...emptyState(),
    ...input.state,
    ...(session && { service_state: session.state as ServiceState }),
  };
  const customer = wecom.world.customers.get(item.external_userid);
  const decision = await new Decider(ruleSet).decide(item, {
    state: stateBefore,
    now: input.at,
    ...(customer && { nickname: customer.nickname }),
  });

  const calls: CallOutcome[] = [];
  // Local media files are uploaded first, as the runtime does; the media ids they get are used below.
  const uploaded = new Map<string, string>();
  for (const { source, type } of fileMedia(decision.actions)) {
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
  const plan = planCalls(item, decision, {
    ...(customer && { nickname: customer.nickname }),
    mediaId: (m) => ('media_id' in m ? m.media_id : (uploaded.get(m.absPath) ?? `<upload ${m.file} failed>`)),
  });
  for (const call of plan.calls) await execute(wecom, call, calls);
  return {
    item,
    decision,
    stateBefore,
    calls,
    dropped: plan.dropped,
    ok: calls.every((c) => c.accepted) && plan.dropped.length === 0,
  };
}

async function execute(wecom: OfflineWeCom, call: PlannedCall, out: CallOutcome[]): Promise<void> {
  const request = call.body as unknown as JsonObject;
  const response = await wecom.call(call.api, request);
  out.push({ api: call.api, rule: call.rule, request, response, accepted: response.errcode === 0 });
  if (call.api === 'kf/service_state/trans' && call.notice) {
    const code = response.msg_code;
    const notice: JsonObject = {
      code: typeof code === 'string' ? code : '',
      msgid: call.notice.msgid,
      ...(call.notice.content as unknown as JsonObject),
    };
    if (typeof code !== 'string') {
      out.push({
        api: 'kf/send_msg_on_event',
        rule: call.rule,
        request: notice,
        response: {
          errcode: -1,
          errmsg: 'not sent: service_state/trans returned no msg_code for the notice',
        },
        accepted: false,
      });
      return;
    }
    const answer = await wecom.call('kf/send_msg_on_event', notice);
    out.push({
      api: 'kf/send_msg_on_event',
      rule: call.rule,
      request: notice,
      response: answer,
      accepted: answer.errcode === 0,
    });
  }
}
