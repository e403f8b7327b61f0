/**
 * The placeholders a rule's text may use, as the editor shows them beside the field: the names
 * compile-reply.ts's knownPlaceholder takes (TEMPLATE_NAMES and its families), and the
 * {{match.<group>}} names check-rule-calls.ts accepts for this rule (the named groups of its
 * `when:` regexes). Read from the same tables validate reads, so the list cannot say more or less
 * than 试一试 and publish accept; only the Chinese meanings live here.
 */
import { namedGroups } from '../rules/check-rule-calls.ts';
import { PLACEHOLDER_FAMILIES, TEMPLATE_NAMES, type TemplateName } from '../rules/compile-reply.ts';
import { isObj } from './plain-data.ts';
import type { SavedVariable } from './saved-variables.ts';

export interface PlaceholderHint {
  /** As written in a text, without the braces: nickname, var.<名称>, match.order. */
  name: string;
  /** What it is filled with, for an operator. */
  zh: string;
}

/** `satisfies`: a name added to TEMPLATE_NAMES without a meaning here fails to compile. */
const MEANING_ZH = {
  nickname: '客户的微信昵称（查不到时为空）',
  scene: '客户进入会话的场景值（进入会话时才有）',
  scene_param: '客户进入会话的链接参数（进入会话时才有）',
  text: '客户发来的原话',
  menu_id: '客户点的菜单项编号',
  servicer: '接待人员的账号',
  customer: '客户的 external_userid（一串编号，不是昵称）',
} satisfies Record<TemplateName, string>;

const FAMILY_ZH = {
  // Listed by name below when the rules save any; this line stands when none does.
  'var.<name>': ['var.<名称>', '规则用 set: 或调用的 save: 保存的变量；这套规则还没有保存任何变量'],
  'counter.<name>': ['counter.<名称>', '计数器的值（没计过为 0）'],
  'match.<group>': ['', ''], // per rule, below
} satisfies Record<(typeof PLACEHOLDER_FAMILIES)[number], [string, string]>;

/** The named groups of every `regex:` under a rule's raw `when:` (all/any/not included). */
function whenGroups(when: unknown, out = new Set<string>()): Set<string> {
  if (Array.isArray(when)) for (const w of when) whenGroups(w, out);
  else if (isObj(when))
    for (const [k, v] of Object.entries(when)) {
      if (k === 'regex' && typeof v === 'string') for (const g of namedGroups(v)) out.add(g);
      else whenGroups(v, out);
    }
  return out;
}

/**
 * What a text of the rule whose raw `when:` is given may use (a menu's head or tail passes none),
 * with the variables the rule set saves (saved-variables.ts) each by its name.
 */
export function textPlaceholders(when?: unknown, saved: readonly SavedVariable[] = []): PlaceholderHint[] {
  const hints: PlaceholderHint[] = TEMPLATE_NAMES.map((name) => ({ name, zh: MEANING_ZH[name] }));
  for (const family of PLACEHOLDER_FAMILIES) {
    if (family === 'match.<group>') {
      for (const group of whenGroups(when))
        hints.push({ name: `match.${group}`, zh: `本规则正则里 (?<${group}>…) 匹配到的文字` });
    } else if (family === 'var.<name>' && saved.length > 0) {
      for (const v of saved)
        hints.push({
          name: `var.${v.name}`,
          zh: `变量，由${v.by.join('、')}保存（还没保存过时为空）`,
        });
    } else {
      const [name, zh] = FAMILY_ZH[family];
      hints.push({ name, zh });
    }
  }
  return hints;
}
