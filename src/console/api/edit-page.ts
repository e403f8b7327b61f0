/**
 * 编辑与发布 Edit & publish: FAQ items (label, 相似问法, reply), menus (head, tail, order) and the
 * texts rules send, edited into a draft of this session; the draft's YAML diff; publish through
 * validate and the conversation tests; the published versions with rollback; and the 未答问题
 * rows, each one click from becoming a 相似问法 (preselected: the item customers chose in 猜你想问,
 * else the nearest) or a new item. The files stay the truth (publishing/publish-draft.ts).
 */
import type { IncomingMessage } from 'node:http';
import { AuthoringError } from '../../authoring/authoring-error.ts';
import {
  addEdit,
  addEdits,
  type Draft,
  diffOf,
  draftChanges,
  draftConflicts,
  draftFiles,
  rebaseDraft,
  undoEdit,
} from '../../authoring/draft.ts';
import { kbImportEdits, kbRowsOf, readKbWorkbook, writeKbWorkbook } from '../../authoring/kb-excel.ts';
import { ruleCatalogue } from '../../authoring/rule-catalogue.ts';
import type { RuleEdit } from '../../authoring/rule-edit.ts';
import { readRuleFiles } from '../../authoring/rules-folder.ts';
import { describeRefusalZh } from '../../publishing/describe-refusal-zh.ts';
import { newDraft, publishDraft, rollbackTo } from '../../publishing/publish-draft.ts';
import { tryCandidate } from '../../publishing/publish-gates.ts';
import { kfbotPublisherZh, versionMessageZh } from '../../publishing/version-messages.ts';
import type { UnansweredQuestion } from '../../store/unanswered-log.ts';
import { ConsoleApiError, type ConsoleContext, type ConsolePage } from '../console-page.ts';
import {
  dropDraft,
  loadDraft,
  publishContext,
  publisher,
  readPublisher,
  saveDraft,
} from './console-drafts.ts';
import { problemViews } from './problem-view.ts';

/** What the browser may ask for; whole-file replacement is for rollback and import only. */
const EDIT_OPS = ['set-item', 'add-item', 'remove-item', 'move-item', 'set-menu', 'set-rule-text'] as const;
const UNANSWERED_DAYS = 30;

const obj = (v: unknown): Record<string, unknown> =>
  v !== null && typeof v === 'object' && !Array.isArray(v) ? (v as Record<string, unknown>) : {};

/** A refused edit as the page shows it: Chinese first (what to do), the English detail after. */
function asError(err: unknown): never {
  if (err instanceof AuthoringError)
    throw new ConsoleApiError(
      err.code === 'not-found' ? 404 : err.code === 'exists' ? 409 : 400,
      `${err.zhOrCode} · ${err.message}`,
    );
  throw err;
}

/** The item an unanswered text most likely belongs to: chosen in 猜你想问 most, else the nearest. */
function preselect(
  u: UnansweredQuestion,
  ids: Set<string>,
): { id: string; why: 'chosen' | 'nearest' } | null {
  const chosen = Object.entries(u.chosen)
    .filter(([id]) => ids.has(id))
    .sort((a, b) => b[1] - a[1])[0];
  if (chosen) return { id: chosen[0], why: 'chosen' };
  const nearest = u.candidates.find((c) => ids.has(c.id));
  return nearest ? { id: nearest.id, why: 'nearest' } : null;
}

