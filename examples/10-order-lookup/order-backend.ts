/**
 * The demo order API example 10's rules call: GET /api/orders/<number> answers
 * { data: { status, eta } } (404 for an order it does not know), POST …/urge records the request.
 * It expects `Authorization: Bearer demo-token` (ORDER_API_TOKEN=demo-token for kfbot) and keeps
 * the Idempotency-Key of every POST so a repeated attempt is answered without acting twice.
 *
 *   node --import tsx examples/10-order-lookup/order-backend.ts      # listens on 127.0.0.1:18722
 */
import { createServer, type Server } from 'node:http';
import { fileURLToPath } from 'node:url';

export const DEMO_PORT = 18722;
export const DEMO_TOKEN = 'demo-token';

const ORDERS: Record<string, { status: string; eta: string }> = {
  '2026113012345': { status: '已发货', eta: '12月9日' },
  '2026113099999': { status: '待发货', eta: '12月12日' },
};

export function startOrderBackend(port = DEMO_PORT): Promise<Server> {
  const urged = new Map<string, number>();
  const server = createServer((req, res) => {
    req.resume();
    const send = (status: number, body: unknown) => {
      res.writeHead(status, { 'content-type': 'application/json' });
      res.end(JSON.stringify(body));
    };
    if (req.headers.authorization !== `Bearer ${DEMO_TOKEN}`) return send(401, { error: 'bad token' });
    const m = /^\/api\/orders\/(\d+)(\/urge)?$/.exec(req.url ?? '');
    const order = m && ORDERS[m[1] as string];
    if (!m || !order) return send(404, { error: 'no such order' });
    if (m[2] && req.method === 'POST') {
      // One Idempotency-Key per customer message: a retried attempt does not urge twice.
      const key = String(req.headers['idempotency-key']);
      if (!urged.has(key)) urged.set(key, urged.size + 1);
      return send(200, { data: { ticket: urged.get(key) } });
    }
    return send(200, { data: order });
  });
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, '127.0.0.1', () => resolve(server));
  });
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  await startOrderBackend();
  process.stdout.write(`demo order API on http://127.0.0.1:${DEMO_PORT} (token ${DEMO_TOKEN})\n`);
}
