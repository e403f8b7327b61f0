/**
 * GET /callback, WeCom's URL verification, against the vendor's own sample requests
 * (wecom-kf.md §2.5): their timestamps are from 2014, and they must verify anyway — a replayed GET
 * only gets back the echo its original got. Every tampered variant is still refused. (The sample
 * POSTs: sample-notices.test.ts.)
 */
import { request } from 'undici';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startSimulator, type WeComSimulator } from '../../src/simulator/index.ts';
import { computeSignature } from '../../src/wecom/callback-crypto.ts';
import { type InProcessKfbot, startInProcess } from '../support/in-process-kfbot.ts';

/** §2.5: the official Go sample's key, token and receive id. */
const TOKEN = 'QDG6eK';
const AES_KEY = 'jWmYm7qr5nMoAUwZRjGtBxmz3KA1tkAj3ykkR6q2B2C';
const CORP_ID = 'wx5823bf96d3bd56c7';

/** Vector A: the sample GET, with its query string exactly as WeCom sends it. */
const VECTOR_A_QUERY =
  'msg_signature=5c45ff5e21c57e6ad56bac8758b79b1d9ac89fd3&timestamp=1409659589&nonce=263014780&echostr=P9nAzCzyDtyTWESHep1vC5X9xho%2FqYX3Zpb4yKa9SKld1DsH3Iyt3tP3zNdtp%2B4RPcs8TgAE7OaBO%2BFZXvnaqQ%3D%3D';
const VECTOR_A_REPLY = '1616140317555161061';

/** Vector B: the sample POST's signed ciphertext, sent as a GET's echostr (the signature is the same formula). */
const VECTOR_B = {
  msg_signature: '477715d11cdb4164915debcba66cb864d751f3e6',
  timestamp: '1409659813',
  nonce: '1372623149',
  echostr:
    'RypEvHKD8QQKFhvQ6QleEB4J58tiPdvo+rtK1I9qca6aM/wvqnLSV5zEPeusUiX5L5X/0lWfrf0QADHHhGd3QczcdCUpj911L3vg3W/sYYvuJTs3TUUkSUXxaccAS0qhxchrRYt66wiSpGLYL42aM6A8dTT+6k4aSknmPj48kzJs8qLjvd4Xgpue06DOdnLxAUHzM6+kDZ+HMZfJYuR+LtwGc2hgf5gsijff0ekUNXZiqATP7PF5mZxZ3Izoun1s4zG4LUMnvw2r+KqCKIw+3IQH03v+BCA9nMELNqbSf6tiWSrXJB3LAVGUcallcrw8V2t9EL4EhzJWrQUax5wLVMNS0+rUPA3k22Ncx4XXZS9o0MBH27Bo6BpNelZpS+/uh9KsNlY6bHCmJU9p8g7m3fVKn28H3KDYA5Pl/T8Z1ptDAVe0lXdQ2YoyyH2uyPIGHBZZIs2pDBS8R07+qN+E7Q==',
};
/** 284 bytes, LF line ends; the ciphertext ends in a 30-byte pad, which 16-byte PKCS#7 would reject. */
const VECTOR_B_PLAINTEXT =
  '<xml><ToUserName><![CDATA[wx5823bf96d3bd56c7]]></ToUserName>\n<FromUserName><![CDATA[mycreate]]></FromUserName>\n<CreateTime>1409659813</CreateTime>\n<MsgType><![CDATA[text]]></MsgType>\n<Content><![CDATA[hello]]></Content>\n<MsgId>4561255354251345929</MsgId>\n<AgentID>218</AgentID>\n</xml>';

let sim: WeComSimulator;
let bot: InProcessKfbot;

beforeAll(async () => {
  sim = await startSimulator();
  bot = await startInProcess(sim, { config: { corpId: CORP_ID, token: TOKEN, encodingAesKey: AES_KEY } });
  sim.callbacks.configure(undefined);
});

afterAll(async () => {
  await bot.close();
  await sim.close();
});

/** GETs /callback with a raw query string; returns the status and the body's exact bytes. */
async function get(query: string): Promise<{ status: number; bytes: Buffer }> {
  const res = await request(`${bot.app.url}/callback?${query}`);
  return { status: res.statusCode, bytes: Buffer.from(await res.body.arrayBuffer()) };
}

const encode = (q: Record<string, string>) =>
  Object.entries(q)
    .map(([k, v]) => `${k}=${encodeURIComponent(v)}`)
    .join('&');

describe("GET /callback with WeCom's sample requests", () => {
  it('answers vector A with exactly its plaintext, though it was signed in 2014', async () => {
    const res = await get(VECTOR_A_QUERY);
    expect(res.status).toBe(200);
    expect(res.bytes.equals(Buffer.from(VECTOR_A_REPLY, 'utf8'))).toBe(true);
  });

  it("answers vector B's ciphertext with its 284-byte plaintext, byte for byte", async () => {
    const res = await get(encode(VECTOR_B));
    expect(res.status).toBe(200);
    expect(res.bytes.length).toBe(284);
    expect(res.bytes.equals(Buffer.from(VECTOR_B_PLAINTEXT, 'utf8'))).toBe(true);
  });

  const tampered: [string, () => string, number, string][] = [
    ['another signature', () => VECTOR_A_QUERY.replace('5c45ff5e', '5c45ff5f'), 401, 'BAD_SIGNATURE'],
    ['another timestamp', () => VECTOR_A_QUERY.replace('1409659589', '1409659590'), 401, 'BAD_SIGNATURE'],
    ['another nonce', () => VECTOR_A_QUERY.replace('263014780', '263014781'), 401, 'BAD_SIGNATURE'],
    ['another echostr', () => VECTOR_A_QUERY.replace('P9nAzCzy', 'P9nAzCzz'), 401, 'BAD_SIGNATURE'],
    [
      'a "+" a proxy turned into a space',
      () => VECTOR_A_QUERY.replace('%2B4RPcs', '%204RPcs'),
      401,
      'BAD_SIGNATURE',
    ],
    ['no echostr', () => VECTOR_A_QUERY.replace(/&echostr=.*/, ''), 400, 'MISSING_PARAMETER'],
    [
      "vector B's ciphertext under vector A's signature",
      () => encode({ ...VECTOR_B, msg_signature: '5c45ff5e21c57e6ad56bac8758b79b1d9ac89fd3' }),
      401,
      'BAD_SIGNATURE',
    ],
    [
      'a changed ciphertext re-signed with the token (the cipher checks still refuse it)',
      () => {
        const bytes = Buffer.from(VECTOR_B.echostr, 'base64');
        bytes[bytes.length - 20] = (bytes[bytes.length - 20] ?? 0) ^ 1;
        const echostr = bytes.toString('base64');
        return encode({
          ...VECTOR_B,
          echostr,
          msg_signature: computeSignature(TOKEN, VECTOR_B.timestamp, VECTOR_B.nonce, echostr),
        });
      },
      400,
      'BAD_',
    ],
  ];

  it.each(tampered)('refuses %s', async (_name, query, status, code) => {
    const res = await get(query());
    expect(res.status).toBe(status);
    expect(res.bytes.toString('utf8')).toContain(code);
    expect(res.bytes.toString('utf8')).not.toContain(VECTOR_A_REPLY);
  });
});
