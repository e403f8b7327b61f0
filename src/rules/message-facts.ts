/**
 * The facts one decoded sync_msg item offers to rule conditions (see fact-catalogue.ts), as a flat
 * record: json-rules-engine reads facts by name only, never by JSONPath.
 */
import type { SyncItem } from '../wecom/sync-item.ts';
import { IDLE_RULE_FACT } from './compile-idle.ts';
import type { ConversationState } from './conversation-state.ts';
import { localParts } from './local-time.ts';
import { normalizeText } from './normalize-text.ts';
import type { Scalar } from './rule-model.ts';

export type Facts = Record<string, Scalar | undefined>;

/** The fact key holding the text exactly as typed, for the {{text}} placeholder. */
export const RAW_TEXT = '$text';
/** Not a condition fact either: {{customer}} in a call is the customer's external_userid. */
export const CUSTOMER = '$customer';

export interface FactContext {
  state: ConversationState;
  /** Epoch ms. */
  now: number;
  timezone: string;
  holidays: ReadonlySet<string>;
}

export function messageFacts(item: SyncItem, ctx: FactContext): Facts {
  const facts: Facts = {
    kind: item.kind,
    origin: item.origin,
    open_kfid: item.open_kfid,
    now: ctx.now,
    misses: ctx.state.misses,
    last_menu: ctx.state.last_menu,
    service_state: ctx.state.service_state,
    holiday: ctx.holidays.size > 0 ? ctx.holidays.has(localParts(ctx.now, ctx.timezone).date) : false,
  };
  if (item.servicer_userid) facts.servicer = item.servicer_userid;
  if (item.external_userid) facts[CUSTOMER] = item.external_userid;
  switch (item.kind) {
    case 'text':
      facts.text = normalizeText(item.text.content);
      // Not a condition fact (no catalogue entry): {{text}} in a reply shows what the customer typed.
      facts[RAW_TEXT] = item.text.content;
      facts.menu_id = item.text.menu_id;
      break;
    case 'enter_session':
      facts.scene = item.event.scene;
      facts.scene_param = item.event.scene_param;
      break;
    case 'session_status_change':
      facts.change_type = item.event.change_type;
      facts.old_servicer = item.event.old_servicer_userid;
      facts.new_servicer = item.event.new_servicer_userid;
      facts.servicer = item.event.new_servicer_userid ?? item.event.old_servicer_userid;
      break;
    case 'msg_send_fail':
      facts.fail_type = item.event.fail_type;
      break;
    case 'idle':
      facts[IDLE_RULE_FACT] = item.idle.rule;
      break;
    case 'servicer_status_change':
    case 'servicer_recall_msg':
    case 'reject_customer_msg_switch_change':
      facts.servicer = item.event.servicer_userid;
      break;
    default:
      break;
  }
  for (const [k, v] of Object.entries(ctx.state.vars)) facts[`var.${k}`] = v;
  for (const [k, v] of Object.entries(ctx.state.counters)) facts[`counter.${k}`] = v;
  return facts;
}
