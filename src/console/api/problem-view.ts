/**
 * A rules problem as 编辑与发布 shows it: the pieces of its Chinese line (problem-zh.ts) and, when
 * its position falls inside something the page edits, that field (an FAQ item's answer, a 话术
 * text, a menu's head), which the page names first and links to. The files are the candidate's
 * the problem was found in: the rules folder with the draft's changes over it.
 */
import type { FileChange } from '../../authoring/draft.ts';
import { type EditorField, problemFields } from '../../authoring/problem-field.ts';
import type { RulesFolder } from '../../authoring/rules-folder.ts';
import { readRuleFiles } from '../../authoring/rules-folder.ts';
import { problemPartsZh } from '../../rules/problem-zh.ts';
import type { RuleProblem } from '../../rules/problems.ts';

export interface ProblemView {
  how: string;
  place: string;
  meaning?: string;
  english: string;
  field?: EditorField;
}

/** `candidate` null: the files the problems were found in are not the draft's (a rollback's), so no field. */
export function problemViews(
  candidate: { folder: RulesFolder; changes: readonly FileChange[] } | null,
): (p: RuleProblem) => ProblemView {
  let fieldOf: ((p: RuleProblem) => EditorField | undefined) | undefined;
  if (candidate) {
    const files = readRuleFiles(candidate.folder);
    for (const c of candidate.changes) {
      if (c.after === null) files.delete(c.file);
      else files.set(c.file, c.after);
    }
    fieldOf = problemFields(files);
  }
  return (p) => {
    const { meaning, ...parts } = problemPartsZh(p);
    const field = fieldOf?.(p);
    return { ...parts, ...(meaning !== undefined && { meaning }), ...(field && { field }) };
  };
}
