/**
 * What a rule's condition says about which messages can possibly match it, read from the tests it
 * *requires* (its top-level `all`). The rule index uses these keys to hand the engine only the
 * candidates for a message. Keys are only ever taken from required, positive tests, so a rule left
 * out of the candidates could never have matched: the index changes speed, never results.
 */
import { KIND_NAMES, type Kind, MESSAGE_KIND_NAMES } from '../wecom/message-kinds.ts';
import { factSpec } from './fact-catalogue.ts';
import type { Condition, IndexKeys, LeafCondition } from './rule-model.ts';

function requiredLeaves(c: Condition): LeafCondition[] {
  if ('all' in c) return c.all.flatMap(requiredLeaves);
  if ('any' in c) {
    // A one-branch `any` is required too; a real choice is not.
    return c.any.length === 1 && c.any[0] ? requiredLeaves(c.any[0]) : [];
  }
  if ('not' in c) return [];
  return [c];
}

/** Operators that can only hold when the fact is present (an absent fact fails them). */
const POSITIVE = new Set(['equals', 'in', 'contains', 'any', 'regex', 'gt', 'gte', 'lt', 'lte']);

function intersect(a: Kind[] | undefined, b: readonly Kind[]): Kind[] {
  return a ? a.filter((k) => b.includes(k)) : [...b];
}

/** The kinds a rule applies to when its condition names none: what customers send, not events. */
export const DEFAULT_RULE_KINDS: readonly Kind[] = MESSAGE_KIND_NAMES;

export function indexKeys(condition: Condition): IndexKeys {
  const keys: IndexKeys = {};
  let kinds: Kind[] | undefined;
  for (const leaf of requiredLeaves(condition)) {
    const values = (Array.isArray(leaf.value) ? leaf.value : [leaf.value]).map(String);
    if (leaf.fact === 'kind' && (leaf.op === 'equals' || leaf.op === 'in')) {
      kinds = intersect(
        kinds,
        values.filter((v): v is Kind => (KIND_NAMES as readonly string[]).includes(v)),
      );
      continue;
    }
    if (!POSITIVE.has(leaf.op) && !(leaf.op === 'exists' && leaf.value === true)) continue;
    const implied = factSpec(leaf.fact)?.implies;
    if (implied) kinds = intersect(kinds, implied);
    if (leaf.fact === 'menu_id' && (leaf.op === 'equals' || leaf.op === 'in')) keys.menuIds = values;
    if (leaf.fact === 'text' && (leaf.op === 'equals' || leaf.op === 'in')) keys.exactTexts = values;
    if (leaf.fact === 'text' && (leaf.op === 'any' || leaf.op === 'contains')) keys.keywords = values;
  }
  if (kinds) keys.kinds = kinds;
  return keys;
}
