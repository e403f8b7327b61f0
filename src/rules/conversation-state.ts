/**
 * What kfbot remembers about one customer on one account between messages, for rule conditions
 * (var.*, counter.*, misses, last_menu, service_state) and for the actions that change it.
 */
import type { ServiceState } from '../wecom/platform-enums.ts';
import type { Scalar } from './rule-model.ts';

export interface ConversationState {
  vars: Record<string, Scalar>;
  counters: Record<string, number>;
  /** Consecutive customer messages that only a fallback rule answered. */
  misses: number;
  /** The name of the last menu sent to this customer. */
  last_menu?: string;
  /** The session's service state (§7.1) as last seen, when known. */
  service_state?: ServiceState;
  /**
   * The last 猜你想问 menu (a `suggest:` action): the typed text it answered, normalised, and the
   * items it offered. A click on one of them is kept as what the customer meant
   * (`kfbot report unanswered`); the next customer message forgets it.
   */
  suggested?: { text: string; items: string[] };
}

export function emptyState(): ConversationState {
  return { vars: {}, counters: {}, misses: 0 };
}

export function cloneState(s: ConversationState): ConversationState {
  return { ...s, vars: { ...s.vars }, counters: { ...s.counters } };
}
