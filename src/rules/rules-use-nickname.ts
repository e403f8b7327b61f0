/**
 * Whether any template in the rules says {{nickname}}: else kfbot never asks WeCom for customers'
 * names (kf/customer/batchget), in `serve` or in `simulate`.
 */
import type { RuleSet } from './rule-model.ts';

const usesNickname = new WeakMap<RuleSet, boolean>();

export function rulesUseNickname(ruleSet: RuleSet): boolean {
  let known = usesNickname.get(ruleSet);
  if (known === undefined) {
    const json = JSON.stringify(
      [...ruleSet.rules.map((r) => r.actions), ...ruleSet.menus.values()],
      (_k, v: unknown) =>
        v !== null && typeof v === 'object' && 'names' in v ? (v as { names: string[] }).names : v,
    );
    known = json.includes('"nickname"');
    usesNickname.set(ruleSet, known);
  }
  return known;
}
