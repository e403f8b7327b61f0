/**
 * Every fact a rule condition can test, in one table: its type, which message kinds it implies,
 * and what it means. The condition compiler, `kfbot validate`, the facts builder and the rules
 * reference (docs/rules.md) all read it.
 */
import { KIND_NAMES, type Kind } from '../wecom/message-kinds.ts';
import { ORIGIN, SERVICE_STATE, SESSION_CHANGE } from '../wecom/platform-enums.ts';

export type FactType =
  | { type: 'text' } // normalised before comparing (full-width → half-width, lower case, trimmed)
  | { type: 'string' }
  | { type: 'number' }
  | { type: 'boolean' }
  | { type: 'scalar' } // a string, number or boolean a rule stored
  | { type: 'enum'; values: Readonly<Record<string, number>> } // names that stand for numbers
  | { type: 'name'; values: readonly string[] } // one of a fixed list of names
  | { type: 'schedule' };

export interface FactSpec {
  spec: FactType;
  /** A positive test on this fact means the item is one of these kinds (used to index rules). */
  implies?: readonly Kind[];
  doc: string;
}

export const FACTS = {
  kind: {
    spec: { type: 'name', values: KIND_NAMES },
    doc: 'the msgtype (text, image, …) or, for events, the event_type (enter_session, …)',
  },
  text: { spec: { type: 'text' }, implies: ['text'], doc: 'the text a customer sent, normalised' },
  menu_id: { spec: { type: 'string' }, implies: ['text'], doc: 'the click id when the text is a menu click' },
  scene: {
    spec: { type: 'string' },
    implies: ['enter_session'],
    doc: 'the scene of the link the customer came from',
  },
  scene_param: { spec: { type: 'string' }, implies: ['enter_session'], doc: 'the scene_param of that link' },
  origin: {
    spec: { type: 'enum', values: ORIGIN },
    doc: 'customer (3), system event (4) or servicer (5)',
  },
  open_kfid: { spec: { type: 'string' }, doc: 'the customer-service account (rules scoped to accounts)' },
  change_type: {
    spec: { type: 'enum', values: SESSION_CHANGE },
    implies: ['session_status_change'],
    doc: 'of a session_status_change: from_queue, transferred, ended, rejoined',
  },
  servicer: { spec: { type: 'string' }, doc: 'the servicer who sent the message or now holds the session' },
  old_servicer: {
    spec: { type: 'string' },
    implies: ['session_status_change'],
    doc: 'the servicer before a change',
  },
  new_servicer: {
    spec: { type: 'string' },
    implies: ['session_status_change'],
    doc: 'the servicer after a change',
  },
  fail_type: {
    spec: { type: 'number' },
    implies: ['msg_send_fail'],
    doc: 'why a sent message failed (msg_send_fail)',
  },
  service_state: {
    spec: { type: 'enum', values: SERVICE_STATE },
    doc: "the session's state: new (0), bot (1), queued (2), human (3), ended (4)",
  },
  time: {
    spec: { type: 'schedule' },
    doc: 'now, tested against a schedule name or a window like 12:00-13:30',
  },
  holiday: { spec: { type: 'boolean' }, doc: 'today is in settings.holidays' },
  misses: { spec: { type: 'number' }, doc: 'consecutive customer messages only a fallback answered' },
  last_menu: { spec: { type: 'string' }, doc: 'the name of the last menu sent to this customer' },
} as const satisfies Record<string, FactSpec>;

export type FactName = keyof typeof FACTS;

/** `var.<name>` (a variable rules set) and `counter.<name>` (a counter rules increment). */
export const STATE_FACT = /^(var|counter)\.([\p{L}\p{N}_-]{1,64})$/u;

export function factSpec(name: string): FactSpec | undefined {
  if (Object.hasOwn(FACTS, name)) return FACTS[name as FactName];
  const m = STATE_FACT.exec(name);
  if (!m) return undefined;
  return m[1] === 'var'
    ? { spec: { type: 'scalar' }, doc: 'a variable set by a rule' }
    : { spec: { type: 'number' }, doc: 'a counter incremented by rules' };
}

export const FACT_NAMES = Object.keys(FACTS) as FactName[];
