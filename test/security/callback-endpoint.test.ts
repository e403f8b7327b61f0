/**
 * The callback endpoint faces the internet. Every bad request gets its own 4xx, a log line with the
 * reason, and triggers no pull and no send; secrets never reach a log line.
 */
import { connect } from 'node:net';
import { request } from 'undici';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { RunningKfbot } from '../../src/runtime/kfbot-app.ts';
import { startSimulator, type WeComSimulator } from '../../src/simulator/index.ts';
import { CallbackCodec } from '../../src/wecom/callback-codec.ts';
import { computeSignature } from '../../src/wecom/callback-crypto.ts';
import { buildEncryptedEnvelope, type KfNotice } from '../../src/wecom/callback-envelope.ts';
import { AES_KEY, type InProcessKfbot, startInProcess, TOKEN } from '../support/in-process-kfbot.ts';
import { expectNoSecrets } from '../support/secrets.ts';

let sim: WeComSimulator;
let bot: InProcessKfbot;
let app: RunningKfbot;
let lines: string[];

beforeAll(async () => {
  sim = await startSimulator();
  // With the optional freshness window on (KFBOT_CALLBACK_MAX_SKEW; off by default).
  bot = await startInProcess(sim, {
    config: { callbackMaxSkewSec: 600 },
    httpLimits: { requestTimeoutMs: 1500, headersTimeoutMs: 1000 },
  });
  app = bot.app;
  lines = bot.lines;
  sim.callbacks.configure(undefined); // these tests send the callbacks themselves
});

afterAll(async () => {
  // Every log line of every scenario above: no credential in any of them.
  expect(lines.length).toBeGreaterThan(20);
  expectNoSecrets(lines, sim, [TOKEN, AES_KEY]);
  await bot.close();
  await sim.close();
});

beforeEach(() => {
  sim.requests.clear();
});

const codec = () => new CallbackCodec({ token: TOKEN, encodingAesKey: AES_KEY, corpId: sim.corpId });
const now = () => String(Math.floor(Date.now() / 1000));
const notice = (): KfNotice => ({
  event: 'kf_msg_or_event',
  msgType: 'event',
  toUserName: sim.corpId,
  createTime: Math.floor(Date.now() / 1000),
  token: 'CALLBACK_TOKEN',
  openKfId: sim.openKfId,
});

/** A valid sealed callback, with its parts, to tamper with. */
function sealed(opts: { timestamp?: string; codecFor?: CallbackCodec } = {}) {
  const s = (opts.codecFor ?? codec()).sealNotice(notice(), { timestamp: opts.timestamp ?? now() });
  const encrypt = /<Encrypt><!\[CDATA\[(.*)\]\]><\/Encrypt>/.exec(s.body)?.[1] as string;
  return { ...s, encrypt };
}

/** Re-signs a changed Encrypt with the right token, so the request gets past the signature check. */
function resigned(encrypt: string) {
  const timestamp = now();
  const nonce = '12345';
  const body = buildEncryptedEnvelope({ toUserName: sim.corpId, encrypt });
  return {
    query: { msg_signature: computeSignature(TOKEN, timestamp, nonce, encrypt), timestamp, nonce },
    body,
  };
}

async function post(query: Record<string, string>, body: string, headers: Record<string, string> = {}) {
  const res = await request(`${app.url}/callback?${new URLSearchParams(query)}`, {
    method: 'POST',
    body,
    headers: { 'content-type': 'text/xml', ...headers },
  });
  return { status: res.statusCode, text: await res.body.text() };
}

/** Nothing was pulled and nothing sent because of the request. */
async function expectNothingProcessed(): Promise<void> {
  await new Promise((r) => setTimeout(r, 50));
  await app.work.idle();
  expect(sim.requests.byApi('kf/sync_msg')).toHaveLength(0);
  expect(sim.sent()).toHaveLength(0);
}

const logged = (text: string) => lines.some((l) => l.includes(text));

/** kfbot_callbacks_total{result} as /metrics shows it (0 when the series is not there yet). */
async function callbacksCounted(result: string): Promise<number> {
  const res = await request(`${app.url}/metrics`);
  const text = await res.body.text();
  const line = text.split('\n').find((l) => l.startsWith(`kfbot_callbacks_total{result="${result}"}`));
  return line ? Number(line.split(' ').pop()) : 0;
}

