/**
 * Picks the candidate rules for one message so the cost of a decision does not grow with the
 * number of rules: rules are bucketed by kind, then by menu id, exact text, or keyword (an
 * Aho–Corasick automaton over all keywords of the bucket); rules with none of those keys are
 * always candidates for their kinds. See index-keys.ts for why no matching rule is ever left out.
 */
import type { Kind } from '../wecom/message-kinds.ts';
import { DEFAULT_RULE_KINDS } from './index-keys.ts';
import { KeywordMatcher } from './keyword-matcher.ts';
import type { Facts } from './message-facts.ts';
import type { RuleModel } from './rule-model.ts';

class Bucket {
  readonly byMenuId = new Map<string, RuleModel[]>();
  readonly byText = new Map<string, RuleModel[]>();
  readonly keywordEntries: [string, RuleModel][] = [];
  readonly unkeyed: RuleModel[] = [];
  keywords: KeywordMatcher<RuleModel> | undefined;

  add(rule: RuleModel): void {
    const { menuIds, exactTexts, keywords } = rule.keys;
    const push = (map: Map<string, RuleModel[]>, key: string) => {
      const list = map.get(key);
      if (list) list.push(rule);
      else map.set(key, [rule]);
    };
    if (menuIds) for (const id of menuIds) push(this.byMenuId, id);
    else if (exactTexts) for (const t of exactTexts) push(this.byText, t);
    else if (keywords) for (const k of keywords) this.keywordEntries.push([k, rule]);
    else this.unkeyed.push(rule);
  }

  seal(): void {
    if (this.keywordEntries.length > 0) this.keywords = new KeywordMatcher(this.keywordEntries);
    this.unkeyed.sort(byPriority);
  }

  candidates(facts: Facts): RuleModel[] {
    const found: RuleModel[] = [];
    const menuId = facts.menu_id;
    if (typeof menuId === 'string') found.push(...(this.byMenuId.get(menuId) ?? []));
    const text = facts.text;
    if (typeof text === 'string') {
      found.push(...(this.byText.get(text) ?? []));
      if (this.keywords) found.push(...this.keywords.findAll(text));
    }
    if (found.length === 0) return this.unkeyed;
    const unique = [...new Set(found)].sort(byPriority);
    return this.unkeyed.length === 0 ? unique : mergeSorted(unique, this.unkeyed);
  }
}

/** Higher priority first; ties keep the order the rules were written in. */
export function byPriority(a: RuleModel, b: RuleModel): number {
  return b.priority - a.priority || a.order - b.order;
}

function mergeSorted(a: RuleModel[], b: RuleModel[]): RuleModel[] {
  const out: RuleModel[] = [];
  let i = 0;
  let j = 0;
  while (i < a.length && j < b.length)
    out.push(
      byPriority(a[i] as RuleModel, b[j] as RuleModel) <= 0 ? (a[i++] as RuleModel) : (b[j++] as RuleModel),
    );
  while (i < a.length) out.push(a[i++] as RuleModel);
  while (j < b.length) out.push(b[j++] as RuleModel);
  return out;
}

export class RuleIndex {
  private readonly buckets = new Map<Kind, Bucket>();
  private readonly fallbacks = new Map<Kind, Bucket>();

  constructor(rules: readonly RuleModel[]) {
    for (const rule of rules) {
      const target = rule.fallback ? this.fallbacks : this.buckets;
      for (const kind of rule.keys.kinds ?? DEFAULT_RULE_KINDS) {
        const bucket = target.get(kind) ?? new Bucket();
        target.set(kind, bucket);
        bucket.add(rule);
      }
    }
    for (const b of [...this.buckets.values(), ...this.fallbacks.values()]) b.seal();
  }

  /** The rules that may match, best first. */
  candidates(facts: Facts): RuleModel[] {
    return this.buckets.get(facts.kind as Kind)?.candidates(facts) ?? [];
  }

  fallbackCandidates(facts: Facts): RuleModel[] {
    return this.fallbacks.get(facts.kind as Kind)?.candidates(facts) ?? [];
  }
}