async function state(ctx: ConsoleContext, req: IncomingMessage) {
  const pc = publishContext(ctx);
  const draft = await loadDraft(ctx, req);
  const files = draft ? draftFiles(draft) : readRuleFiles(pc.folder);
  const changes = draft ? draftChanges(draft) : [];
  const catalogue = ruleCatalogue(files);
  const ids = new Set(catalogue.items.map((i) => i.id));
  const [latest, versions, unanswered] = await Promise.all([
    pc.versions.latestRuleVersion(),
    pc.versions.listRuleVersions(10),
    ctx.store.listUnanswered(ctx.now() - UNANSWERED_DAYS * 86_400_000, 30),
  ]);
  return {
    rules: ctx.rules.target,
    running: ctx.rules.current?.version ?? null,
    latest,
    catalogue,
    draft: draft && {
      startedAt: draft.startedAt,
      baseVersion: draft.baseVersion,
      edits: draft.edits,
      files: changes.map((c) => c.file),
      diff: diffOf(changes),
      conflicts: draftConflicts(draft, pc.folder, changes),
    },
    versions: versions.map((v) => ({
      ...v,
      message: versionMessageZh(v.message),
      publisher: kfbotPublisherZh(v.by, v.message) ?? readPublisher(v.by),
    })),
    unanswered: unanswered.map((u) => ({
      text: u.example,
      count: u.count,
      lastSeen: u.lastSeen,
      suggest: preselect(u, ids),
    })),
  };
}

function readEdit(body: unknown): RuleEdit {
  const edit = obj(obj(body).edit);
  if (!(EDIT_OPS as readonly unknown[]).includes(edit.op))
    throw new ConsoleApiError(400, `不认识的修改 · edit.op is one of ${EDIT_OPS.join(', ')}`);
  return edit as unknown as RuleEdit;
}

