/**
 * `call:` in YAML → a CallModel, and `settings.calls` → CallSettings. Everything a backend call
 * could get wrong is refused here, at file:line, before kfbot serves a message:
 *
 *   - the URL's scheme, host and port are written out (no placeholder before the path) and the
 *     host is in settings.calls.allow — a loopback, link-local or private address only when it is
 *     listed itself, so a rule cannot reach the machine's neighbours by accident;
 *   - methods, timeouts (≤ 30 s), retries, `save:` paths and on_status codes are well-formed;
 *   - placeholders never name a header (a customer's text must not choose one), and {{env.X}}
 *     appears only in the url, headers and body.
 */
import { isIP } from 'node:net';
import { parseDuration } from '../config/duration.ts';
import {
  type BodyNode,
  CALL_METHODS,
  type CallMethod,
  type CallModel,
  type CallSettings,
  defaultCallSettings,
  MAX_CALL_RETRIES,
  MAX_CALL_TIMEOUT_MS,
} from './call-model.ts';
import { type CompileContext, describeValue, isRecord } from './compile-context.ts';
import { compileText } from './compile-reply.ts';
import { didYouMean } from './did-you-mean.ts';
import type { Action } from './rule-model.ts';
import type { YamlPath } from './rule-source.ts';
import type { Template } from './template.ts';

