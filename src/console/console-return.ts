/**
 * Where the login sends the operator after signing in: the console page they were on when their
 * session ended. The address comes from the query string (`?next=`), so anyone can write a link
 * that carries one; only a same-origin path to a console page is followed, never another site.
 * `//evil.example`, `/\evil.example` and `/console/..%2f..%2fevil` all name another place in some
 * browser or proxy, so anything unusual is refused outright (the login then lands on 概览) rather
 * than repaired.
 */

/** Longest return address kept: a page with its filters fits easily. */
const MAX_LENGTH = 1000;

/** `/console` or `/console/<page>[/<id>…]`, segments of plain characters, no dot segments. */
const PAGE_PATH = /^\/console(?:\/[A-Za-z0-9_~-][A-Za-z0-9._~-]*)*\/?$/;

/** What a query may hold: printable ASCII without backslash or a second `?`-less trick. */
const QUERY = /^\?[A-Za-z0-9._~\-%=&+:,@!*'()/]*$/;

/** Paths that make no sense to return to: the login itself, sign-out, the JSON API, files. */
const NOT_A_PAGE = /^\/console\/(?:login|logout|api|assets)(?:\/|$)/;

/**
 * `value` when it is a console page on this site (path and query as written), else undefined.
 * Percent-encoding is refused in the path: `%2e%2e` or `%2f` would be decoded by the browser into
 * a path the check above never saw.
 */
export function safeReturnPath(value: string | null | undefined): string | undefined {
  if (!value || value.length > MAX_LENGTH) return undefined;
  const q = value.indexOf('?');
  const path = q === -1 ? value : value.slice(0, q);
  const query = q === -1 ? '' : value.slice(q);
  if (!PAGE_PATH.test(path) || NOT_A_PAGE.test(path)) return undefined;
  if (query && !QUERY.test(query)) return undefined;
  return value;
}

/** The login's address that brings the operator back to `path` (already checked) afterwards. */
export function loginAddress(next: string | undefined, ended: boolean): string {
  // 概览 is where the login lands anyway: no need to say so in the address.
  if (next === '/console' || next === '/console/') next = undefined;
  const params = [ended ? 'ended' : '', next ? `next=${encodeURIComponent(next)}` : ''].filter(Boolean);
  return `/console/login${params.length ? `?${params.join('&')}` : ''}`;
}
