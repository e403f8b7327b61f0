/**
 * The sandbox's HTTP routes, mounted beside kfbot's own: the page and its two static files, a
 * server-sent event stream of the hub, the actions, and the media kfbot sent (from the simulator's
 * store, so images render as the customer would see them).
 */
import { readFileSync } from 'node:fs';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { SECURITY_HEADERS } from '../console/console-http.ts';
import type { WeComSimulator } from '../simulator/index.ts';
import { undici } from '../wecom/undici.ts';
import { parseAction, performAction, SandboxActionError } from './sandbox-actions.ts';
import type { SandboxHub } from './sandbox-hub.ts';
import type { SandboxTime } from './sandbox-time.ts';

const STATIC: Record<string, { file: string; type: string }> = {
  '/sandbox': { file: 'index.html', type: 'text/html; charset=utf-8' },
  '/sandbox/': { file: 'index.html', type: 'text/html; charset=utf-8' },
  '/sandbox/app.js': { file: 'app.js', type: 'text/javascript; charset=utf-8' },
  '/sandbox/app.css': { file: 'app.css', type: 'text/css; charset=utf-8' },
};

const MAX_ACTION_BYTES = 16 * 1024;

async function readJson(req: IncomingMessage): Promise<unknown> {
  let text = '';
  for await (const chunk of req) {
    text += chunk;
    if (text.length > MAX_ACTION_BYTES) throw new SandboxActionError('the action is too large');
  }
  try {
    return JSON.parse(text);
  } catch {
    throw new SandboxActionError('the action is not JSON');
  }
}

function json(res: ServerResponse, status: number, body: unknown): void {
  const text = JSON.stringify(body);
  res.writeHead(status, {
    ...SECURITY_HEADERS,
    'content-type': 'application/json; charset=utf-8',
    'content-length': Buffer.byteLength(text),
  });
  res.end(text);
}

export function sandboxRoutes(hub: SandboxHub, sim: WeComSimulator, time: SandboxTime) {
  const publicDir = new URL('./public/', import.meta.url);
  return async (req: IncomingMessage, res: ServerResponse, url: URL): Promise<boolean> => {
    const asset = STATIC[url.pathname];
    // HEAD as GET (Node leaves the body out): a link checker or `curl -I` sees the page is there.
    if (asset && (req.method === 'GET' || req.method === 'HEAD')) {
      // Read on each request: the page is small, and an edited page shows on reload.
      const body = readFileSync(new URL(asset.file, publicDir));
      // The console's headers: the page loads only its own script and style and is never framed,
      // so a page elsewhere cannot drive a sandbox customer or servicer by clickjacking.
      res.writeHead(200, { ...SECURITY_HEADERS, 'content-type': asset.type });
      res.end(body);
      // Someone opened the page and is about to play a customer: load the HTTP client that the
      // first callback and API call need now, so the first welcome does not wait for it (an idle
      // sandbox that nobody opened does without it, issue #28).
      if (asset.file === 'index.html') void undici();
      return true;
    }
    if (url.pathname === '/sandbox/events' && req.method === 'GET') {
      res.writeHead(200, {
        'content-type': 'text/event-stream',
        'cache-control': 'no-store',
        connection: 'keep-alive',
      });
      const unsubscribe = hub.subscribe((e) => res.write(`data: ${JSON.stringify(e)}\n\n`));
      // The history is replayed synchronously above; tell the page where live events begin.
      res.write(`data: ${JSON.stringify({ type: 'replayed' })}\n\n`);
      const keepAlive = setInterval(() => res.write(': keep-alive\n\n'), 15_000);
      req.on('close', () => {
        clearInterval(keepAlive);
        unsubscribe();
      });
      return true;
    }
    if (url.pathname === '/sandbox/actions' && req.method === 'POST') {
      try {
        const action = parseAction(await readJson(req));
        json(res, 200, action.type === 'wait' ? await time.skip(action.ms) : performAction(sim, hub, action));
      } catch (err) {
        if (!(err instanceof SandboxActionError)) throw err;
        json(res, 400, { error: err.message });
      }
      return true;
    }
    const media = /^\/sandbox\/media\/([\w-]+)$/.exec(url.pathname);
    if (media && req.method === 'GET') {
      const stored = sim.world.media.live(media[1] as string, sim.clock.now());
      if (!stored) return false;
      res.writeHead(200, {
        ...SECURITY_HEADERS,
        'content-type': stored.contentType || 'application/octet-stream',
      });
      res.end(Buffer.from(stored.bytes));
      return true;
    }
    return false;
  };
}