export const editPage: ConsolePage = {
  id: 'edit',
  title: '编辑与发布 Edit',
  nav: true,
  api: {
    authoring: { method: 'GET', handle: (ctx, { req }) => state(ctx, req) },
    'draft-edit': {
      method: 'POST',
      async handle(ctx, { body, req }) {
        const edit = readEdit(body);
        const pc = publishContext(ctx);
        const draft = (await loadDraft(ctx, req)) ?? (await newDraft(publisher(undefined, req), pc));
        let next: Draft;
        try {
          next = addEdit(draft, edit, pc.folder);
        } catch (err) {
          asError(err);
        }
        await saveDraft(ctx, req, next);
        return state(ctx, req);
      },
    },
    'draft-undo': {
      method: 'POST',
      async handle(ctx, { req }) {
        const draft = await loadDraft(ctx, req);
        if (draft) await saveDraft(ctx, req, undoEdit(draft));
        return state(ctx, req);
      },
    },
    'draft-discard': {
      method: 'POST',
      async handle(ctx, { req }) {
        await dropDraft(ctx, req);
        return state(ctx, req);
      },
    },
    'draft-rebase': {
      method: 'POST',
      async handle(ctx, { req }) {
        const draft = await loadDraft(ctx, req);
        if (!draft) throw new ConsoleApiError(404, '没有草稿，无需重做 · there is no draft');
        const pc = publishContext(ctx);
        let next: Draft;
        try {
          next = rebaseDraft(draft, pc.folder, await pc.versions.latestRuleVersion());
        } catch (err) {
          asError(err);
        }
        await saveDraft(ctx, req, next);
        return state(ctx, req);
      },
    },
    publish: {
      method: 'POST',
      async handle(ctx, { body, req }) {
        const draft = await loadDraft(ctx, req);
        if (!draft)
          throw new ConsoleApiError(
            400,
            '草稿里还没有修改：先改一处再发布 · there is no draft to publish: make an edit first',
          );
        const b = obj(body);
        const message = typeof b.message === 'string' ? b.message.slice(0, 200) : '';
        const pc = publishContext(ctx);
        const changes = draftChanges(draft);
        const outcome = await publishDraft(draft, { by: publisher(b.by, req), message }, pc);
        if (outcome.ok) await dropDraft(ctx, req);
        return { outcome: present(outcome, { folder: pc.folder, changes }), state: await state(ctx, req) };
      },
    },
    rollback: {
      method: 'POST',
      async handle(ctx, { body, req }) {
        const b = obj(body);
        const version = Number(b.version);
        if (!Number.isInteger(version) || version < 1)
          throw new ConsoleApiError(400, '版本号是 1、2… 这样的数字 · version is a number (1, 2, …)');
        const pc = publishContext(ctx);
        const outcome = await rollbackTo(version, publisher(b.by, req), pc);
        return { outcome: present(outcome, null), state: await state(ctx, req) };
      },
    },
    'draft-try': {
      method: 'POST',
      async handle(ctx, { body, req }) {
        const text = obj(body).text;
        if (typeof text !== 'string' || !text.trim())
          throw new ConsoleApiError(400, '请先输入客户会说的话 · type what a customer would say');
        const draft = await loadDraft(ctx, req);
        const changes = draft ? draftChanges(draft) : [];
        const writes = Object.fromEntries(changes.map((c) => [c.file, c.after]));
        const { folder } = publishContext(ctx);
        const out = await tryCandidate(folder, writes, text.slice(0, 500));
        return { reply: out.reply ?? null, errors: out.errors.map(problemViews({ folder, changes })) };
      },
    },
    'kb-export': {
      method: 'GET',
      async handle(ctx) {
        const pc = publishContext(ctx);
        const { rows } = kbRowsOf(ruleCatalogue(readRuleFiles(pc.folder)));
        return {
          file: {
            name: `知识库-${new Date(ctx.now()).toISOString().slice(0, 10)}.xlsx`,
            type: 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet',
            body: await writeKbWorkbook(rows),
          },
        };
      },
    },
    'kb-import': {
      method: 'POST',
      maxBodyBytes: 8 * 1024 * 1024,
      async handle(ctx, { body, req }) {
        const data = obj(body).xlsx;
        if (typeof data !== 'string')
          throw new ConsoleApiError(400, '没有收到文件 · send {"xlsx": "<the .xlsx file, base64>"}');
        const pc = publishContext(ctx);
        const draft = (await loadDraft(ctx, req)) ?? (await newDraft(publisher(undefined, req), pc));
        try {
          const { rows, skipped } = await readKbWorkbook(Buffer.from(data, 'base64'));
          const files = draftFiles(draft);
          const catalogue = ruleCatalogue(files);
          const target =
            catalogue.items.find((i) => i.kind === 'faq')?.file ?? pc.folder.single ?? 'faq.yaml';
          const merge = kbImportEdits(rows, catalogue, target);
          await saveDraft(ctx, req, addEdits(draft, merge.edits, pc.folder));
          const { edits: _e, ...report } = merge;
          return {
            report: { ...report, skipped: [...skipped, ...report.skipped] },
            state: await state(ctx, req),
          };
        } catch (err) {
          asError(err);
        }
      },
    },
    'rule-version': {
      method: 'GET',
      async handle(ctx, { rest }) {
        const v = await ctx.store.ruleVersions.ruleVersion(Number(rest));
        if (!v)
          throw new ConsoleApiError(404, `没有已发布的版本 ${rest} · there is no published version ${rest}`);
        const { files: _files, ...shown } = v;
        return { ...shown, message: versionMessageZh(v.message) };
      },
    },
  },
};

/**
 * A publish's outcome for the page. A validate refusal's problems (and any warnings) come one by
 * one, each with the field it is in, so the page can link to the field; the other refusals as text.
 * A rollback's problems are in the version's files, not the draft's: they keep their file place only.
 */
function present(
  outcome: Awaited<ReturnType<typeof publishDraft>>,
  candidate: Parameters<typeof problemViews>[0],
) {
  const warnings = outcome.ok ? outcome.warnings : 'warnings' in outcome ? outcome.warnings : [];
  const view = problemViews(candidate);
  return {
    ok: outcome.ok,
    ...(outcome.ok
      ? { version: outcome.version, files: outcome.files, testsPassed: outcome.testsPassed }
      : {}),
    ...(!outcome.ok && {
      reason: outcome.reason,
      // The problems' lines are drawn from `problems`; the text keeps its first line, the count.
      message:
        outcome.reason === 'invalid'
          ? (describeRefusalZh(outcome).split('\n')[0] ?? '')
          : describeRefusalZh(outcome),
      ...(outcome.reason === 'invalid' && { problems: outcome.problems.map(view) }),
    }),
    warnings: warnings.map(view),
  };
}
