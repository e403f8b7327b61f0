/**
 * The one entry point for reading rules: files → compiled RuleSet → whole-set checks. Used by
 * `kfbot validate`, `kfbot simulate`, and `kfbot serve` (at start and on every hot reload).
 */
import { checkRuleSet } from './check-rule-set.ts';
import type { FaqBuildCache } from './compile-faq.ts';
import { compileRuleSources } from './compile-rules.ts';
import { type RuleProblem, RulesError, sortProblems } from './problems.ts';
import type { RuleSet } from './rule-model.ts';
import { type RuleSources, readRuleSources } from './rule-source.ts';

export interface LoadedRules {
  /** Present when there is no error (warnings allowed). */
  ruleSet?: RuleSet;
  problems: RuleProblem[];
  files: string[];
}

export interface LoadOptions {
  /** An FAQ index built elsewhere to reuse, and where the one built is left (compile-faq.ts). */
  faq?: FaqBuildCache;
  /** Every problem the load that built `faq.use` found: the checks are not run again when it is reused. */
  checked?: readonly RuleProblem[];
  /** The files, already read and parsed by the caller (load-rules-at-start.ts): not read twice. */
  sources?: RuleSources;
}

/**
 * Reads, compiles and checks the rules. Never throws: whatever is wrong with the files is a
 * problem in the result, so no rule file can stop `validate` or a running server.
 */
export function loadRules(target: string, cwd: string = process.cwd(), opts: LoadOptions = {}): LoadedRules {
  try {
    return load(target, cwd, opts);
  } catch (err) {
    // Every known mistake is a problem already; this is the net under the ones nobody foresaw.
    const message = `kfbot could not read these rules: ${(err as Error).message} (a kfbot bug: please report it with the file)`;
    return { problems: [{ file: target, line: 1, col: 1, severity: 'error', message }], files: [] };
  }
}

function load(target: string, cwd: string, opts: LoadOptions): LoadedRules {
  const sources = opts.sources ?? readRuleSources(target, cwd);
  const compiled = compileRuleSources(sources, opts.faq);
  // The whole-set checks run even when compiling found errors: every problem in one run. Those of
  // the loader process that built the reused FAQ stand for them (the same files, as the FAQ's key shows).
  const reused = opts.faq?.use !== undefined && opts.faq.made === opts.faq.use;
  const checks = reused && opts.checked ? opts.checked : checkRuleSet(compiled.ruleSet, compiled.broken);
  const problems = [...compiled.problems, ...checks];
  const errors = problems.some((p) => p.severity === 'error');
  if (!errors && compiled.ruleSet.rules.length === 0) {
    problems.push({
      file: target,
      line: 1,
      col: 1,
      severity: 'warning',
      message: `no rule in "${target}": kfbot will answer nothing (add a rules: list, or menu items with reply:)`,
    });
  }
  const unique = new Map(problems.map((p) => [`${p.file}:${p.line}:${p.col}:${p.message}`, p]));
  const sorted = sortProblems([...unique.values()]);
  const ok = !errors;
  return {
    ...(ok && { ruleSet: compiled.ruleSet }),
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
