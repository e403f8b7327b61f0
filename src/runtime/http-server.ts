/**
 * The HTTP adapter: routes, body limits and timeouts, nothing else. What a request means is decided
 * in callback-receiver.ts; this file only reads the request and writes the answer.
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { Logger } from 'pino';
import type { CallbackQuery, CallbackReceiver } from './callback-receiver.ts';

/** A kf_msg_or_event notice is a few hundred bytes; anything near this is not WeCom. */
export const MAX_BODY_BYTES = 64 * 1024;

export interface HttpRoutes {
  receiver: CallbackReceiver;
  ready: () => Promise<{ ready: boolean; detail: Record<string, unknown> }>;
  metrics: () => Promise<{ contentType: string; body: string }>;
  /** Extra routes (the sandbox adds /sandbox); return false when the path is not theirs. */
  extra?: (req: IncomingMessage, res: ServerResponse, url: URL) => Promise<boolean>;
  log: Logger;
}

type ExtraRoutes = NonNullable<HttpRoutes['extra']>;

/** Extra routes tried in order (the console's, then the sandbox's): the first that takes the path answers. */
export function chainRoutes(...routes: (ExtraRoutes | undefined)[]): ExtraRoutes {
  const present = routes.filter((r): r is ExtraRoutes => r !== undefined);
  return async (req, res, url) => {
    for (const route of present) if (await route(req, res, url)) return true;
    return false;
  };
}

/**
 * Query parameters decoded with decodeURIComponent only: unlike URLSearchParams it keeps a literal
 * "+" (§9.15: echostr is base64, and turning "+" into a space breaks its signature).
 */
export function parseQuery(search: string): Record<string, string> {
  const out: Record<string, string> = {};
  for (const part of search.replace(/^\?/, '').split('&')) {
    if (!part) continue;
    const eq = part.indexOf('=');
    const key = eq < 0 ? part : part.slice(0, eq);
    const value = eq < 0 ? '' : part.slice(eq + 1);
    try {
      out[decodeURIComponent(key)] = decodeURIComponent(value);
    } catch {
      out[key] = value; // malformed %-escape: left as is, and the signature check will say no
    }
  }
  return out;
}

class BodyTooLarge extends Error {}

async function readBody(req: IncomingMessage): Promise<string> {
  const declared = Number(req.headers['content-length'] ?? 0);
  if (declared > MAX_BODY_BYTES) throw new BodyTooLarge();
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req) {
    size += (chunk as Buffer).length;
    if (size > MAX_BODY_BYTES) throw new BodyTooLarge();
    chunks.push(chunk as Buffer);
  }
  return Buffer.concat(chunks).toString('utf8');
}

function send(res: ServerResponse, status: number, body: string, type = 'text/plain; charset=utf-8'): void {
  res.writeHead(status, { 'content-type': type, 'content-length': Buffer.byteLength(body) });
  res.end(body);
}

/**
 * Content types a callback body may not have. WeCom's own is not documented; anything XML-like or
 * unlabelled is let through to the signature check, but a form or JSON is certainly not WeCom.
 */
const FOREIGN_CONTENT_TYPES = /^(application\/json|application\/x-www-form-urlencoded|multipart\/)/i;

export interface HttpLimits {
  /** The whole request must arrive within this (slow-loris bodies are cut off). Default 10 s. */
  requestTimeoutMs?: number;
  /** The headers must arrive within this. Default 5 s. */
  headersTimeoutMs?: number;
}

export function createHttpServer(routes: HttpRoutes, limits: HttpLimits = {}): Server {
  const requestTimeout = limits.requestTimeoutMs ?? 10_000;
  const headersTimeout = Math.min(limits.headersTimeoutMs ?? 5_000, requestTimeout);
  // Slow or stalled clients must not hold a connection: WeCom itself gives up after 5 s (§2.3).
  const options = {
    requestTimeout,
    headersTimeout,
    connectionsCheckingInterval: Math.min(1000, headersTimeout),
  };
  const server = createServer(options, (req, res) => {
    handle(routes, req, res).catch((err: unknown) => {
      routes.log.error({ err, path: req.url?.split('?')[0] }, 'request failed');
      if (!res.headersSent) send(res, 500, 'internal error');
      else res.end();
    });
  });
  return server;
}

async function handle(routes: HttpRoutes, req: IncomingMessage, res: ServerResponse): Promise<void> {
  const url = new URL(req.url ?? '/', 'http://kfbot.invalid');
  const method = req.method ?? 'GET';
  switch (url.pathname) {
    case '/callback': {
      const query = parseQuery(url.search) as CallbackQuery;
      if (method === 'GET') {
        const a = routes.receiver.verifyUrl(query);
        send(res, a.status, a.body);
        return;
      }
      if (method === 'POST') {
        const type = req.headers['content-type'] ?? '';
        if (FOREIGN_CONTENT_TYPES.test(type)) {
          routes.receiver.refusedUnread('bad_request');
          routes.log.warn({ contentType: type }, 'callback refused: not an XML body');
          send(res, 415, `a WeCom callback is XML, not ${type}: send the envelope as text/xml`);
          return;
        }
        let body: string;
        try {
          body = await readBody(req);
        } catch (err) {
          if (!(err instanceof BodyTooLarge)) throw err;
          routes.receiver.refusedUnread('too_large');
          routes.log.warn({ limit: MAX_BODY_BYTES }, 'callback refused: body too large');
          res.setHeader('connection', 'close');
          send(res, 413, `body larger than ${MAX_BODY_BYTES} bytes`);
          return;
        }
        const a = await routes.receiver.receive(query, body);
        send(res, a.status, a.body);
        return;
      }
      routes.log.warn({ method }, `callback refused: method ${method} not allowed`);
      res.setHeader('allow', 'GET, POST');
      send(res, 405, 'use GET (URL verification) or POST (notices)');
      return;
    }
    case '/healthz':
      send(res, 200, 'ok');
      return;
    case '/readyz': {
      const r = await routes.ready();
      send(res, r.ready ? 200 : 503, JSON.stringify({ ready: r.ready, ...r.detail }), 'application/json');
      return;
    }
    case '/metrics': {
      const m = await routes.metrics();
      send(res, 200, m.body, m.contentType);
      return;
    }
    default:
      if (routes.extra && (await routes.extra(req, res, url))) return;
      send(res, 404, 'not found: kfbot serves /callback, /healthz, /readyz and /metrics');
  }
}
