/**
 * Our Condition tree → json-rules-engine conditions, with the custom operators kfbot needs (regex,
 * keyword sets, schedules). json-rules-engine is the evaluator; this is the only place that builds
 * its conditions, and it never emits `path` (JSONPath) or fact-valued `value`s, so rule files cannot
 * reach those features.
 */
import { createRequire } from 'node:module';
import type { Engine, NestedCondition, RuleProperties, TopLevelCondition } from 'json-rules-engine';
import { compileRegex } from './compile-condition.ts';
import { KeywordMatcher } from './keyword-matcher.ts';
import type { Condition, LeafCondition, RuleModel } from './rule-model.ts';
import { isOpen, type Schedule } from './schedule.ts';

/** Compiled regexes, keyword matchers and schedules, referenced from conditions by id. */
export class OperatorTables {
  readonly regexes: RegExp[] = [];
  readonly keywordSets: KeywordMatcher<true>[] = [];

  constructor(readonly schedules: ReadonlyMap<string, Schedule>) {}

  addRegex(source: string): number {
    const re = compileRegex(source);
    if (typeof re === 'string') throw new Error(`regex ${source} was validated but does not compile: ${re}`);
    return this.regexes.push(re) - 1;
  }

  addKeywords(keywords: readonly string[]): number {
    return this.keywordSets.push(new KeywordMatcher(keywords.map((k) => [k, true as const]))) - 1;
  }
}

const text = (v: unknown): v is string => typeof v === 'string';

export function addOperators(engine: Engine, tables: OperatorTables): void {
  engine.addOperator(
    'kfContains',
    (fact: unknown, needle: unknown) => text(fact) && text(needle) && fact.includes(needle),
  );
  engine.addOperator(
    'kfAny',
    (fact: unknown, id: unknown) => text(fact) && (tables.keywordSets[id as number]?.has(fact) ?? false),
  );
  engine.addOperator('kfRegex', (fact: unknown, id: unknown) => {
    if (!text(fact)) return false;
    const re = tables.regexes[id as number];
    if (!re) return false;
    re.lastIndex = 0; // a /g or /y pattern keeps state between calls otherwise
    return re.test(fact);
  });
  engine.addOperator(
    'kfExists',
    (fact: unknown, want: unknown) => (fact !== undefined && fact !== '') === want,
  );
  engine.addOperator('kfOpen', (now: unknown, name: unknown) => {
    const schedule = tables.schedules.get(name as string);
    return typeof now === 'number' && schedule !== undefined && isOpen(schedule, now);
  });
}

function leaf(c: LeafCondition, tables: OperatorTables): NestedCondition {
  const base = { fact: c.fact === 'time' ? 'now' : c.fact, name: c.label };
  switch (c.op) {
    case 'equals':
      return { ...base, operator: 'equal', value: c.value };
    case 'not_equals':
      return { ...base, operator: 'notEqual', value: c.value };
    case 'in':
      return { ...base, operator: 'in', value: c.value };
    case 'not_in':
      return { ...base, operator: 'notIn', value: c.value };
    case 'contains':
      return { ...base, operator: 'kfContains', value: String(c.value) };
    case 'any':
      return { ...base, operator: 'kfAny', value: tables.addKeywords((c.value as string[]).map(String)) };
    case 'regex':
      return { ...base, operator: 'kfRegex', value: tables.addRegex(String(c.value)) };
    case 'gt':
      return { ...base, operator: 'greaterThan', value: c.value };
    case 'gte':
      return { ...base, operator: 'greaterThanInclusive', value: c.value };
    case 'lt':
      return { ...base, operator: 'lessThan', value: c.value };
    case 'lte':
      return { ...base, operator: 'lessThanInclusive', value: c.value };
    case 'exists':
      return { ...base, operator: 'kfExists', value: c.value };
    case 'open':
      return { ...base, operator: 'kfOpen', value: c.value };
  }
}

function nested(c: Condition, tables: OperatorTables): NestedCondition {
  if ('all' in c) return { all: c.all.map((x) => nested(x, tables)) };
  if ('any' in c) return { any: c.any.map((x) => nested(x, tables)) };
  if ('not' in c) return { not: nested(c.not, tables) };
  return leaf(c, tables);
}

export function engineCondition(c: Condition, tables: OperatorTables): TopLevelCondition {
  if ('all' in c) return { all: c.all.map((x) => nested(x, tables)) };
  if ('any' in c) return { any: c.any.map((x) => nested(x, tables)) };
  if ('not' in c) return { not: nested(c.not, tables) };
  return { all: [leaf(c, tables)] };
}

let EngineClass: typeof Engine | undefined;

/**
 * One json-rules-engine per rule: the index picks candidates, the engine decides each one. The
 * Decider builds a rule's engine when the rule is first a candidate, so the package (~25 ms, a
 * score of modules) is loaded then, by the first decision, not while a server starts. CommonJS,
 * so it loads synchronously.
 */
export function ruleEngine(rule: RuleModel, tables: OperatorTables): Engine {
  EngineClass ??= (createRequire(import.meta.url)('json-rules-engine') as typeof import('json-rules-engine'))
    .Engine;
  const engine = new EngineClass([], { allowUndefinedFacts: true, replaceFactsInEventParams: false });
  addOperators(engine, tables);
  const props: RuleProperties = {
    name: rule.name,
    conditions: engineCondition(rule.condition, tables),
    event: { type: 'matched' },
  };
  engine.addRule(props);
  return engine;
}
