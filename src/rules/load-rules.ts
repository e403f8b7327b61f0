/**
 * The one entry point for reading rules: files → compiled RuleSet → whole-set checks. Used by
 * `kfbot validate`, `kfbot simulate`, and `kfbot serve` (at start and on every hot reload).
 */
import { checkRuleSet } from './check-rule-set.ts';
import { compileRuleSources } from './compile-rules.ts';
import { type RuleProblem, RulesError, sortProblems } from './problems.ts';
import type { RuleSet } from './rule-model.ts';
import { readRuleSources } from './rule-source.ts';

export interface LoadedRules {
  /** Present when there is no error (warnings allowed). */
  ruleSet?: RuleSet;
  problems: RuleProblem[];
  files: string[];
}

export function loadRules(target: string, cwd: string = process.cwd()): LoadedRules {
  const sources = readRuleSources(target, cwd);
  const compiled = compileRuleSources(sources);
  const problems = [...compiled.problems];
  if (compiled.ruleSet) problems.push(...checkRuleSet(compiled.ruleSet));
  const unique = new Map(problems.map((p) => [`${p.file}:${p.line}:${p.col}:${p.message}`, p]));
  const sorted = sortProblems([...unique.values()]);
  const ok = compiled.ruleSet && !sorted.some((p) => p.severity === 'error');
  return {
    ...(ok && compiled.ruleSet && { ruleSet: compiled.ruleSet }),
    problems: sorted,
    files: sources.files,
  };
}

/** Like loadRules, but throws a RulesError listing every error. */
export function loadRulesOrThrow(target: string, cwd?: string): RuleSet {
  const loaded = loadRules(target, cwd);
  if (!loaded.ruleSet) throw new RulesError(loaded.problems);
  return loaded.ruleSet;
}
