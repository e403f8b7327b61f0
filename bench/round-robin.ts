/**
 * A load balancer in front of kfbot replicas, as a deployment puts one: each callback POST goes to
 * the next replica in turn, and the replica's status is passed back (502 when it does not answer).
 */
import { createServer } from 'node:http';
import { request } from 'undici';

export async function roundRobin(
  targets: readonly { url: string }[],
): Promise<{ url: string; close: () => void }> {
  let next = 0;
  const lb = createServer(async (req, res) => {
    const chunks: Buffer[] = [];
    for await (const c of req) chunks.push(c as Buffer);
    const target = targets[next++ % targets.length] as { url: string };
    try {
      const r = await request(`${target.url}${req.url}`, { method: 'POST', body: Buffer.concat(chunks) });
      await r.body.text();
      res.writeHead(r.statusCode).end();
    } catch {
      res.writeHead(502).end();
    }
  });
  await new Promise<void>((r) => lb.listen(0, '127.0.0.1', () => r()));
  const port = (lb.address() as { port: number }).port;
  return { url: `http://127.0.0.1:${port}`, close: () => lb.close() };
}
