/** A console client over real HTTP: keeps the cookies a browser would, reads forms' CSRF tokens. */
import { request } from 'undici';

export interface Answer {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  body: string;
}

export class ConsoleClient {
  readonly cookies = new Map<string, string>();

  constructor(
    readonly base: string,
    readonly extraHeaders: Record<string, string> = {},
  ) {}

  async go(
    path: string,
    opts: {
      method?: 'GET' | 'HEAD' | 'POST';
      form?: Record<string, string>;
      json?: unknown;
      headers?: Record<string, string>;
    } = {},
  ): Promise<Answer> {
    const headers: Record<string, string> = { ...this.extraHeaders, ...opts.headers };
    if (this.cookies.size) headers.cookie = [...this.cookies].map(([k, v]) => `${k}=${v}`).join('; ');
    let body: string | undefined;
    if (opts.form) {
      headers['content-type'] = 'application/x-www-form-urlencoded';
      body = new URLSearchParams(opts.form).toString();
    } else if (opts.json !== undefined) {
      headers['content-type'] = 'application/json';
      body = JSON.stringify(opts.json);
    }
    const r = await request(`${this.base}${path}`, {
      method: opts.method ?? (body !== undefined ? 'POST' : 'GET'),
      headers,
      ...(body !== undefined && { body }),
    });
    // ignoreBOM: keep a CSV's byte-order mark, to see that it is sent.
    const text = new TextDecoder('utf-8', { ignoreBOM: true }).decode(await r.body.arrayBuffer());
    for (const c of setCookies(r.headers)) {
      const [pair = ''] = c.split(';');
      const eq = pair.indexOf('=');
      const name = pair.slice(0, eq);
      const value = pair.slice(eq + 1);
      if (value === '' || /max-age=0/i.test(c)) this.cookies.delete(name);
      else this.cookies.set(name, value);
    }
    return { status: r.statusCode, headers: r.headers, body: text };
  }

  /** Opens the login form and posts the password with the form's CSRF token. */
  async signIn(password: string, loginPath = '/console/login'): Promise<Answer> {
    const form = await this.go(loginPath);
    const csrf = /name="csrf" value="([^"]+)"/.exec(form.body)?.[1] ?? '';
    // What the form sends back: its hidden return address, if the login page gave it one.
    const next = /name="next" value="([^"]+)"/.exec(form.body)?.[1];
    return this.go('/console/login', {
      form: { csrf, password, ...(next !== undefined && { next: unescapeHtml(next) }) },
    });
  }

  /** The CSRF token of the signed-in shell. */
  async csrf(): Promise<string> {
    const shell = await this.go('/console');
    return /name="csrf-token" content="([^"]+)"/.exec(shell.body)?.[1] ?? '';
  }
}

export function setCookies(headers: Record<string, string | string[] | undefined>): string[] {
  const v = headers['set-cookie'];
  return v === undefined ? [] : Array.isArray(v) ? v : [v];
}

function unescapeHtml(text: string): string {
  return text
    .replace(/&quot;/g, '"')
    .replace(/&#39;/g, "'")
    .replace(/&lt;/g, '<')
    .replace(/&gt;/g, '>')
    .replace(/&amp;/g, '&');
}
