/**
 * How many of each thing a rule set holds, counted once for every place that says so —
 * `kfbot validate`'s summary, `/readyz` and the "rules loaded" log line — so they never disagree
 * (a menu's click answers and FAQ entries are compiled into rules too, but are not "rules").
 */
import type { RuleSet } from './rule-model.ts';

export interface RuleCounts {
  /** The rules written under `rules:`. */
  rules: number;
  menus: number;
  /** Answers menu click items carry (`reply:` on an item). */
  clickAnswers: number;
  faqItems: number;
  typedQuestions: number;
}

export function ruleCounts(set: RuleSet): RuleCounts {
  return {
    rules: set.rules.filter((r) => r.source.kind === 'rule').length,
    menus: set.menus.size,
    clickAnswers: set.rules.filter((r) => r.source.kind === 'menu-item').length,
    faqItems: set.faq?.index.entries.length ?? 0,
    typedQuestions: set.faq?.index.size ?? 0,
  };
}
