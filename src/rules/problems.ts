/**
 * A mistake found in a rule file, with the place a person must look at. Rules loading and
 * `kfbot validate` collect every problem before reporting, never just the first.
 */

import { compareNames } from './compare-names.ts';

export interface SourcePosition {
  file: string;
  /** 1-based. */
  line: number;
  /** 1-based. */
  col: number;
}

export interface RuleProblem extends SourcePosition {
  severity: 'error' | 'warning';
  message: string;
}

export function formatProblem(p: RuleProblem): string {
  return `${p.file}:${p.line}:${p.col}: ${p.severity}: ${p.message}`;
}

export function sortProblems(problems: RuleProblem[]): RuleProblem[] {
  return problems.sort((a, b) => compareNames(a.file, b.file) || a.line - b.line || a.col - b.col);
}

/** Thrown when rules cannot be loaded; carries every problem found. */
export class RulesError extends Error {
  override readonly name = 'RulesError';
  readonly code = 'RULES_INVALID';

  constructor(readonly problems: readonly RuleProblem[]) {
    const errors = problems.filter((p) => p.severity === 'error');
    super(
      `${errors.length} problem${errors.length === 1 ? '' : 's'} in the rules:\n${errors.map(formatProblem).join('\n')}`,
    );
  }
}
