/**
 * A company backend on loopback for `call:` tests: real HTTP, with behaviours chosen per path so a
 * test can make it answer, fail, hang, redirect or send too much, and a log of every request
 * (method, path, headers, body) to check what kfbot sent.
 */
import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface SeenRequest {
  method: string;
  path: string;
  headers: IncomingMessage['headers'];
  body: string;
}

export type Behaviour = (req: SeenRequest) => {
  status?: number;
  json?: unknown;
  text?: string;
  headers?: Record<string, string>;
  /** Milliseconds before answering; Infinity: never. */
  delayMs?: number;
  /** Bytes of filler to send. */
  bytes?: number;
};

export interface OrderBackend {
  url: string;
  port: number;
  seen: SeenRequest[];
  /** Sets how the backend answers (default: 200 with an order). */
  behave(b: Behaviour): void;
  close(): Promise<void>;
}

export const ORDER = { data: { status: '已发货', eta: '12月9日' } };

export async function startOrderBackend(): Promise<OrderBackend> {
  const seen: SeenRequest[] = [];
  let behaviour: Behaviour = () => ({ json: ORDER });
  const server: Server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const r: SeenRequest = {
        method: req.method ?? '',
        path: req.url ?? '',
        headers: req.headers,
        body: Buffer.concat(chunks).toString('utf8'),
      };
      seen.push(r);
      const b = behaviour(r);
      const answer = () => {
        if (res.destroyed) return;
        res.writeHead(b.status ?? 200, {
          'content-type': b.json !== undefined ? 'application/json' : 'text/plain',
          ...b.headers,
        });
        if (b.bytes !== undefined) {
          const chunk = Buffer.alloc(64 * 1024, 'x');
          let left = b.bytes;
          const pump = () => {
            while (left > 0) {
              const n = Math.min(left, chunk.length);
              left -= n;
              if (!res.write(chunk.subarray(0, n))) return void res.once('drain', pump);
            }
            res.end();
          };
          res.on('error', () => {});
          pump();
          return;
        }
        res.end(b.json !== undefined ? JSON.stringify(b.json) : (b.text ?? ''));
      };
      if (b.delayMs === Number.POSITIVE_INFINITY) return;
      if (b.delayMs) setTimeout(answer, b.delayMs);
      else answer();
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const port = (server.address() as AddressInfo).port;
  return {
    url: `http://127.0.0.1:${port}`,
    port,
    seen,
    behave: (b) => {
      behaviour = b;
    },
    close: () =>
      new Promise((r) => {
        server.closeAllConnections();
        server.close(() => r());
      }),
  };
}
