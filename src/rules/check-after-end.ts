/**
 * Two mistakes in what a rule does over time that compile fine and fail at run time:
 * - a reply after `transfer: { to: end }`: the session is over, WeCom refuses it (95018) every
 *   time — the words belong before the transfer, or in its `notice:` (sent with the closing code);
 * - two idle rules that both wait the same `idle_for` with nothing else in their `when:`: both fire
 *   at that moment, and the customer gets two messages at once.
 */
import type { RuleProblem } from './problems.ts';
import type { Condition, RuleModel, RuleSet } from './rule-model.ts';

function onlyKind(c: Condition): boolean {
  if ('all' in c) return c.all.every(onlyKind);
  if ('any' in c || 'not' in c) return false;
  // An idle rule's own condition names it (idle_rule): that tells nothing apart.
  return c.fact === 'kind' || c.fact === 'idle_rule';
}

function checkSendsAfterEnd(rule: RuleModel, out: RuleProblem[]): void {
  const end = rule.actions.findIndex((a) => a.type === 'transfer' && a.to === 'end');
  if (end < 0) return;
  for (const action of rule.actions.slice(end + 1)) {
    if (action.type !== 'reply' && action.type !== 'suggest' && action.type !== 'transfer') continue;
    out.push({
      ...action.at,
      severity: 'error',
      message: `${action.type}: comes after transfer: { to: end } in rule "${rule.name}": the session has ended by then, and WeCom refuses it (95018) every time; put it before the transfer, or make it the transfer's notice: (sent as the closing remark, 结束语)`,
    });
  }
}

function checkIdleTwins(set: RuleSet, out: RuleProblem[]): void {
  const byWait = new Map<number, RuleModel>();
  for (const rule of set.rules) {
    if (rule.idleFor === undefined || !onlyKind(rule.condition)) continue;
    const first = byWait.get(rule.idleFor);
    if (!first) {
      byWait.set(rule.idleFor, rule);
      continue;
    }
    out.push({
      ...rule.at,
      severity: 'warning',
      message: `idle rule "${rule.name}" waits as long as "${first.name}" (${first.at.file}:${first.at.line}) with no other condition: both fire at that moment and the customer gets both; merge them, give one another idle_for, or a when: that tells them apart`,
    });
  }
}

export function checkAfterEnd(set: RuleSet): RuleProblem[] {
  const out: RuleProblem[] = [];
  for (const rule of set.rules) checkSendsAfterEnd(rule, out);
  checkIdleTwins(set, out);
  return out;
}
