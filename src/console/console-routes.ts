/**
 * The console's HTTP routes, mounted in kfbot's server like the sandbox's (http-server.ts `extra`):
 *
 *   GET  /console/login              the sign-in form (and its style sheet: all a signed-out client gets)
 *   POST /console/login              field `password` (and `csrf`); 5 tries a minute per address, then 429
 *   POST /console/logout             signs out
 *   GET  /console[/<page>[/…]]       the shell; the page's script draws it from the API
 *   GET  /console/assets/<file>      page code and uPlot, from the package
 *   *    /console/api/<name>[/…]     the pages' JSON endpoints (console-pages.ts); POST needs x-csrf-token
 *
 * Off (no password, not the loopback sandbox): every /console path is a 404.
 */
import { randomBytes } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { ConsoleAssets, PUBLIC_ASSETS } from './console-assets.ts';
import {
  BodyError,
  clientAddress,
  cookie,
  isHttps,
  readBody,
  readCookies,
  readForm,
  redirect,
  send,
  sendHtml,
  sendJson,
} from './console-http.ts';
import type { ConsoleMode } from './console-mode.ts';
import { ConsoleApiError, type ConsoleContext, type ConsolePage, isFileAnswer } from './console-page.ts';
import { CONSOLE_PAGES } from './console-pages.ts';
import { isConsolePath } from './console-path.ts';
import { loginAddress, safeReturnPath } from './console-return.ts';
import {
  type ConsoleSession,
  ConsoleSessions,
  SESSION_COOKIE,
  SESSION_TTL_MS,
  sameSecret,
} from './console-session.ts';
import { loginView, shellView } from './console-views.ts';
import { SignInLimiter } from './sign-in-limiter.ts';

/** The login form's own CSRF token (double-submit: this cookie must equal the form's field). */
const LOGIN_CSRF_COOKIE = 'kfbot_console_login';

/**
 * What the pages are told when a request is refused for its session or token, Chinese first with
 * what to do, and a stable `code` the page script switches on (a sign-in link, a reload button).
 * A token stops matching when the page is older than the session: signed in again in another tab.
 */
export const REFUSALS = {
  csrf: {
    code: 'csrf',
    error:
      '页面已过期（安全令牌不符），请刷新页面后再做一次 · missing or wrong CSRF token: reload the page and try again',
  },
  'signed-out': {
    code: 'signed-out',
    error: '会话已过期或已退出，请重新登录后再做一次 · signed out: sign in again at /console/login',
  },
} as const;

/** Said on the login page when a page was asked for with a session cookie that no longer holds. */
export const SESSION_ENDED =
  '会话已过期（登录 12 小时后）或已退出，请重新登录 · Your session ended (12 hours after signing in, or signed out): sign in again';

type Route = (req: IncomingMessage, res: ServerResponse, url: URL) => Promise<boolean>;

