/**
 * Each console session's draft, kept in the store (store/draft-book.ts) until it is published or
 * discarded: it survives a restart, and with replicas any of them serves the next request. The key
 * is a hash of the session cookie, so the cookie itself is never kept or logged.
 */
import { createHash } from 'node:crypto';
import type { IncomingMessage } from 'node:http';
import type { Draft } from '../../authoring/draft.ts';
import { rulesFolder } from '../../authoring/rules-folder.ts';
import type { PublishContext } from '../../publishing/publish-draft.ts';
import { readCookies } from '../console-http.ts';
import { ConsoleApiError, type ConsoleContext } from '../console-page.ts';
import { SESSION_COOKIE } from '../console-session.ts';

/** The stored form's format version: a draft another format wrote is refused, not misread. */
const DRAFT_FORMAT = 1;

/** A short name for the signed-in session (the console has one password, so no user names). */
export function sessionKey(req: IncomingMessage): string {
  const id = readCookies(req)[SESSION_COOKIE] ?? '';
  return createHash('sha256').update(id).digest('hex').slice(0, 10);
}

/** The session's draft, or undefined when it has none. */
export async function loadDraft(ctx: ConsoleContext, req: IncomingMessage): Promise<Draft | undefined> {
  const text = await ctx.store.drafts.getDraft(sessionKey(req), ctx.now());
  if (text === undefined) return undefined;
  const raw = JSON.parse(text) as Record<string, unknown>;
  const { format, ...draft } = raw;
  const ok =
    format === DRAFT_FORMAT &&
    typeof draft.id === 'string' &&
    typeof draft.baseVersion === 'number' &&
    typeof draft.base === 'object' &&
    draft.base !== null &&
    Array.isArray(draft.edits);
  if (!ok)
    throw new ConsoleApiError(
      409,
      `草稿是另一个 kfbot 版本保存的，请点“放弃草稿”后重新修改 · your draft was saved by another kfbot version (format ${String(format)}, this one reads ${DRAFT_FORMAT}); discard it to start again`,
    );
  return draft as unknown as Draft;
}

export async function saveDraft(ctx: ConsoleContext, req: IncomingMessage, draft: Draft): Promise<void> {
  await ctx.store.drafts.putDraft(
    sessionKey(req),
    JSON.stringify({ format: DRAFT_FORMAT, ...draft }),
    ctx.now(),
  );
}

export async function dropDraft(ctx: ConsoleContext, req: IncomingMessage): Promise<void> {
  await ctx.store.drafts.deleteDraft(sessionKey(req));
}

export function publishContext(ctx: ConsoleContext): PublishContext {
  return {
    folder: rulesFolder(ctx.rules.target, ctx.rules.cwd),
    versions: ctx.store.ruleVersions,
    now: ctx.now,
    reload: () => ctx.rules.reload(),
    audit: ctx.log,
  };
}

/**
 * Who a publish is recorded as: the name the editor gave, and the console session it came from.
 * The console has one password and no accounts, so the name is whatever was typed; the session
 * tells two sign-ins apart that typed the same name, or none.
 */
export function publisher(name: unknown, req: IncomingMessage): string {
  const given = typeof name === 'string' ? name.trim().slice(0, 40) : '';
  return `${given || '控制台'} (console ${sessionKey(req)})`;
}

/** A recorded publisher read back: the name, and the console session when publisher() wrote it. */
export function readPublisher(by: string): { name: string; session: string | null } {
  const m = /^(.*) \(console ([0-9a-f]{10})\)$/.exec(by);
  return m ? { name: m[1] as string, session: m[2] as string } : { name: by, session: null };
}
