/**
 * Each console session's draft, kept in this process until it is published or discarded (a
 * restart loses an unpublished draft; the files and published versions are never at risk). The
 * key is a hash of the session cookie, so the cookie itself is never kept or logged.
 */
import { createHash } from 'node:crypto';
import type { IncomingMessage } from 'node:http';
import type { Draft } from '../../authoring/draft.ts';
import { rulesFolder } from '../../authoring/rules-folder.ts';
import type { PublishContext } from '../../publishing/publish-draft.ts';
import { readCookies } from '../console-http.ts';
import type { ConsoleContext } from '../console-page.ts';
import { SESSION_COOKIE } from '../console-session.ts';

const drafts = new WeakMap<ConsoleContext, Map<string, Draft>>();

/** A short name for the signed-in session (the console has one password, so no user names). */
export function sessionKey(req: IncomingMessage): string {
  const id = readCookies(req)[SESSION_COOKIE] ?? '';
  return createHash('sha256').update(id).digest('hex').slice(0, 10);
}

export function draftsOf(ctx: ConsoleContext): Map<string, Draft> {
  let map = drafts.get(ctx);
  if (!map) {
    map = new Map();
    drafts.set(ctx, map);
  }
  return map;
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

/** Who a publish is recorded as: the name the editor gave, and the console session it came from. */
export function publisher(name: unknown, req: IncomingMessage): string {
  const given = typeof name === 'string' ? name.trim().slice(0, 40) : '';
  return `${given || '控制台'} (console ${sessionKey(req)})`;
}
