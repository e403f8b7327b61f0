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
  /** Answer only at release(): a backend that hangs for exactly as long as the test wants. */
  hold?: boolean;
  /** Bytes of filler to send. */
  bytes?: number;
};

export interface OrderBackend {
  url: string;
  port: number;
  seen: SeenRequest[];
  /** Sets how the backend answers (default: 200 with an order). */
  behave(b: Behaviour): void;
  /** Requests a `hold` behaviour keeps unanswered, until release(). */
  readonly held: number;
  /** Requests answered so far. */
  readonly answered: number;
  /** Answers every held request, as its behaviour said. */
  release(): void;
  close(): Promise<void>;
}

export const ORDER = { data: { status: '已发货', eta: '12月9日' } };

/**
 * Rules for a shop in front of this backend: `echo <t>` answered at once (the customers with no
 * call), and `订单<12 digits>` answered from a call to /orders/<n> (`状态：<status>`, or 查询失败).
 */
export function orderLookupRules(
  port: number,
  opts: { timeout: string; retries?: number; concurrency?: number },
): string {
  const calls = [
    `allow: ["127.0.0.1:${port}"]`,
    `timeout: ${opts.timeout}`,
    ...(opts.concurrency !== undefined ? [`concurrency: ${opts.concurrency}`] : []),
  ];
  const retries = opts.retries !== undefined ? `\n          retries: ${opts.retries}` : '';
  return `settings:
  calls: { ${calls.join(', ')} }
rules:
  - name: echo
    when: { text: { regex: '^echo (?<t>.+)$' } }
    then: [ { reply: "收到：{{match.t}}" } ]
  - name: 查订单
    when: { text: { regex: '^订单(?<order>\\d{12})$' } }
    then:
      - call:
          name: order_status
          url: http://127.0.0.1:${port}/orders/{{match.order}}${retries}
          save: { status: data.status }
          on_error: [ { reply: 查询失败 } ]
      - reply: "状态：{{var.status}}"
`;
}

export async function startOrderBackend(): Promise<OrderBackend> {
  const seen: SeenRequest[] = [];
  let behaviour: Behaviour = () => ({ json: ORDER });
  const holding: (() => void)[] = [];
  let answered = 0;
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
        answered++;
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
      if (b.hold) holding.push(answer);
      else if (b.delayMs === Number.POSITIVE_INFINITY) return;
      else if (b.delayMs) setTimeout(answer, b.delayMs);
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
    get held() {
      return holding.length;
    },
    get answered() {
      return answered;
    },
    release: () => {
      for (const answer of holding.splice(0)) answer();
    },
    close: () =>
      new Promise((r) => {
        server.closeAllConnections();
        server.close(() => r());
      }),
  };
}
