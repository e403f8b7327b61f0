/**
 * A draft: the rule files as they were when an editor began, and the edits made since. Nothing
 * reaches the files or the running rules until it is published. Edits are kept as data, not as
 * the changed text, so a draft whose files changed underneath it can be started again on the new
 * files with the same edits (rebase) — or shown as a conflict, never overwriting the other change.
 */
import { randomUUID } from 'node:crypto';
import { AuthoringError } from './authoring-error.ts';
import { unifiedDiff } from './line-diff.ts';
import { applyEdit, type RuleEdit, type RuleFiles } from './rule-edit.ts';
import { insideRules, type RulesFolder, readRuleFiles } from './rules-folder.ts';

export interface Draft {
  id: string;
  /** Who began it (the console session's user). */
  by: string;
  startedAt: number;
  /** The published version it began from (0: none published yet). */
  baseVersion: number;
  /** The files when it began, by relative path: what a conflict is measured against. */
  base: Record<string, string>;
  edits: RuleEdit[];
}

export interface FileChange {
  file: string;
  /** null: the file is new. */
  before: string | null;
  /** null: the file is deleted. */
  after: string | null;
}

export function startDraft(
  folder: RulesFolder,
  opts: { by: string; baseVersion: number; now: number; files?: RuleFiles },
): Draft {
  const files = opts.files ?? readRuleFiles(folder);
  return {
    id: randomUUID(),
    by: opts.by,
    startedAt: opts.now,
    baseVersion: opts.baseVersion,
    base: Object.fromEntries(files),
    edits: [],
  };
}

function applyAll(base: Record<string, string>, edits: readonly RuleEdit[]): RuleFiles {
  const files: RuleFiles = new Map(Object.entries(base));
  edits.forEach((edit, i) => {
    try {
      applyEdit(files, edit);
    } catch (err) {
      if (err instanceof AuthoringError && edits.length > 1)
        throw new AuthoringError(err.code, `edit ${i + 1} (${edit.op}): ${err.message}`, err.zh);
      throw err;
    }
  });
  return files;
}

/** The files as the draft would leave them. */
export function draftFiles(draft: Draft): RuleFiles {
  return applyAll(draft.base, draft.edits);
}

/** The draft with one more edit; throws AuthoringError (and the draft is unchanged) if it cannot apply. */
export function addEdit(draft: Draft, edit: RuleEdit, folder: RulesFolder): Draft {
  if ('file' in edit && edit.file !== undefined) insideRules(folder, edit.file);
  const edits = [...draft.edits, edit];
  applyAll(draft.base, edits);
  return { ...draft, edits };
}

/** The draft with several more edits (an import), applied in one pass; all or none. */
export function addEdits(draft: Draft, more: readonly RuleEdit[], folder: RulesFolder): Draft {
  for (const e of more) if ('file' in e && e.file !== undefined) insideRules(folder, e.file);
  const edits = [...draft.edits, ...more];
  applyAll(draft.base, edits);
  return { ...draft, edits };
}

/** The draft without its last edit (undo). */
export function undoEdit(draft: Draft): Draft {
  return { ...draft, edits: draft.edits.slice(0, -1) };
}

/** Every file the draft adds, changes or deletes, sorted by path. */
export function draftChanges(draft: Draft): FileChange[] {
  const after = draftFiles(draft);
  const names = new Set([...Object.keys(draft.base), ...after.keys()]);
  const out: FileChange[] = [];
  for (const file of [...names].sort()) {
    const b = draft.base[file] ?? null;
    const a = after.get(file) ?? null;
    if (a !== b) out.push({ file, before: b, after: a });
  }
  return out;
}

/** The draft as a unified diff of the YAML (what review shows, and the published version keeps). */
export function diffOf(changes: readonly FileChange[]): string {
  return changes.map((c) => unifiedDiff(c.file, c.before, c.after)).join('');
}

/**
 * The files the draft changes that changed on disk since it began (edited, created or deleted by
 * someone else): publishing them would overwrite that change.
 */
export function draftConflicts(draft: Draft, folder: RulesFolder, changes = draftChanges(draft)): string[] {
  const disk = readRuleFiles(folder);
  return changes.filter((c) => (disk.get(c.file) ?? null) !== c.before).map((c) => c.file);
}

/** The same edits on the files as they are now; throws AuthoringError if one no longer applies. */
export function rebaseDraft(draft: Draft, folder: RulesFolder, baseVersion: number): Draft {
  const base = Object.fromEntries(readRuleFiles(folder));
  applyAll(base, draft.edits);
  return { ...draft, base, baseVersion };
}
