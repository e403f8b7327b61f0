/**
 * What every console response shares: the security headers, cookies, reading a small form or JSON
 * body, and an `html` template that escapes every value it is given (escaping by construction: a
 * page is never built by concatenating text).
 */
import type { IncomingMessage, ServerResponse } from 'node:http';

/**
 * Only kfbot's own scripts, styles and API: no inline script, no CDN, no framing. uPlot sizes its
 * elements through the CSSOM (element.style), which style-src does not govern.
 */
export const CONTENT_SECURITY_POLICY = [
  "default-src 'none'",
  "script-src 'self'",
  "style-src 'self'",
  "img-src 'self' data:",
  "connect-src 'self'",
  "font-src 'self'",
  "form-action 'self'",
  "frame-ancestors 'none'",
  "base-uri 'none'",
].join('; ');

export const SECURITY_HEADERS: Readonly<Record<string, string>> = {
  'content-security-policy': CONTENT_SECURITY_POLICY,
  'x-frame-options': 'DENY',
  'referrer-policy': 'no-referrer',
  'x-content-type-options': 'nosniff',
  'cache-control': 'no-store',
  'cross-origin-opener-policy': 'same-origin',
  'cross-origin-resource-policy': 'same-origin',
};

export function send(
  res: ServerResponse,
  status: number,
  body: string | Buffer,
  type: string,
  headers: Record<string, string | string[]> = {},
): void {
  res.writeHead(status, {
    ...SECURITY_HEADERS,
    'content-type': type,
    'content-length': Buffer.byteLength(body),
    ...headers,
  });
  res.end(body);
}

export function sendJson(res: ServerResponse, status: number, body: unknown): void {
  send(res, status, JSON.stringify(body), 'application/json; charset=utf-8');
}

export function sendHtml(res: ServerResponse, status: number, page: SafeHtml): void {
  send(res, status, page.html, 'text/html; charset=utf-8');
}

export function redirect(
  res: ServerResponse,
  location: string,
  headers: Record<string, string | string[]> = {},
) {
  send(res, 303, '', 'text/plain; charset=utf-8', { location, ...headers });
}

export function readCookies(req: IncomingMessage): Record<string, string> {
  const out: Record<string, string> = {};
  for (const part of (req.headers.cookie ?? '').split(';')) {
    const eq = part.indexOf('=');
    if (eq < 0) continue;
    const name = part.slice(0, eq).trim();
    if (name && !(name in out)) out[name] = part.slice(eq + 1).trim();
  }
  return out;
}

/** Over HTTPS itself, or (with KFBOT_TRUST_PROXY) as the proxy in front says. */
export function isHttps(req: IncomingMessage, trustProxy: boolean): boolean {
  if ((req.socket as { encrypted?: boolean }).encrypted) return true;
  if (!trustProxy) return false;
  const proto = String(req.headers['x-forwarded-proto'] ?? '')
    .split(',')[0]
    ?.trim()
    .toLowerCase();
  return proto === 'https';
}

/** The client's address: the socket's, or (behind a trusted proxy) the last one it forwarded. */
export function clientAddress(req: IncomingMessage, trustProxy: boolean): string {
  if (trustProxy) {
    const forwarded = String(req.headers['x-forwarded-for'] ?? '')
      .split(',')
      .map((s) => s.trim())
      .filter(Boolean);
    const last = forwarded.at(-1);
    if (last) return last;
  }
  return req.socket.remoteAddress ?? 'unknown';
}

export function cookie(
  name: string,
  value: string,
  opts: { maxAgeSec: number; secure: boolean; path?: string },
): string {
  return [
    `${name}=${value}`,
    `Path=${opts.path ?? '/console'}`,
    `Max-Age=${opts.maxAgeSec}`,
    'HttpOnly',
    'SameSite=Strict',
    ...(opts.secure ? ['Secure'] : []),
  ].join('; ');
}

/** A body over its limit, said as the operator reads it (an Excel file past 8 MB, say). */
export class BodyError extends Error {
  constructor(limit: number) {
    const size = limit >= 1024 * 1024 ? `${limit / (1024 * 1024)} MB` : `${limit / 1024} KB`;
    super(`内容超过 ${size}，请拆小后再试 · body larger than ${limit} bytes`);
  }
}

/** A request body of at most `limit` bytes, as text. */
export async function readBody(req: IncomingMessage, limit = 64 * 1024): Promise<string> {
  if (Number(req.headers['content-length'] ?? 0) > limit) throw new BodyError(limit);
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req) {
    size += (chunk as Buffer).length;
    if (size > limit) throw new BodyError(limit);
    chunks.push(chunk as Buffer);
  }
  return Buffer.concat(chunks).toString('utf8');
}

export async function readForm(req: IncomingMessage): Promise<URLSearchParams> {
  return new URLSearchParams(await readBody(req, 8 * 1024));
}

/** HTML that is safe to send: made only by `html`, whose values are escaped unless already SafeHtml. */
export class SafeHtml {
  constructor(readonly html: string) {}
}

const ESCAPES: Record<string, string> = {
  '&': '&amp;',
  '<': '&lt;',
  '>': '&gt;',
  '"': '&quot;',
  "'": '&#39;',
};

export function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => ESCAPES[c] as string);
}

type HtmlValue = string | number | SafeHtml | readonly HtmlValue[] | undefined;

function render(value: HtmlValue): string {
  if (value === undefined) return '';
  if (value instanceof SafeHtml) return value.html;
  if (Array.isArray(value)) return value.map(render).join('');
  return escapeHtml(String(value));
}

export function html(strings: TemplateStringsArray, ...values: HtmlValue[]): SafeHtml {
  let out = strings[0] as string;
  values.forEach((v, i) => {
    out += render(v) + (strings[i + 1] as string);
  });
  return new SafeHtml(out);
}
