/**
 * Test helpers: a simulator on a ManualClock, a tiny HTTP client that talks to it over loopback
 * with undici (not kfbot's own client), and a callback receiver that answers as told.
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { FormData, request } from 'undici';
import { afterEach } from 'vitest';
import {
  ManualClock,
  type SimulatorOptions,
  seededRandom,
  startSimulator,
  type WeComSimulator,
} from '../../src/simulator/index.ts';

export type Json = Record<string, unknown> & { errcode: number; errmsg: string };

export interface TestSim {
  sim: WeComSimulator;
  clock: ManualClock;
  /** The access token post() uses (refreshed by renewToken()). */
  token: string;
  /** Fetches a new access token, for tests that move the clock past 7200 s. */
  renewToken(): Promise<string>;
  /** The first account's open_kfid. */
  kf: string;
  /** POST JSON to /cgi-bin/<api>?access_token=<token>. */
  post(api: string, body: unknown, token?: string): Promise<Json>;
  /** GET /cgi-bin/<api>?<query>. */
  get(api: string, query: Record<string, string>): Promise<{ status: number; json: Json }>;
}

const running: Array<{ close(): Promise<void> }> = [];
afterEach(async () => {
  await Promise.all(running.splice(0).map((r) => r.close()));
});

export async function rawPost(
  url: string,
  body: string | Buffer,
  headers: Record<string, string> = { 'content-type': 'application/json' },
): Promise<{ status: number; text: string }> {
  const res = await request(url, { method: 'POST', body, headers });
  return { status: res.statusCode, text: await res.body.text() };
}

export async function startTestSim(options: SimulatorOptions = {}): Promise<TestSim> {
  const clock = new ManualClock();
  const sim = await startSimulator({ clock, random: seededRandom(42), ...options });
  running.push(sim);
  const get = async (api: string, query: Record<string, string>) => {
    const res = await request(`${sim.url}/cgi-bin/${api}?${new URLSearchParams(query)}`);
    return { status: res.statusCode, json: (await res.body.json()) as Json };
  };
  const renewToken = async () => {
    const res = await get('gettoken', { corpid: sim.corpId, corpsecret: sim.secret });
    t.token = String(res.json.access_token);
    return t.token;
  };
  const post = async (api: string, body: unknown, tk?: string) => {
    const token = encodeURIComponent(tk ?? t.token);
    const res = await rawPost(`${sim.url}/cgi-bin/${api}?access_token=${token}`, JSON.stringify(body));
    return JSON.parse(res.text) as Json;
  };
  const t: TestSim = {
    sim,
    clock: options.clock instanceof ManualClock ? options.clock : clock,
    token: '',
    renewToken,
    kf: sim.openKfId,
    post,
    get,
  };
  await renewToken();
  return t;
}

/** media/upload with a multipart `media` part; returns the parsed answer. */
export async function upload(
  t: TestSim,
  type: string,
  bytes: Uint8Array,
  filename: string | undefined,
  field = 'media',
): Promise<Json> {
  const form = new FormData();
  if (filename === undefined) form.append(field, Buffer.from(bytes).toString('latin1'));
  else form.append(field, new Blob([bytes]), filename);
  const res = await request(`${t.sim.url}/cgi-bin/media/upload?access_token=${t.token}&type=${type}`, {
    method: 'POST',
    body: form,
  });
  return (await res.body.json()) as Json;
}

/** A customer who wrote once: the session is in state 0 with a fresh quota. */
export function customerWhoWrote(t: TestSim, text = '你好，我想查一下订单'): string {
  const item = t.sim.customerSays({ text });
  return String(item.external_userid);
}

export interface Received {
  method: string;
  url: URL;
  body: string;
}

export interface Receiver {
  url: string;
  received: Received[];
  /** How to answer the next requests, in order; afterwards 200. 'hang' never answers. */
  script: Array<number | 'hang'>;
  /** Answers the GET handshake with this function of the query (default: 403). */
  onGet: (url: URL) => { status: number; body: string };
}

/** A local HTTP server standing in for kfbot's callback receiver. */
export async function startReceiver(): Promise<Receiver> {
  const hanging: ServerResponse[] = [];
  const receiver: Receiver = {
    url: '',
    received: [],
    script: [],
    onGet: () => ({ status: 403, body: '' }),
  };
  const server: Server = createServer((req: IncomingMessage, res: ServerResponse) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const url = new URL(req.url ?? '/', 'http://receiver.invalid');
      receiver.received.push({ method: req.method ?? '', url, body: Buffer.concat(chunks).toString('utf8') });
      if (req.method === 'GET') {
        const answer = receiver.onGet(url);
        res.writeHead(answer.status).end(answer.body);
        return;
      }
      const step = receiver.script.shift() ?? 200;
      if (step === 'hang') hanging.push(res);
      else res.writeHead(step).end('success');
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  receiver.url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/wecom/callback`;
  running.push({
    close: () =>
      new Promise<void>((resolve) => {
        for (const res of hanging) res.destroy();
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  });
  return receiver;
}

/** The callback settings the receiver's side knows (vector A's key, §2.5). */
export const CALLBACK_SECRETS = {
  token: 'QDG6eK',
  encodingAesKey: 'jWmYm7qr5nMoAUwZRjGtBxmz3KA1tkAj3ykkR6q2B2C',
} as const;
