/**
 * The parts of a rule file the console's editor edits, walked in one place: `faq:` entries,
 * menus, the click items that answer (an item on the page; a click item that only refers to one
 * answered elsewhere is the menu's), and the text each rule step sends. The catalogue the page
 * shows (rule-catalogue.ts) and the mapping of a problem's position to a field (problem-field.ts)
 * both walk it, so they never disagree about what is an item.
 */
import { answersItself, type Data, isObj, list } from './plain-data.ts';
import { stepTextPath } from './rule-edit.ts';
import type { YamlPath } from './yaml-splice.ts';

export interface EditableVisitor {
  faq?(entry: Data, path: YamlPath): void;
  menu?(name: string, menu: Data, path: YamlPath): void;
  /** A click item of menu `name` that answers. */
  menuItem?(name: string, entry: Data, path: YamlPath): void;
  /** Step `step` of `rule` sends a text, at `path` (from the file's top) — `text` is its value. */
  text?(rule: Data, step: number, text: unknown, path: YamlPath): void;
}

export function visitEditable(data: Data, v: EditableVisitor): void {
  list(data.faq).forEach((e, i) => {
    if (isObj(e)) v.faq?.(e, ['faq', i]);
  });
  if (isObj(data.menus))
    for (const [name, m] of Object.entries(data.menus)) {
      if (!isObj(m)) continue;
      v.menu?.(name, m, ['menus', name]);
      list(m.items).forEach((e, i) => {
        if (isObj(e) && e.click !== undefined && answersItself(e))
          v.menuItem?.(name, e, ['menus', name, 'items', i]);
      });
    }
  list(data.rules).forEach((r, k) => {
    if (!isObj(r)) return;
    list(r.then).forEach((step, i) => {
      const rel = stepTextPath(step);
      if (!rel) return;
      let value: unknown = step;
      for (const key of rel) value = (value as Data)[key];
      v.text?.(r, i, value, ['rules', k, 'then', i, ...rel]);
    });
  });
}
