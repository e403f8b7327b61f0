/**
 * A `call:` made concrete for one message: placeholders filled and encoded for where they go, the
 * Idempotency-Key fixed. This is what the plan records and what every attempt sends, so a retry,
 * a restart or another replica sends the same request.
 *
 *   - URL: a value is percent-encoded (a customer's `../`, `?` or `#` cannot change the path or
 *     add a query), and the final URL must keep the written origin and path prefix;
 *   - body: a value is a JSON string's content, escaped (quotes and newlines cannot change the
 *     JSON's shape);
 *   - headers: control characters in a value become spaces (no header can be smuggled in);
 *   - {{env.X}} stays a reference ({ env }) until the request is made (`materialize`), so a
 *     secret is never in a stored record, a log or explain (`redacted` shows ‹env.X›).
 */
import { createHash } from 'node:crypto';
import type { BodyNode, CallMethod, CallModel } from './call-model.ts';
import type { Template } from './template.ts';

export type Encoding = 'url' | 'json' | 'header';
/** Literal request text, or an environment variable read when the request is made. */
export type RequestPart = string | { env: string; enc: Encoding };

export interface CallRequest {
  rule: string;
  name: string;
  /** The action's step in the decision: replies after it are planned once it has an outcome. */
  step: number;
  /** Idempotency-Key: the same for every attempt of this call for this customer message. */
  key: string;
  method: CallMethod;
  url: RequestPart[];
  /** The URL's written prefix up to the first placeholder: the final URL must start with it. */
  urlPrefix: string;
  headers: [string, RequestPart[]][];
  body?: RequestPart[];
  timeoutMs: number;
  retries: number;
  save: [string, string[]][];
}

/** `kfbot-` + 43 characters: from the customer message's msgid, the rule and the call's name. */
export function idempotencyKey(inboundMsgid: string, rule: string, call: string): string {
  return `kfbot-${createHash('sha256').update(`${inboundMsgid}\0${rule}\0${call}`).digest('base64url')}`;
}

const ENCODERS: Record<Encoding, (v: string) => string> = {
  url: encodeURIComponent,
  json: (v) => JSON.stringify(v).slice(1, -1),
  // biome-ignore lint/suspicious/noControlCharactersInRegex: the point is to remove them
  header: (v) => v.replace(/[\u0000-\u001f\u007f]/g, ' '),
};

function parts(t: Template, lookup: (name: string) => string | undefined, enc: Encoding): RequestPart[] {
  return t.renderParts(lookup, ENCODERS[enc]).map((p) => (typeof p === 'string' ? p : { env: p.env, enc }));
}

function bodyParts(node: BodyNode, lookup: (name: string) => string | undefined): RequestPart[] {
  switch (node.kind) {
    case 'value':
      return [JSON.stringify(node.value)];
    case 'text':
      // The written text is escaped as JSON too: it is a JSON string's content.
      return [
        '"',
        ...node.text
          .renderParts(lookup, ENCODERS.json, ENCODERS.json)
          .map((p) => (typeof p === 'string' ? p : { env: p.env, enc: 'json' as const })),
        '"',
      ];
    case 'list':
      return ['[', ...node.items.flatMap((n, i) => [...(i ? [','] : []), ...bodyParts(n, lookup)]), ']'];
    case 'map':
      return [
        '{',
        ...node.entries.flatMap(([k, v], i) => [
          ...(i ? [','] : []),
          `${JSON.stringify(k)}:`,
          ...bodyParts(v, lookup),
        ]),
        '}',
      ];
  }
}

export function renderCallRequest(
  inboundMsgid: string,
  rule: string,
  step: number,
  call: CallModel,
  lookup: (name: string) => string | undefined,
): CallRequest {
  return {
    rule,
    name: call.name,
    step,
    key: idempotencyKey(inboundMsgid, rule, call.name),
    method: call.method,
    url: parts(call.url, lookup, 'url'),
    urlPrefix: call.url.prefix,
    headers: call.headers.map(([h, t]) => [h, parts(t, lookup, 'header')]),
    ...(call.body && { body: bodyParts(call.body, lookup) }),
    timeoutMs: call.timeoutMs,
    retries: call.retries,
    save: call.save,
  };
}

function join(ps: readonly RequestPart[], env: (name: string, enc: Encoding) => string): string {
  return ps.map((p) => (typeof p === 'string' ? p : env(p.env, p.enc))).join('');
}

export interface ConcreteRequest {
  url: string;
  headers: Record<string, string>;
  body?: string;
}

/**
 * The request with {{env.X}} read from `env` — only ever passed to the HTTP client. Returns the
 * missing names when a variable is unset, and `escapes` when a value changed the URL's origin or
 * the path the rule wrote (a customer text of `..`).
 */
export function materialize(
  req: CallRequest,
  env: Readonly<Record<string, string | undefined>>,
): ConcreteRequest | { missing: string[] } | { escapes: string } {
  const missing = new Set<string>();
  const read = (name: string, enc: Encoding) => {
    const v = env[name];
    if (v === undefined) missing.add(name);
    return ENCODERS[enc](v ?? '');
  };
  const url = join(req.url, read);
  const headers = Object.fromEntries(req.headers.map(([h, ps]) => [h, join(ps, read)]));
  const body = req.body && join(req.body, read);
  if (missing.size > 0) return { missing: [...missing] };
  const parsed = new URL(url);
  // The written prefix holds the origin (compile-call.ts); parsed the same way, it is compared
  // with what the values produced.
  const written = new URL(req.urlPrefix);
  const writtenPath = `${written.pathname}${written.search}`.replace(/\/$/, '');
  if (parsed.origin !== written.origin || !`${parsed.pathname}${parsed.search}`.startsWith(writtenPath))
    return { escapes: `${parsed.origin}${parsed.pathname}` };
  return { url: parsed.href, headers, ...(body !== undefined && { body }) };
}

/** The request as logs, explain, simulate and the sandbox show it: env values as ‹env.NAME›. */
export function redacted(req: CallRequest): ConcreteRequest & { method: CallMethod } {
  const show = (name: string) => `‹env.${name}›`;
  return {
    method: req.method,
    url: join(req.url, show),
    headers: Object.fromEntries(req.headers.map(([h, ps]) => [h, join(ps, show)])),
    ...(req.body && { body: join(req.body, show) }),
  };
}
