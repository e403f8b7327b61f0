/**
 * The console's door, over real HTTP against the real app: off without a password, the sign-in
 * with its cookie flags, the security headers, CSRF, the sign-in limit, and that a signed-out
 * client gets the login page and its style sheet and nothing else.
 */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pino from 'pino';
import { describe, expect, it } from 'vitest';
import { loadConfig } from '../../src/config/config.ts';
import { startSandbox } from '../../src/sandbox/start-sandbox.ts';
import { startSimulator } from '../../src/simulator/index.ts';
import { closeAfterEach } from '../support/close-after-each.ts';
import { startInProcess } from '../support/in-process-kfbot.ts';
import { ConsoleClient, setCookies } from './console-client.ts';

const PASSWORD = 'correct horse battery';
const closing = closeAfterEach();

async function start(
  config: { consolePassword?: string; trustProxy?: boolean } = { consolePassword: PASSWORD },
) {
  const sim = closing(await startSimulator());
  return closing(await startInProcess(sim, { config }));
}

describe('the console is off without a password', () => {
  it('answers 404 on every /console path and says so once at start', async () => {
    const b = await start({});
    const c = new ConsoleClient(b.app.url);
    for (const path of ['/console', '/console/login', '/console/api/overview', '/console/assets/console.css'])
      expect((await c.go(path)).status).toBe(404);
    expect(b.logs().filter((l) => String(l.msg).startsWith('console off'))).toHaveLength(1);
    expect(b.lines.join('\n')).toContain('KFBOT_CONSOLE_PASSWORD');
  });

  it('refuses a password shorter than 12 characters with one line', () => {
    const r = loadConfig({
      env: {
        WECOM_CORP_ID: 'ww1234567890',
        WECOM_SECRET: 's',
        WECOM_TOKEN: 'tok',
        WECOM_ENCODING_AES_KEY: 'a'.repeat(43),
        KFBOT_CONSOLE_PASSWORD: 'short-pass',
      },
      cwd: mkdtempSync(join(tmpdir(), 'kfbot-console-')),
    });
    expect(r.problems.map((p) => p.message)).toEqual([
      'KFBOT_CONSOLE_PASSWORD is 10 characters; the console needs at least 12 (or unset it to turn the console off)',
    ]);
    expect(JSON.stringify(r.problems)).not.toContain('short-pass');
  });
});

describe('the sandbox', () => {
  it('serves the console without a password on loopback, still with a session cookie and CSRF', async () => {
    const sandbox = await startSandbox({
      env: { KFBOT_PORT: '0', KFBOT_HOST: '127.0.0.1', KFBOT_RULES: 'test/e2e/rules' },
      cwd: process.cwd(),
      logger: pino({ level: 'silent' }),
    });
    try {
      const c = new ConsoleClient(sandbox.app.url);
      const first = await c.go('/console');
      expect(first.status).toBe(303);
      expect(c.cookies.has('kfbot_console')).toBe(true);
      const shell = await c.go('/console');
      expect(shell.status).toBe(200);
      expect(shell.body).toContain('沙盒 sandbox');
      expect((await c.go('/console/api/forget', { json: { externalUserId: 'wm1' } })).status).toBe(403);
      expect((await c.go('/console/api/overview')).status).toBe(200);
    } finally {
      await sandbox.close();
    }
  });
});

