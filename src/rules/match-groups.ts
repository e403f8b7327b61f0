/**
 * {{match.<name>}}: the named groups of the regexes in a matched rule's `when:`, taken from the
 * same fact the condition tested (the normalised text), first regex first.
 */
import { compileRegex } from './compile-condition.ts';
import type { Facts } from './message-facts.ts';
import type { Condition } from './rule-model.ts';

const compiled = new Map<string, RegExp | undefined>();

function regex(source: string): RegExp | undefined {
  if (!compiled.has(source)) {
    const re = compileRegex(source);
    compiled.set(source, typeof re === 'string' ? undefined : re);
  }
  return compiled.get(source);
}

export function matchGroups(condition: Condition, facts: Facts): Record<string, string> | undefined {
  let out: Record<string, string> | undefined;
  const walk = (c: Condition): void => {
    if ('all' in c) c.all.forEach(walk);
    else if ('any' in c) c.any.forEach(walk);
    else if ('not' in c)
      return; // a negated regex matched nothing to name
    else if (c.op === 'regex') {
      const value = facts[c.fact];
      if (typeof value !== 'string' || !String(c.value).includes('(?<')) return;
      const re = regex(String(c.value));
      if (!re) return;
      re.lastIndex = 0;
      const groups = re.exec(value)?.groups;
      if (!groups) return;
      out ??= {};
      for (const [k, v] of Object.entries(groups)) if (v !== undefined && !(k in out)) out[k] = v;
    }
  };
  walk(condition);
  return out;
}
