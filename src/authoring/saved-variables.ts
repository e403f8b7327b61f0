/**
 * The customer variables a rule set saves, for the placeholder list beside a text: `{{var.<名称>}}`
 * means nothing to an operator who does not know which names exist. A variable is saved by a
 * `set:` action (compile-actions.ts) or by a call's `save:` (compile-call.ts), in any action list:
 * a rule's `then:`, an FAQ or menu item's `then:`, a call's `on_status:` and `on_error:` branches.
 * Read from the draft's files, so a variable a draft's rule saves is offered at once.
 */

import { isObj, list } from './plain-data.ts';
import type { RuleFiles } from './rule-edit.ts';
import { dataOf } from './rule-edit.ts';

export interface SavedVariable {
  name: string;
  /** The rules (by name) or items (by id) that save it, as the page names them. */
  by: string[];
}

/** The names each action of a list (and the lists nested in its calls) saves. */
function actionSaves(actions: unknown, out: string[]): void {
  for (const a of list(actions)) {
    if (!isObj(a)) continue;
    if (isObj(a.set)) out.push(...Object.keys(a.set));
    if (isObj(a.call)) {
      if (isObj(a.call.save)) out.push(...Object.keys(a.call.save));
      if (isObj(a.call.on_status))
        for (const branch of Object.values(a.call.on_status)) actionSaves(branch, out);
      actionSaves(a.call.on_error, out);
    }
  }
}

export function savedVariables(files: RuleFiles): SavedVariable[] {
  const by = new Map<string, string[]>();
  const note = (who: string, actions: unknown) => {
    const names: string[] = [];
    actionSaves(actions, names);
    for (const n of names) {
      const whos = by.get(n) ?? [];
      if (!whos.includes(who)) whos.push(who);
      by.set(n, whos);
    }
  };
  for (const { data } of dataOf(files)) {
    for (const r of list(data.rules)) if (isObj(r)) note(`规则「${String(r.name ?? '')}」`, r.then);
    for (const e of list(data.faq)) if (isObj(e)) note(`问答 ${String(e.id ?? '')}`, e.then);
    if (isObj(data.menus))
      for (const m of Object.values(data.menus))
        for (const e of list(isObj(m) ? m.items : []))
          if (isObj(e)) note(`菜单项 ${String(e.click ?? '')}`, e.then);
  }
  return [...by].map(([name, whos]) => ({ name, by: whos })).sort((a, b) => a.name.localeCompare(b.name));
}