describe('signing in', () => {
  it('sets an HttpOnly, SameSite=Strict session cookie for a working day, and not Secure over plain HTTP', async () => {
    const b = await start();
    const c = new ConsoleClient(b.app.url);
    const r = await c.signIn(PASSWORD);
    expect(r.status).toBe(303);
    expect(r.headers.location).toBe('/console');
    const session = setCookies(r.headers).find((s) => s.startsWith('kfbot_console='));
    expect(session).toMatch(/; HttpOnly/);
    expect(session).toMatch(/; SameSite=Strict/);
    expect(session).toMatch(/; Max-Age=43200/);
    expect(session).not.toMatch(/Secure/);
    const shell = await c.go('/console');
    expect(shell.status).toBe(200);
    expect(shell.body).toContain('概览 Overview');
    expect(b.lines.join('\n')).not.toContain(PASSWORD);
  });

  it('marks the cookie Secure behind a trusted proxy that says https, and only then', async () => {
    const b = await start({ consolePassword: PASSWORD, trustProxy: true });
    const https = new ConsoleClient(b.app.url, { 'x-forwarded-proto': 'https' });
    const r = await https.signIn(PASSWORD);
    expect(setCookies(r.headers).find((s) => s.startsWith('kfbot_console='))).toMatch(/; Secure/);
    const untrusted = await start({ consolePassword: PASSWORD });
    const spoofed = new ConsoleClient(untrusted.app.url, { 'x-forwarded-proto': 'https' });
    const r2 = await spoofed.signIn(PASSWORD);
    expect(setCookies(r2.headers).find((s) => s.startsWith('kfbot_console='))).not.toMatch(/Secure/);
  });

  it('refuses a wrong password, and a form without its CSRF token', async () => {
    const b = await start();
    const c = new ConsoleClient(b.app.url);
    const wrong = await c.signIn('wrong password!!');
    expect(wrong.status).toBe(401);
    expect(wrong.body).toContain('Wrong password');
    const noCsrf = await c.go('/console/login', { form: { password: PASSWORD } });
    expect(noCsrf.status).toBe(403);
    expect((await c.go('/console')).status).toBe(303);
  });

  it('allows 5 sign-in attempts a minute per address, then answers 429 saying when to retry', async () => {
    const b = await start();
    const c = new ConsoleClient(b.app.url);
    for (let i = 0; i < 5; i++) expect((await c.signIn('not the password')).status).toBe(401);
    const sixth = await c.signIn(PASSWORD);
    expect(sixth.status).toBe(429);
    expect(sixth.body).toMatch(/too many sign-in attempts from this address: wait \d+ s/);
    expect(Number(sixth.headers['retry-after'])).toBeGreaterThan(0);
  });

  it('signs out with POST and the CSRF token; without the token it refuses', async () => {
    const b = await start();
    const c = new ConsoleClient(b.app.url);
    await c.signIn(PASSWORD);
    const csrf = await c.csrf();
    expect((await c.go('/console/logout', { form: {} })).status).toBe(403);
    expect((await c.go('/console/logout', { form: { csrf: 'forged' } })).status).toBe(403);
    const cookieBefore = c.cookies.get('kfbot_console') as string;
    const out = await c.go('/console/logout', { form: { csrf } });
    expect(out.status).toBe(303);
    expect(out.headers.location).toBe('/console/login');
    // The old cookie, replayed, is refused too.
    const replay = new ConsoleClient(b.app.url);
    replay.cookies.set('kfbot_console', cookieBefore);
    expect((await replay.go('/console/api/overview')).status).toBe(401);
  });
});

describe('after signing in again, the operator is back on the page they were on', () => {
  it('a page asked for with an ended session leads to the login and, after it, back to that page with its filters', async () => {
    const b = await start();
    const c = new ConsoleClient(b.app.url);
    await c.signIn(PASSWORD);
    const csrf = await c.csrf();
    await c.go('/console/logout', { form: { csrf } });
    const page = '/console/conversations?from=2026-11-01&to=2026-11-30&account=wk1';
    c.cookies.set('kfbot_console', `${Date.now() + 3_600_000}.abc.def`);
    const away = await c.go(page);
    expect(away.status).toBe(303);
    expect(away.headers.location).toBe(`/console/login?ended&next=${encodeURIComponent(page)}`);
    const login = await c.go(String(away.headers.location));
    expect(login.body).toContain('会话已过期');
    expect(login.body).toContain('登录后回到刚才的页面');
    const back = await c.signIn(PASSWORD, String(away.headers.location));
    expect(back.status).toBe(303);
    expect(back.headers.location).toBe(page);
    expect((await c.go(page)).body).toContain('data-page="conversations"');
  });

  it('keeps the return address through a wrong password', async () => {
    const b = await start();
    const c = new ConsoleClient(b.app.url);
    const wrong = await c.signIn('not the password', '/console/login?next=%2Fconsole%2Fedit');
    expect(wrong.status).toBe(401);
    expect(wrong.body).toContain('name="next" value="/console/edit"');
    const csrf = /name="csrf" value="([^"]+)"/.exec(wrong.body)?.[1] ?? '';
    const ok = await c.go('/console/login', { form: { csrf, password: PASSWORD, next: '/console/edit' } });
    expect(ok.headers.location).toBe('/console/edit');
  });

  // Each of these names another site, another path than it seems, or no page: the login lands on 概览.
  const refused = [
    'https://evil.example/console',
    '//evil.example/console',
    '///evil.example',
    '/\\evil.example',
    '/console\\..\\..\\evil',
    '/console/..%2f..%2fevil',
    '/console/%2e%2e/%2e%2e/evil',
    '/console/../../evil',
    '/console/./overview',
    '/console//evil.example',
    '/consolex',
    '/console-evil',
    'console/overview',
    ' /console/overview',
    '/console/overview\r\nset-cookie: x=1',
    '/console/overview?x=\\evil',
    '/console/overview#//evil.example',
    'javascript:alert(1)',
    '/console/login',
    '/console/logout',
    '/console/api/overview',
    '/console/assets/console.js',
    `/console/${'a'.repeat(1100)}`,
  ];

  it('refuses a return address that is not a console page on this site, on the login page and in the form', async () => {
    const b = await start();
    for (const next of refused) {
      const c = new ConsoleClient(b.app.url);
      const form = await c.go(`/console/login?next=${encodeURIComponent(next)}`);
      expect(form.status, next).toBe(200);
      expect(form.body, next).not.toContain('name="next"');
      const csrf = /name="csrf" value="([^"]+)"/.exec(form.body)?.[1] ?? '';
      const r = await c.go('/console/login', { form: { csrf, password: PASSWORD, next } });
      expect(r.status, next).toBe(303);
      expect(r.headers.location, next).toBe('/console');
    }
  });
});