const CALL_KEYS = [
  'name',
  'url',
  'method',
  'headers',
  'body',
  'timeout',
  'retries',
  'save',
  'on_status',
  'on_error',
];
const SETTINGS_KEYS = ['allow', 'timeout', 'concurrency'];
const CALL_NAME = /^[A-Za-z_][A-Za-z0-9_-]{0,63}$/;
const VAR_NAME = /^[\p{L}\p{N}_-]{1,64}$/u;
const HEADER_NAME = /^[!#$%&'*+.^_`|~0-9A-Za-z-]+$/;
/** Set by kfbot on every request: a rule may not write them. */
const RESERVED_HEADERS = ['idempotency-key', 'x-kfbot-attempt', 'user-agent', 'host', 'content-length'];
const SAVE_PATH = /^[\p{L}\p{N}_-]+(\.[\p{L}\p{N}_-]+)*$/u;

/** "3s", "1.5s", "500ms" → ms; undefined when it is not a duration. */
function timeoutMs(value: unknown): number | undefined {
  if (typeof value !== 'string') return undefined;
  const ms = /^\s*(\d+)\s*ms\s*$/i.exec(value);
  if (ms) return Number(ms[1]);
  return parseDuration(value);
}

function readTimeout(ctx: CompileContext, value: unknown, path: YamlPath): number | undefined {
  const ms = timeoutMs(value);
  if (ms === undefined || ms <= 0 || ms > MAX_CALL_TIMEOUT_MS) {
    ctx.error(
      path,
      `timeout is a duration from 1ms to 30s, such as 3s or 500ms (got ${describeValue(value)}); the customer is waiting`,
    );
    return undefined;
  }
  return ms;
}

/** A host or host:port entry, normalised the way URL writes hosts (lower case, IPv6 in brackets). */
function normaliseHost(entry: string): string | undefined {
  try {
    const u = new URL(`http://${entry}`);
    if (u.pathname !== '/' || u.search !== '' || u.username !== '') return undefined;
    return entry.includes(':') && !entry.startsWith('[') && isIP(entry) === 0 && u.port === ''
      ? undefined
      : u.port === ''
        ? u.hostname
        : `${u.hostname}:${u.port}`;
  } catch {
    return undefined;
  }
}

export function readCallSettings(ctx: CompileContext, value: unknown, path: YamlPath): CallSettings {
  const out = defaultCallSettings();
  if (!isRecord(value)) {
    ctx.error(path, 'calls: is a mapping such as { allow: [shop.example.com], timeout: 3s }');
    return out;
  }
  ctx.unknownKeys(value, SETTINGS_KEYS, path, 'settings.calls');
  const allow: string[] = [];
  if (value.allow !== undefined) {
    const list = Array.isArray(value.allow) ? value.allow : [value.allow];
    list.forEach((entry, i) => {
      const at = Array.isArray(value.allow) ? [...path, 'allow', i] : [...path, 'allow'];
      const host = typeof entry === 'string' ? normaliseHost(entry.trim()) : undefined;
      if (host === undefined)
        ctx.error(
          at,
          `calls.allow takes hosts such as shop.example.com or "10.0.0.5:8080" (got ${describeValue(entry)})`,
        );
      else allow.push(host);
    });
  }
  out.allow = allow;
  if (value.timeout !== undefined) {
    const ms = readTimeout(ctx, value.timeout, [...path, 'timeout']);
    if (ms !== undefined) out.timeoutMs = ms;
  }
  if (value.concurrency !== undefined) {
    const n = value.concurrency;
    if (typeof n === 'number' && Number.isInteger(n) && n >= 1 && n <= 1000) out.concurrency = n;
    else
      ctx.error(
        [...path, 'concurrency'],
        `concurrency is how many calls one kfbot makes at once, 1 to 1000 (got ${describeValue(n)})`,
      );
  }
  return out;
}

/** Whether `host` (a URL's hostname) is a loopback, link-local, private or unspecified address. */
export function isPrivateAddress(host: string): boolean {
  const h = host.replace(/^\[|\]$/g, '').toLowerCase();
  if (h === 'localhost' || h.endsWith('.localhost')) return true;
  const v = isIP(h);
  if (v === 4) {
    const [a = 0, b = 0] = h.split('.').map(Number);
    return (
      a === 0 ||
      a === 10 ||
      a === 127 ||
      (a === 100 && b >= 64 && b <= 127) ||
      (a === 169 && b === 254) ||
      (a === 172 && b >= 16 && b <= 31) ||
      (a === 192 && b === 168)
    );
  }
  if (v === 6) {
    if (h === '::' || h === '::1') return true;
    const mapped = /^::ffff:(\d+\.\d+\.\d+\.\d+)$/.exec(h);
    if (mapped) return isPrivateAddress(mapped[1] as string);
    return /^(fc|fd|fe[89ab])/.test(h);
  }
  return false;
}

/**
 * Whether a URL's host and port may be called: an entry names the host (any port) or host:port.
 * A private address must be listed itself; a listed name is trusted to mean what it says, and
 * where it resolves is checked again when the call is made (runtime/call-dispatcher.ts).
 */
export function hostAllowed(allow: readonly string[], hostname: string, port: string): boolean {
  const host = hostname.toLowerCase();
  return allow.some((entry) => entry === host || (port !== '' && entry === `${host}:${port}`));
}

const ORIGIN = /^(https?):\/\/([^/?#]+)(?=[/?#]|$)/i;

function compileUrl(
  ctx: CompileContext,
  value: unknown,
  path: YamlPath,
  settings: CallSettings,
): Template | undefined {
  if (typeof value !== 'string' || value.trim() === '') {
    ctx.error(path, `call.url is an http(s) URL (got ${describeValue(value)})`);
    return undefined;
  }
  const hole = value.indexOf('{{');
  const origin = ORIGIN.exec(value);
  if (!origin || (hole >= 0 && hole < origin[0].length)) {
    ctx.error(
      path,
      `call.url must start with http:// or https:// and a written-out host, before any placeholder (got ${JSON.stringify(value)})`,
    );
    return undefined;
  }
  let url: URL;
  try {
    url = new URL(`${origin[0]}/`);
  } catch {
    ctx.error(path, `call.url's host ${JSON.stringify(origin[2])} is not a valid host`);
    return undefined;
  }
  if (url.username !== '' || url.password !== '') {
    ctx.error(path, 'call.url must not carry a user or password; put credentials in headers with {{env.X}}');
    return undefined;
  }
  const shown = url.port === '' ? url.hostname : `${url.hostname}:${url.port}`;
  if (!hostAllowed(settings.allow, url.hostname, url.port)) {
    ctx.error(
      path,
      isPrivateAddress(url.hostname)
        ? `call.url reaches ${shown}, a loopback, link-local or private address: list it in settings.calls.allow if you mean it`
        : `call.url reaches ${shown}, which is not in settings.calls.allow (allowed: ${settings.allow.join(', ') || 'nothing yet'}); add it there`,
    );
    return undefined;
  }
  return compileText(ctx, value, path, 'call.url', { env: true });
}

function compileBody(ctx: CompileContext, value: unknown, path: YamlPath): BodyNode | undefined {
  if (value === null || typeof value === 'boolean' || typeof value === 'number')
    return { kind: 'value', value };
  if (typeof value === 'string') {
    const text = compileText(ctx, value, path, 'call.body', { env: true });
    return text && { kind: 'text', text };
  }
  if (Array.isArray(value)) {
    const items = value.map((v, i) => compileBody(ctx, v, [...path, i]));
    return items.every((i) => i !== undefined) ? { kind: 'list', items: items as BodyNode[] } : undefined;
  }
  if (isRecord(value)) {
    const entries: [string, BodyNode][] = [];
    let ok = true;
    for (const [k, v] of Object.entries(value)) {
      if (k.includes('{{')) {
        ctx.error([...path, k], 'call.body keys are written out; placeholders go in values', { key: true });
        ok = false;
        continue;
      }
      const node = compileBody(ctx, v, [...path, k]);
      if (node) entries.push([k, node]);
      else ok = false;
    }
    return ok ? { kind: 'map', entries } : undefined;
  }
  ctx.error(path, `call.body takes JSON values (got ${describeValue(value)})`);
  return undefined;
}

export function compileCall(
  ctx: CompileContext,
  value: unknown,
  path: YamlPath,
  settings: CallSettings,
  compileBranch: (value: unknown, path: YamlPath) => Action[],
): Action | undefined {
  if (!isRecord(value)) {
    ctx.error(
      path,
      'call takes { name, url, … }, e.g. call: { name: order_status, url: "https://shop.example.com/api/orders/{{match.order}}" }',
    );
    return undefined;
  }
  ctx.unknownKeys(value, CALL_KEYS, path, 'call');
  let ok = true;
  const fail = (at: YamlPath, message: string, key = false) => {
    ctx.error(at, message, { key });
    ok = false;
  };
  const name = value.name;
  if (typeof name !== 'string' || !CALL_NAME.test(name))
    fail(
      [...path, 'name'],
      `call.name names the call in logs, tests and reports: letters, digits, _ or - (got ${describeValue(name)})`,
    );
  const url = compileUrl(ctx, value.url, [...path, 'url'], settings);
  if (!url) ok = false;
  const method = typeof value.method === 'string' ? value.method.toUpperCase() : (value.method ?? 'GET');
  if (typeof method !== 'string' || !(CALL_METHODS as readonly string[]).includes(method))
    fail(
      [...path, 'method'],
      `call.method is one of ${CALL_METHODS.join(', ')} (got ${describeValue(value.method)})${didYouMean(String(value.method), CALL_METHODS)}`,
    );
  const headers: [string, Template][] = [];
  if (value.headers !== undefined) {
    if (!isRecord(value.headers)) fail([...path, 'headers'], 'call.headers maps header names to values');
    else
      for (const [h, v] of Object.entries(value.headers)) {
        const at = [...path, 'headers', h];
        if (!HEADER_NAME.test(h)) {
          fail(
            at,
            h.includes('{{')
              ? 'a header name cannot be a placeholder: write it out (placeholders go in values)'
              : `"${h}" is not a valid header name`,
            true,
          );
          continue;
        }
        if (RESERVED_HEADERS.includes(h.toLowerCase())) {
          fail(at, `kfbot sets ${h} itself on every call; remove it`, true);
          continue;
        }
        const t = compileText(ctx, typeof v === 'number' ? String(v) : v, at, `call.headers.${h}`, {
          env: true,
        });
        if (t) headers.push([h, t]);
        else ok = false;
      }
  }
  let body: BodyNode | undefined;
  if (value.body !== undefined) {
    if (method === 'GET') fail([...path, 'body'], 'a GET call sends no body; use method: POST', true);
    else {
      body = compileBody(ctx, value.body, [...path, 'body']);
      if (!body) ok = false;
    }
  }
  const timeout =
    value.timeout === undefined ? settings.timeoutMs : readTimeout(ctx, value.timeout, [...path, 'timeout']);
  if (timeout === undefined) ok = false;
  const retries = value.retries ?? 0;
  if (typeof retries !== 'number' || !Number.isInteger(retries) || retries < 0 || retries > MAX_CALL_RETRIES)
    fail(
      [...path, 'retries'],
      `call.retries is how many extra attempts after a timeout, a connection error or a 5xx: 0 to ${MAX_CALL_RETRIES} (got ${describeValue(retries)})`,
    );
  const save: [string, string[]][] = [];
  if (value.save !== undefined) {
    if (!isRecord(value.save))
      fail(
        [...path, 'save'],
        'call.save maps variable names to paths in the JSON answer, e.g. { status: data.status }',
      );
    else
      for (const [v, p] of Object.entries(value.save)) {
        const at = [...path, 'save', v];
        if (!VAR_NAME.test(v))
          fail(at, `"${v}" is not a valid variable name (letters, digits, _ or -)`, true);
        else if (typeof p !== 'string' || !SAVE_PATH.test(p))
          fail(
            at,
            `save.${v} is a dotted path into the JSON answer, such as data.status or items.0.name (got ${describeValue(p)})`,
          );
        else save.push([v, p.split('.')]);
      }
  }
  const onStatus = new Map<number, Action[]>();
  if (value.on_status !== undefined) {
    if (!isRecord(value.on_status))
      fail(
        [...path, 'on_status'],
        'call.on_status maps a status code to actions, e.g. { "404": [ { reply: … } ] }',
      );
    else
      for (const [code, actions] of Object.entries(value.on_status)) {
        const at = [...path, 'on_status', code];
        const n = Number(code);
        if (!/^\d{3}$/.test(code) || n < 100 || n > 599) {
          fail(at, `on_status keys are HTTP status codes such as "404" (got ${JSON.stringify(code)})`, true);
          continue;
        }
        onStatus.set(n, compileBranch(actions, at));
      }
  }
  const onError =
    value.on_error === undefined ? undefined : compileBranch(value.on_error, [...path, 'on_error']);
  if (!ok || !url || timeout === undefined) return undefined;
  const model: CallModel = {
    name: name as string,
    method: method as CallMethod,
    url,
    headers,
    ...(body && { body }),
    timeoutMs: timeout,
    retries: retries as number,
    save,
    onStatus,
    ...(onError && { onError }),
    at: ctx.at(path, true),
  };
  return { type: 'call', call: model, at: ctx.at(path, true) };
}