describe('refused callbacks', () => {
  const cases: [
    string,
    () => { query: Record<string, string>; body: string; headers?: Record<string, string> },
    number,
    string,
  ][] = [
    [
      'a forged signature',
      () => ({ ...sealed(), query: { ...sealed().query, msg_signature: 'f'.repeat(40) } }),
      401,
      'BAD_SIGNATURE',
    ],
    [
      'the wrong token',
      () =>
        sealed({
          codecFor: new CallbackCodec({ token: 'OtherToken', encodingAesKey: AES_KEY, corpId: sim.corpId }),
        }),
      401,
      'BAD_SIGNATURE',
    ],
    [
      'a signature over different data',
      () => {
        const a = sealed();
        const b = sealed();
        return { query: a.query, body: b.body };
      },
      401,
      'BAD_SIGNATURE',
    ],
    [
      'a replay outside the freshness window',
      () => sealed({ timestamp: String(Math.floor(Date.now() / 1000) - 3600) }),
      403,
      'outside the freshness window',
    ],
    [
      'another corp id inside the ciphertext',
      () =>
        sealed({
          codecFor: new CallbackCodec({ token: TOKEN, encodingAesKey: AES_KEY, corpId: 'wwSomeoneElse0001' }),
        }),
      403,
      'RECEIVE_ID_MISMATCH',
    ],
    ['a truncated ciphertext', () => resigned(sealed().encrypt.slice(0, 64)), 400, 'BAD_'],
    [
      'a ciphertext with an extra block',
      () =>
        resigned(
          Buffer.concat([Buffer.from(sealed().encrypt, 'base64'), Buffer.alloc(16, 7)]).toString('base64'),
        ),
      400,
      'BAD_',
    ],
    ['bad base64', () => resigned('!!!not-base64!!!'), 400, 'BAD_BASE64'],
    [
      'XML with a DTD',
      () => ({ query: sealed().query, body: `<!DOCTYPE xml [<!ENTITY x "boom">]>${sealed().body}` }),
      400,
      'FORBIDDEN_XML',
    ],
    ['malformed XML', () => ({ query: sealed().query, body: '<xml><Encrypt>' }), 400, 'MALFORMED_XML'],
    ['missing query parameters', () => ({ query: {}, body: sealed().body }), 400, 'MISSING_PARAMETER'],
    [
      'a JSON body',
      () => ({ ...sealed(), headers: { 'content-type': 'application/json' } }),
      415,
      'not an XML body',
    ],
  ];

  it.each(cases)('refuses %s, says why, and processes nothing', async (_name, build, status, reason) => {
    const r = build();
    const res = await post(r.query, r.body, r.headers);
    expect(res.status).toBe(status);
    expect(logged(reason)).toBe(true);
    await expectNothingProcessed();
  });

  it('refuses a huge body with 413, and counts it in /metrics for the refusal alert', async () => {
    const before = await callbacksCounted('too_large');
    const res = await post(sealed().query, `<xml>${'x'.repeat(200_000)}</xml>`);
    expect(res.status).toBe(413);
    expect(logged('body too large')).toBe(true);
    await expectNothingProcessed();
    expect(await callbacksCounted('too_large')).toBe(before + 1);
  });

  it('counts a form body refused with 415 as a bad request, and says to send text/xml', async () => {
    const before = await callbacksCounted('bad_request');
    const s = sealed();
    const res = await post(s.query, s.body, { 'content-type': 'application/x-www-form-urlencoded' });
    expect(res.status).toBe(415);
    expect(res.text).toContain('text/xml');
    expect(await callbacksCounted('bad_request')).toBe(before + 1);
  });

  it('says how old a stale notice is and which setting bounds it', async () => {
    const res = await post(
      sealed({ timestamp: String(Math.floor(Date.now() / 1000) - 3600) }).query,
      sealed().body,
    );
    expect(res.status).toBe(403);
    expect(res.text).toMatch(
      /^STALE_TIMESTAMP: the request was signed 360\d s ago, outside the 600 s window \(KFBOT_CALLBACK_MAX_SKEW\)/,
    );
  });

  it.each(['PUT', 'DELETE', 'PATCH'])('refuses %s with 405 and says so in the log', async (method) => {
    const res = await request(`${app.url}/callback`, { method });
    expect(res.statusCode).toBe(405);
    expect(res.headers.allow).toBe('GET, POST');
    await res.body.text();
    expect(logged(`callback refused: method ${method} not allowed`)).toBe(true);
    await expectNothingProcessed();
  });

  it('refuses a URL verification with a bad signature', async () => {
    const echo = codec().sealEchostr('hello', { timestamp: now() });
    const res = await request(
      `${app.url}/callback?${new URLSearchParams({ ...echo, msg_signature: '0'.repeat(40) })}`,
    );
    expect(res.statusCode).toBe(401);
    await res.body.text();
  });

  it('cuts off a slow-loris request that never finishes its body', async () => {
    const started = Date.now();
    const closed = await new Promise<string>((resolve) => {
      const socket = connect((new URL(app.url).port as unknown as number) || 80, '127.0.0.1', () => {
        socket.write(
          `POST /callback?x=1 HTTP/1.1\r\nHost: x\r\nContent-Type: text/xml\r\nContent-Length: 1000\r\n\r\n<xml>`,
        );
        const drip = setInterval(() => socket.write('a'), 200);
        socket.on('close', () => clearInterval(drip));
      });
      let answer = '';
      socket.on('data', (d) => {
        answer += d;
      });
      socket.on('close', () => resolve(answer));
    });
    expect(Date.now() - started).toBeLessThan(5000);
    expect(closed).toMatch(/^HTTP\/1\.1 408|^$/);
    await expectNothingProcessed();
  });

  it('accepts the real thing (the control for all of the above)', async () => {
    const s = sealed();
    const res = await post(s.query, s.body);
    expect(res.status).toBe(200);
    await new Promise((r) => setTimeout(r, 50));
    await app.work.idle();
    expect(sim.requests.byApi('kf/sync_msg').length).toBeGreaterThan(0);
  });
});