describe('what the console sends', () => {
  it('sends CSP, X-Frame-Options DENY and Referrer-Policy on the login page, the shell and the API', async () => {
    const b = await start();
    const c = new ConsoleClient(b.app.url);
    const login = await c.go('/console/login');
    await c.signIn(PASSWORD);
    for (const r of [login, await c.go('/console'), await c.go('/console/api/overview')]) {
      expect(r.status).toBe(200);
      expect(r.headers['content-security-policy']).toContain("default-src 'none'");
      expect(r.headers['content-security-policy']).toContain("script-src 'self'");
      expect(r.headers['content-security-policy']).toContain("frame-ancestors 'none'");
      expect(r.headers['x-frame-options']).toBe('DENY');
      expect(r.headers['referrer-policy']).toBe('no-referrer');
    }
  });

  it('gives a signed-out client the login page and its style sheet, and nothing else', async () => {
    const b = await start();
    const c = new ConsoleClient(b.app.url);
    expect((await c.go('/console/login')).status).toBe(200);
    expect((await c.go('/console/assets/console.css')).status).toBe(200);
    for (const [path, login] of [
      ['/console', '/console/login'],
      ['/console/overview', '/console/login?next=%2Fconsole%2Foverview'],
      ['/console/rules', '/console/login?next=%2Fconsole%2Frules'],
    ] as const) {
      const r = await c.go(path);
      expect(r.status).toBe(303);
      expect(r.headers.location).toBe(login);
      expect(r.body).toBe('');
    }
    for (const path of [
      '/console/assets/console.js',
      '/console/assets/pages/overview.js',
      '/console/assets/vendor/uPlot.esm.js',
    ])
      expect((await c.go(path)).status).toBe(401);
    const api = await c.go('/console/api/overview');
    expect(api.status).toBe(401);
    expect(api.body).not.toContain('charts');
    const forged = new ConsoleClient(b.app.url);
    forged.cookies.set('kfbot_console', `${Date.now() + 3_600_000}.abc.def`);
    expect((await forged.go('/console/api/overview')).status).toBe(401);
  });

  it('answers HEAD as it answers GET, without the body, signed out and signed in', async () => {
    const b = await start();
    const c = new ConsoleClient(b.app.url);
    const same = async (paths: string[]) => {
      for (const path of paths) {
        const get = await c.go(path);
        const head = await c.go(path, { method: 'HEAD' });
        expect(head.status, `HEAD ${path}`).toBe(get.status);
        expect(head.body, `HEAD ${path}`).toBe('');
        for (const name of ['location', 'content-type', 'content-length', 'content-security-policy'])
          expect(head.headers[name], `HEAD ${path} ${name}`).toBe(get.headers[name]);
      }
    };
    // Signed out: the pages redirect to sign-in (303), not 401; the login page and its style sheet answer.
    await same(['/console', '/console/overview', '/console/login', '/console/assets/console.css']);
    expect((await c.go('/console', { method: 'HEAD' })).headers.location).toBe('/console/login');
    expect((await c.go('/console/api/overview', { method: 'HEAD' })).status).toBe(401);
    await c.signIn(PASSWORD);
    await same(['/console', '/console/rules', '/console/assets/console.js', '/console/api/overview']);
    expect((await c.go('/console/rules', { method: 'HEAD' })).status).toBe(200);
  });

  it('serves the page code and the vendored uPlot from kfbot itself once signed in', async () => {
    const b = await start();
    const c = new ConsoleClient(b.app.url);
    await c.signIn(PASSWORD);
    const uplot = await c.go('/console/assets/vendor/uPlot.esm.js');
    expect(uplot.status).toBe(200);
    expect(uplot.headers['content-type']).toContain('javascript');
    expect(uplot.body).toContain('uPlot');
    expect((await c.go('/console/assets/console.js')).status).toBe(200);
  });
});
