/** The text a click on `id` carries: its label in the first menu that lists it, else its FAQ label. */
import type { RuleSet } from './rule-model.ts';

export function clickLabel(ruleSet: RuleSet, id: string): string | undefined {
  for (const menu of ruleSet.menus.values())
    for (const item of menu.items)
      if (item.type === 'click' && item.id === id) return item.label.render(() => '');
  return ruleSet.faq?.labels.get(id)?.render(() => '');
}
