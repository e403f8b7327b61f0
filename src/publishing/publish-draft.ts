/**
 * Publishing a draft, and rolling back to an earlier version, through the same gates:
 *
 *   conflicts (a changed file changed on disk since the draft began) → validate + conversation
 *   tests on a copy → the version recorded in the store (compare-and-set: the commit point) →
 *   the files written (journal, then renames) → the hot reload → the audit log.
 *
 * Anything refused leaves the files, the store and the running rules exactly as they were.
 */
import type { Logger } from 'pino';
import { AuthoringError } from '../authoring/authoring-error.ts';
import {
  type Draft,
  diffOf,
  draftChanges,
  draftConflicts,
  type FileChange,
  startDraft,
} from '../authoring/draft.ts';
import { insideRules, type RulesFolder, readRuleFiles } from '../authoring/rules-folder.ts';
import { formatProblem, type RuleProblem } from '../rules/problems.ts';
import { filesLetGo, filesLetGoZh, type RuleVersionLog } from '../store/rule-version-log.ts';
import { checkCandidate } from './publish-gates.ts';
import { type FileWrites, writeRuleFiles, writesToMatch } from './write-rule-files.ts';

export interface PublishContext {
  folder: RulesFolder;
  versions: RuleVersionLog;
  now: () => number;
  /** Loads the written files now (serve's LiveRules.reload) rather than waiting for the watcher. */
  reload?: () => unknown;
  /** Where the audit line of every publish, rollback and refusal goes. */
  audit?: Logger;
}

export type PublishRefusal =
  /** The draft changes nothing. */
  | { reason: 'nothing' }
  /** Files the draft changes were changed on disk since it began. */
  | { reason: 'conflict'; files: string[] }
  /** Someone published after the checks began: start again from the new version. */
  | { reason: 'stale'; latest: number }
  /** Validation errors. */
  | { reason: 'invalid'; problems: RuleProblem[]; warnings: RuleProblem[] }
  /** Conversation tests failed. */
  | { reason: 'tests'; failures: string[]; failuresZh: string[]; warnings: RuleProblem[] }
  /** A path or an edit the editor refuses, or a version that cannot be rolled back to; `zh` for the console. */
  | { reason: 'refused'; message: string; zh: string };

export type PublishOutcome =
  | { ok: true; version: number; files: string[]; diff: string; warnings: RuleProblem[]; testsPassed: number }
  | ({ ok: false; message: string } & PublishRefusal);

/** One line saying why, for the page and the CLI. */
export function describeRefusal(r: PublishRefusal): string {
  switch (r.reason) {
    case 'nothing':
      return 'the draft changes nothing';
    case 'conflict':
      return `${r.files.join(', ')} changed on disk since this draft began (someone else edited or published): review the new text, then apply your edits to it again`;
    case 'stale':
      return `version ${r.latest} was published while this one was being checked: apply your edits to it again`;
    case 'invalid':
      return `refused: the rules would not validate — ${r.problems.map(formatProblem).join('; ')}`;
    case 'tests':
      return `refused: ${r.failures.length} conversation test step(s) would fail\n${r.failures.join('\n')}`;
    case 'refused':
      return r.message;
  }
}

import { consoleEditsMessage, rollbackMessage, SEED_MESSAGE, SEED_PUBLISHER } from './version-messages.ts';

const refuse = (r: PublishRefusal): PublishOutcome => ({ ok: false, message: describeRefusal(r), ...r });

/**
 * The version number to publish after. Before the first publish the files found on disk become
 * version 1 ("as found"), so a rollback can always return to what was there before the console.
 */
async function baseVersion(ctx: PublishContext): Promise<number> {
  const latest = await ctx.versions.latestRuleVersion();
  if (latest > 0) return latest;
  const files = Object.fromEntries(readRuleFiles(ctx.folder));
  const seeded = await ctx.versions.publishRuleVersion(0, {
    at: ctx.now(),
    by: SEED_PUBLISHER,
    message: SEED_MESSAGE,
    changed: 0,
    diff: '',
    files,
  });
  return seeded ?? (await ctx.versions.latestRuleVersion());
}

