/**
 * Satisfaction scores (满意度) on menu click items:
 *
 *   - { click: rate_5, label: 非常满意, score: 5, reply: 感谢您的好评！ }
 *
 * A customer's click on the item (a text whose menu_id is its click id) records the score for the
 * customer's session, and so does a typed rating the FAQ answers with the item (rating items match
 * strictly, faq-index.ts); `kfbot report satisfaction` reads them. The score belongs to the click id,
 * because the id is all a click sends back: every item with that id records it.
 */
import { type CompileContext, describeValue } from './compile-context.ts';
import type { RuleProblem } from './problems.ts';
import type { ItemScore, MenuModel, RuleSet } from './rule-model.ts';
import type { YamlPath } from './rule-source.ts';

export const MIN_SCORE = 1;
export const MAX_SCORE = 5;

/** A click item's `score:`: a whole number from 1 to 5. */
export function compileScore(ctx: CompileContext, value: unknown, path: YamlPath): ItemScore | undefined {
  if (typeof value === 'number' && Number.isInteger(value) && value >= MIN_SCORE && value <= MAX_SCORE)
    return { value, at: ctx.at(path) };
  ctx.error(
    path,
    `score is a whole number from ${MIN_SCORE} (worst) to ${MAX_SCORE} (best): the satisfaction a click on this item records (got ${describeValue(value)})`,
  );
  return undefined;
}

/**
 * `score:` on an item the customer cannot click (a view, miniprogram or text item): reported, and
 * the item is returned without it so the unknown-key check does not report it a second time.
 */
export function refuseScore(
  ctx: CompileContext,
  item: Record<string, unknown>,
  path: YamlPath,
  what: string,
): Record<string, unknown> {
  if (item.score === undefined) return item;
  ctx.error(
    [...path, 'score'],
    `score: goes on click items only (this is ${what}): a score is recorded when the customer clicks the item; make it a click item or drop the score`,
    { key: true },
  );
  const { score: _score, ...rest } = item;
  return rest;
}

/** Click id → score, for the message pipeline. Conflicting scores are validate's error (checkScores). */
export function scoresByClickId(menus: Iterable<MenuModel>): Map<string, number> {
  const scores = new Map<string, number>();
  for (const menu of menus)
    for (const item of menu.items)
      if (item.type === 'click' && item.score && !scores.has(item.id)) scores.set(item.id, item.score.value);
  return scores;
}

/**
 * One click id, one score: two items with the same id and different scores cannot both be right,
 * and an item without a score whose id has one elsewhere records it all the same (warned).
 */
export function checkScores(set: RuleSet): RuleProblem[] {
  const out: RuleProblem[] = [];
  const first = new Map<string, { menu: string; score: ItemScore }>();
  for (const menu of set.menus.values())
    for (const item of menu.items)
      if (item.type === 'click' && item.score) {
        const prior = first.get(item.id);
        if (!prior) first.set(item.id, { menu: menu.name, score: item.score });
        else if (prior.score.value !== item.score.value)
          out.push({
            ...item.score.at,
            severity: 'error',
            message: `click id "${item.id}" has score ${prior.score.value} in menu "${prior.menu}" (${prior.score.at.file}:${prior.score.at.line}) and ${item.score.value} here; a click sends back only the id, so give both items the same score or different ids`,
          });
      }
  for (const menu of set.menus.values())
    for (const item of menu.items) {
      if (item.type !== 'click' || item.score) continue;
      const scored = first.get(item.id);
      if (scored)
        out.push({
          ...item.at,
          severity: 'warning',
          message: `a click on "${item.id}" records score ${scored.score.value} (set in menu "${scored.menu}", ${scored.score.at.file}:${scored.score.at.line}) from this menu too; write score: ${scored.score.value} here to say so, or give this item another id`,
        });
    }
  return out;
}
