/**
 * The rule set a `kfbot faq …` subcommand works on, and its FAQ — or, on stderr, why there is
 * none: the rules' errors with their positions (fix them with `kfbot validate`), or no FAQ at all.
 */

import { loadRules } from '../rules/load-rules.ts';
import { formatProblem } from '../rules/problems.ts';
import type { FaqModel, RuleSet } from '../rules/rule-model.ts';
import type { CommandIo } from './command.ts';
import { rulesTarget } from './rules-target.ts';

export interface FaqRules {
  target: string;
  ruleSet: RuleSet;
  faq: FaqModel;
}

/** `command` names the subcommand in its lines (`kfbot faq expand`). */
export function loadFaqRules(
  path: string | undefined,
  io: Pick<CommandIo, 'env' | 'cwd' | 'stderr'>,
  command: string,
): FaqRules | undefined {
  const target = rulesTarget(path, io);
  const loaded = loadRules(target, io.cwd);
  const errors = loaded.problems.filter((p) => p.severity === 'error');
  if (!loaded.ruleSet || errors.length > 0) {
    for (const p of errors) io.stderr.write(`${formatProblem(p)}\n`);
    io.stderr.write(
      `✗ ${command}: the rules in ${target} have errors; fix them first (kfbot validate ${target})\n`,
    );
    return undefined;
  }
  const faq = loaded.ruleSet.faq;
  if (!faq) {
    io.stderr.write(
      `✗ ${command}: ${target} has no FAQ: no menu item or faq: entry lists questions: (相似问法)\n`,
    );
    return undefined;
  }
  return { target, ruleSet: loaded.ruleSet, faq };
}
