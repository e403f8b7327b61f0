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

/** "15 rules, 5 menus with 15 click answers, FAQ of 18 items and 172 typed questions": validate and doctor say it alike. */
export function describeCounts(c: RuleCounts, hasFaq: boolean): string {
  const faq = hasFaq
    ? `, FAQ of ${count(c.faqItems, 'item')} and ${count(c.typedQuestions, 'typed question')}`
    : '';
  return `${count(c.rules, 'rule')}, ${count(c.menus, 'menu')} with ${count(c.clickAnswers, 'click answer')}${faq}`;
}

function count(n: number, noun: string): string {
  return `${n} ${noun}${n === 1 ? '' : 's'}`;
}
