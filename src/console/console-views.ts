/** The two pages the server writes itself: the login form, and the shell every page draws into. */
import { html, type SafeHtml } from './console-http.ts';
import type { ConsolePage } from './console-page.ts';

function layout(title: string, body: SafeHtml, head: SafeHtml = html``): SafeHtml {
  return html`<!doctype html>
<html lang="zh-CN">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${title} · kfbot 运营控制台</title>
<link rel="stylesheet" href="/console/assets/console.css">
${head}
</head>
${body}
</html>
`;
}

export function loginView(opts: {
  csrf: string;
  error?: string;
  status?: string;
  /** The console page to return to after signing in (already checked by safeReturnPath). */
  next?: string;
  /** That page's name in the navigation, said on the form. */
  nextTitle?: string;
}): SafeHtml {
  return layout(
    '登录 Sign in',
    html`<body class="login">
<main class="login-box">
<h1>kfbot 运营控制台</h1>
<p class="muted">Operator console</p>
${opts.error ? html`<p class="error" role="alert">${opts.error}</p>` : ''}
${opts.status ? html`<p class="status" role="status">${opts.status}</p>` : ''}
${opts.next ? html`<p class="muted return-note">登录后回到刚才的页面${opts.nextTitle ? html`「${opts.nextTitle}」` : ''} · back to where you were after signing in</p>` : ''}
<form method="post" action="/console/login">
<input type="hidden" name="csrf" value="${opts.csrf}">
${opts.next ? html`<input type="hidden" name="next" value="${opts.next}">` : ''}
<label for="password">密码 Password</label>
<input id="password" name="password" type="password" autocomplete="current-password" required autofocus>
<button type="submit">登录 Sign in</button>
</form>
</main>
</body>`,
  );
}

export function shellView(opts: {
  pages: readonly ConsolePage[];
  page: ConsolePage;
  csrf: string;
  /** Whether a sign-out button makes sense (not in the open sandbox console). */
  signOut: boolean;
}): SafeHtml {
  const nav = opts.pages
    .filter((p) => p.nav)
    .map(
      (p) =>
        html`<a href="/console/${p.id}"${p.id === opts.page.id ? html` aria-current="page"` : ''}>${p.title}</a>`,
    );
  return layout(
    opts.page.title,
    html`<body data-page="${opts.page.id}">
<header class="top">
<a class="brand" href="/console">kfbot 运营控制台</a>
<nav>${nav}</nav>
${
  opts.signOut
    ? html`<form class="signout" method="post" action="/console/logout"><input type="hidden" name="csrf" value="${opts.csrf}"><button type="submit">退出 Sign out</button></form>`
    : html`<span class="muted sandbox-note">沙盒 sandbox</span>`
}
</header>
<main id="page" aria-live="polite"><p class="muted">加载中 Loading…</p></main>
<script type="module" src="/console/assets/console.js"></script>
</body>`,
    html`<meta name="csrf-token" content="${opts.csrf}">
<link rel="stylesheet" href="/console/assets/vendor/uPlot.min.css">`,
  );
}