async function publishChanges(
  changes: FileChange[],
  conflicts: string[],
  meta: { by: string; message: string; kind: 'publish' | 'rollback' | 'import' },
  ctx: PublishContext,
): Promise<PublishOutcome> {
  const audit = (outcome: PublishOutcome) => {
    ctx.audit?.info(
      {
        audit: meta.kind,
        by: meta.by,
        ok: outcome.ok,
        ...(outcome.ok ? { version: outcome.version, files: outcome.files } : { refused: outcome.reason }),
        message: meta.message,
      },
      outcome.ok
        ? `rules version ${outcome.version} published by ${meta.by}`
        : `publish by ${meta.by} refused`,
    );
    return outcome;
  };
  if (changes.length === 0) return audit(refuse({ reason: 'nothing' }));
  try {
    for (const c of changes) insideRules(ctx.folder, c.file);
  } catch (err) {
    if (err instanceof AuthoringError)
      return audit(refuse({ reason: 'refused', message: err.message, zh: err.zhOrCode }));
    throw err;
  }
  if (conflicts.length) return audit(refuse({ reason: 'conflict', files: conflicts }));
  const writes: FileWrites = Object.fromEntries(changes.map((c) => [c.file, c.after]));
  const gates = await checkCandidate(ctx.folder, writes);
  if (gates.errors.length)
    return audit(refuse({ reason: 'invalid', problems: gates.errors, warnings: gates.warnings }));
  if (gates.testFailures.length)
    return audit(
      refuse({
        reason: 'tests',
        failures: gates.testFailures,
        failuresZh: gates.testFailuresZh,
        warnings: gates.warnings,
      }),
    );
  const base = await baseVersion(ctx);
  const files = Object.fromEntries(readRuleFiles(ctx.folder));
  for (const [f, t] of Object.entries(writes)) {
    if (t === null) delete files[f];
    else files[f] = t;
  }
  const diff = diffOf(changes);
  const version = await ctx.versions.publishRuleVersion(base, {
    at: ctx.now(),
    by: meta.by,
    message: meta.message,
    changed: changes.length,
    diff,
    files,
  });
  if (version === undefined)
    return audit(refuse({ reason: 'stale', latest: await ctx.versions.latestRuleVersion() }));
  // The store holds the version now (the commit point); the files follow, crash-safe.
  const written = writeRuleFiles(ctx.folder, version, writes);
  // The reload runs in a loader process: "published" is said once this replica answers with it.
  await ctx.reload?.();
  return audit({
    ok: true,
    version,
    files: written,
    diff,
    warnings: gates.warnings,
    testsPassed: gates.testsPassed,
  });
}

/** Publishes a draft (see the file comment for the steps). */
export async function publishDraft(
  draft: Draft,
  meta: { by: string; message: string },
  ctx: PublishContext,
): Promise<PublishOutcome> {
  let changes: FileChange[];
  try {
    changes = draftChanges(draft);
  } catch (err) {
    if (err instanceof AuthoringError)
      return refuse({ reason: 'refused', message: err.message, zh: err.zhOrCode });
    throw err;
  }
  const message = meta.message.trim() || consoleEditsMessage(draft.edits.length);
  return publishChanges(
    changes,
    draftConflicts(draft, ctx.folder, changes),
    { ...meta, message, kind: 'publish' },
    ctx,
  );
}

/** Publishes a whole set of files (an import, a rollback) as the next version, through the gates. */
export async function publishFiles(
  files: Record<string, string>,
  meta: { by: string; message: string; kind: 'rollback' | 'import' },
  ctx: PublishContext,
): Promise<PublishOutcome> {
  const disk = readRuleFiles(ctx.folder);
  const writes = writesToMatch(disk, files);
  const changes = Object.entries(writes).map(([file, after]) => ({
    file,
    before: disk.get(file) ?? null,
    after,
  }));
  changes.sort((a, b) => a.file.localeCompare(b.file));
  return publishChanges(changes, [], meta, ctx);
}

/** Publishes the files of an earlier version again as the newest version. */
export async function rollbackTo(version: number, by: string, ctx: PublishContext): Promise<PublishOutcome> {
  const old = await ctx.versions.ruleVersion(version);
  if (!old)
    return refuse({
      reason: 'refused',
      message: `there is no published version ${version}`,
      zh: `没有已发布的版本 ${version}：请在“版本”列表里选一个版本回滚`,
    });
  if (!old.files)
    return refuse({ reason: 'refused', message: filesLetGo(version), zh: filesLetGoZh(version) });
  return publishFiles(old.files, { by, message: rollbackMessage(version), kind: 'rollback' }, ctx);
}

/** A draft on the folder's current files and the latest version (convenience for callers). */
export async function newDraft(by: string, ctx: PublishContext): Promise<Draft> {
  return startDraft(ctx.folder, { by, baseVersion: await ctx.versions.latestRuleVersion(), now: ctx.now() });
}