export function consoleRoutes(
  mode: ConsoleMode,
  ctx: ConsoleContext,
  pages: readonly ConsolePage[] = CONSOLE_PAGES,
): Route {
  if (mode.kind === 'off') {
    return async (_req, res, url) => {
      if (!isConsolePath(url.pathname)) return false;
      send(
        res,
        404,
        'the console is off: set KFBOT_CONSOLE_PASSWORD (at least 12 characters) to turn it on',
        'text/plain; charset=utf-8',
      );
      return true;
    };
  }
  const sessions = new ConsoleSessions(
    mode.kind === 'password' ? mode.password : randomBytes(32).toString('hex'),
    ctx.now,
    ctx.store.signedOut,
  );
  const limiter = new SignInLimiter(ctx.now);
  const assets = new ConsoleAssets();
  const trustProxy = mode.trustProxy;
  const endpoints = new Map(pages.flatMap((p) => Object.entries(p.api)));

  const sessionCookie = (req: IncomingMessage, session: ConsoleSession) =>
    cookie(SESSION_COOKIE, session.id, {
      maxAgeSec: Math.floor(SESSION_TTL_MS / 1000),
      secure: isHttps(req, trustProxy),
    });

  const loginPage = (
    req: IncomingMessage,
    res: ServerResponse,
    status: number,
    error?: string,
    headers: Record<string, string> = {},
    notice?: string,
    next?: string,
  ) => {
    const token = randomBytes(18).toString('base64url');
    const nextTitle = next && pages.find((p) => p.id === (next.split(/[/?]/)[2] || pages[0]?.id))?.title;
    const page = loginView({
      csrf: token,
      ...(next !== undefined && { next }),
      ...(nextTitle && { nextTitle }),
      ...(error !== undefined && { error }),
      ...(notice !== undefined && { status: notice }),
    });
    send(res, status, page.html, 'text/html; charset=utf-8', {
      ...headers,
      'set-cookie': cookie(LOGIN_CSRF_COOKIE, token, { maxAgeSec: 3600, secure: isHttps(req, trustProxy) }),
    });
  };

  const signIn = async (req: IncomingMessage, res: ServerResponse, url: URL) => {
    const client = clientAddress(req, trustProxy);
    const wait = limiter.waitFor(client);
    if (wait > 0) {
      ctx.log.warn({ client: clientAddress(req, trustProxy) }, 'console sign-in refused: too many attempts');
      // The login page again, saying so in both languages, so the operator can try from it.
      loginPage(
        req,
        res,
        429,
        `登录尝试过多，请 ${wait} 秒后再试 · too many sign-in attempts from this address: wait ${wait} s and try again`,
        { 'retry-after': String(wait) },
        undefined,
        safeReturnPath(url.searchParams.get('next')),
      );
      return;
    }
    const form = await readForm(req);
    // The page the operator was on (checked again: the form field is as untrusted as the query).
    const next = safeReturnPath(form.get('next'));
    const expected = readCookies(req)[LOGIN_CSRF_COOKIE];
    const given = form.get('csrf') ?? '';
    if (!expected || !sameSecret(expected, given)) {
      limiter.failed(client);
      loginPage(
        req,
        res,
        403,
        '登录页已过期，请再输入一次密码 · The sign-in form expired: type the password again',
        {},
        undefined,
        next,
      );
      return;
    }
    const ok = mode.kind === 'open' || sameSecret(form.get('password') ?? '', mode.password);
    if (!ok) {
      limiter.failed(client);
      ctx.log.info({ client: clientAddress(req, trustProxy) }, 'console sign-in failed: wrong password');
      loginPage(
        req,
        res,
        401,
        '密码不对，请重新输入（密码区分大小写；忘了请问部署 kfbot 的同事，见 KFBOT_CONSOLE_PASSWORD）· Wrong password: type it again',
        {},
        undefined,
        next,
      );
      return;
    }
    const session = sessions.create();
    ctx.log.info({ client: clientAddress(req, trustProxy) }, 'console sign-in');
    redirect(res, next ?? '/console', {
      'set-cookie': [
        sessionCookie(req, session),
        cookie(LOGIN_CSRF_COOKIE, '', { maxAgeSec: 0, secure: false }),
      ],
    });
  };

  const api = async (req: IncomingMessage, res: ServerResponse, url: URL, session: ConsoleSession) => {
    const [, name = '', ...rest] = url.pathname.slice('/console/api'.length).split('/');
    const endpoint = endpoints.get(name);
    if (!endpoint) return sendJson(res, 404, { error: `控制台没有这个接口 · no console endpoint "${name}"` });
    const method = readMethod(req);
    if (method !== endpoint.method)
      return sendJson(res, 405, {
        error: `请求方式不对 · ${name} takes ${endpoint.method}, not ${req.method}`,
      });
    let body: unknown;
    if (method === 'POST') {
      if (!sessions.csrfMatches(session, header(req, 'x-csrf-token')))
        return sendJson(res, 403, REFUSALS.csrf);
      const text = await readBody(req, endpoint.maxBodyBytes);
      try {
        body = text ? JSON.parse(text) : undefined;
      } catch {
        return sendJson(res, 400, { error: '请求内容不是 JSON · the request body is not JSON' });
      }
    }
    try {
      const answer = await endpoint.handle(ctx, { query: url.searchParams, body, rest: rest.join('/'), req });
      if (isFileAnswer(answer)) {
        // RFC 5987: the file name may be Chinese; the ASCII fallback keeps older clients happy.
        const ascii = answer.file.name.replace(/[^\w.-]/g, '_');
        send(res, 200, answer.file.body, answer.file.type, {
          'content-disposition': `attachment; filename="${ascii}"; filename*=UTF-8''${encodeURIComponent(answer.file.name)}`,
        });
        return;
      }
      sendJson(res, 200, answer);
    } catch (err) {
      if (!(err instanceof ConsoleApiError)) throw err;
      sendJson(res, err.status, { error: err.message });
    }
  };

  return async (req, res, url) => {
    const path = url.pathname;
    if (!isConsolePath(path)) return false;
    const method = readMethod(req);
    try {
      if (path === '/console/login') {
        const next = safeReturnPath(url.searchParams.get('next'));
        if (method === 'POST') await signIn(req, res, url);
        else if (mode.kind === 'open') redirect(res, next ?? '/console');
        else
          loginPage(
            req,
            res,
            200,
            undefined,
            {},
            url.searchParams.has('ended') ? SESSION_ENDED : undefined,
            next,
          );
        return true;
      }
      const asset = path.startsWith('/console/assets/') ? path.slice('/console/assets/'.length) : undefined;
      const presented = readCookies(req)[SESSION_COOKIE];
      let session = await sessions.verify(presented);
      if (asset !== undefined && PUBLIC_ASSETS.has(asset) && method === 'GET') {
        serveAsset(res, assets.get(asset));
        return true;
      }
      if (!session && mode.kind === 'open' && method === 'GET' && !path.startsWith('/console/api/')) {
        // The loopback sandbox: a visitor is signed in on arrival, so the page has a CSRF token.
        session = sessions.create();
        redirect(res, path + url.search, { 'set-cookie': sessionCookie(req, session) });
        return true;
      }
      if (!session) {
        if (path.startsWith('/console/api/')) sendJson(res, 401, REFUSALS['signed-out']);
        // A cookie that no longer holds (12 hours, signed out): the login page says so, and
        // brings the operator back to this page afterwards.
        else if (method === 'GET' && asset === undefined)
          redirect(res, loginAddress(safeReturnPath(path + url.search), Boolean(presented)));
        else send(res, 401, '请先登录 · sign in at /console/login', 'text/plain; charset=utf-8');
        return true;
      }
      if (path === '/console/logout') {
        if (method !== 'POST') {
          send(res, 405, '请用页面右上角的“退出”按钮退出 · sign out with POST', 'text/plain; charset=utf-8', {
            allow: 'POST',
          });
          return true;
        }
        const form = await readForm(req);
        if (!sessions.csrfMatches(session, form.get('csrf') ?? header(req, 'x-csrf-token'))) {
          send(res, 403, REFUSALS.csrf.error, 'text/plain; charset=utf-8');
          return true;
        }
        await sessions.revoke(session);
        redirect(res, '/console/login', {
          'set-cookie': cookie(SESSION_COOKIE, '', { maxAgeSec: 0, secure: isHttps(req, trustProxy) }),
        });
        return true;
      }
      if (asset !== undefined) {
        serveAsset(res, method === 'GET' ? assets.get(asset) : undefined);
        return true;
      }
      if (path.startsWith('/console/api/')) {
        await api(req, res, url, session);
        return true;
      }
      const id = path.split('/')[2] || pages[0]?.id;
      const page = pages.find((p) => p.id === id);
      if (!page || method !== 'GET') {
        send(res, 404, `控制台没有这个页面 · no console page ${path}`, 'text/plain; charset=utf-8');
        return true;
      }
      sendHtml(res, 200, shellView({ pages, page, csrf: session.csrf, signOut: mode.kind === 'password' }));
      return true;
    } catch (err) {
      if (!(err instanceof BodyError)) throw err;
      // The page shows a JSON answer's error; anything else gets it as text.
      if (path.startsWith('/console/api/')) {
        res.setHeader('connection', 'close');
        sendJson(res, 413, { error: err.message });
      } else send(res, 413, err.message, 'text/plain; charset=utf-8', { connection: 'close' });
      return true;
    }
  };
}

/**
 * HEAD is GET without the body (RFC 9110 §9.3.2): the same status and headers, so a link checker
 * or `curl -I` sees the redirect to sign-in a browser gets. Node's response drops the body itself.
 */
function readMethod(req: IncomingMessage): string {
  const method = req.method ?? 'GET';
  return method === 'HEAD' ? 'GET' : method;
}

function header(req: IncomingMessage, name: string): string | undefined {
  const v = req.headers[name];
  return Array.isArray(v) ? v[0] : v;
}

function serveAsset(res: ServerResponse, asset: { type: string; body: Buffer } | undefined): void {
  if (!asset) send(res, 404, '控制台没有这个文件 · no such console file', 'text/plain; charset=utf-8');
  else send(res, 200, asset.body, asset.type);
}
