/**
 * Idle rules (`when: { kind: idle, idle_for: 5m }`) measure a *silence*: it begins when the bot's
 * message reaches a customer whose session the bot holds (state 0/1), and it ends when the customer
 * writes, a human or the queue takes the session, or the session ends. Within one silence each idle
 * rule fires at most once, in order of `idle_for`; the idle rules' own messages do not restart it
 * (a reminder at 5m must not push a timeout at 30m to 35m).
 *
 * The conversation carries the silence and, derived from it, `idleDueAt`: when the next idle rule
 * is due. The store indexes `idleDueAt` in the same write as the conversation, so a due timer is
 * durable exactly when the conversation that made it is. Pure functions; no clock of their own.
 */
import { createHash } from 'node:crypto';
import type { RuleModel, RuleSet } from '../rules/rule-model.ts';
import { ORIGIN } from '../wecom/platform-enums.ts';
import type { IdleItem } from '../wecom/sync-item.ts';
import type { Conversation, Silence } from './conversation.ts';

const idleRuleCache = new WeakMap<RuleSet, readonly IdleRule[]>();

export type IdleRule = RuleModel & { idleFor: number };

/** The rule set's idle rules, shortest wait first (then file order). */
export function idleRules(ruleSet: RuleSet): readonly IdleRule[] {
  let list = idleRuleCache.get(ruleSet);
  if (!list) {
    list = ruleSet.rules
      .filter((r): r is IdleRule => r.idleFor !== undefined)
      .sort((a, b) => a.idleFor - b.idleFor || a.order - b.order);
    idleRuleCache.set(ruleSet, list);
  }
  return list;
}

/** The conversation with this silence (or none) and the due time of its next idle rule. */
export function withSilence(
  conversation: Conversation,
  silence: Silence | undefined,
  rules: readonly IdleRule[],
): Conversation {
  const next: Conversation = { ...conversation };
  delete next.silence;
  delete next.idleDueAt;
  if (!silence) return next;
  next.silence = silence;
  const due = rules.find((r) => !silence.fired.includes(r.name));
  if (due) next.idleDueAt = silence.since + due.idleFor;
  return next;
}

/** A silence begins: the bot just reached the customer (epoch ms `at`). No idle rules: none. */
export function silenceBegins(
  conversation: Conversation,
  at: number,
  rules: readonly IdleRule[],
): Conversation {
  return withSilence(conversation, rules.length > 0 ? { since: at, fired: [] } : undefined, rules);
}

/** The idle rules whose time has come in this conversation's silence, in the order they fire. */
export function dueIdleRules(
  conversation: Conversation,
  rules: readonly IdleRule[],
  now: number,
): IdleRule[] {
  const silence = conversation.silence;
  if (!silence) return [];
  return rules.filter((r) => !silence.fired.includes(r.name) && silence.since + r.idleFor <= now);
}

/** The silence with `rule` fired: taken when its item is decided, so it is never fired twice. */
export function markFired(
  conversation: Conversation,
  rule: string,
  rules: readonly IdleRule[],
): Conversation {
  const silence = conversation.silence;
  if (!silence || silence.fired.includes(rule)) return conversation;
  return withSilence(conversation, { since: silence.since, fired: [...silence.fired, rule] }, rules);
}

/**
 * The item an idle rule's timer becomes. Its msgid is derived from the customer, the silence and
 * the rule: the same timer fired twice (two replicas, a restart) is the same item, which the
 * message records deduplicate and whose replies carry the same client msgids.
 */
export function idleItem(
  openKfId: string,
  externalUserId: string,
  rule: IdleRule,
  silence: Silence,
): IdleItem {
  const id = createHash('sha256')
    .update(`${openKfId}\0${externalUserId}\0${silence.since}\0${rule.name}`)
    .digest('base64url')
    .slice(0, 24);
  return {
    kind: 'idle',
    msgtype: 'idle',
    msgid: `idle-${id}`,
    open_kfid: openKfId,
    external_userid: externalUserId,
    send_time: Math.floor((silence.since + rule.idleFor) / 1000),
    origin: ORIGIN.system,
    raw: {},
    idle: { rule: rule.name, since: silence.since },
  };
}
