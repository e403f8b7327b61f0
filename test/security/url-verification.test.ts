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
import { SAMPLE, VECTOR_B as SAMPLE_B, VECTOR_A } from '../support/sample-vectors.ts';

/** §2.5: the official Go sample's key, token and receive id. */
const { token: TOKEN, encodingAesKey: AES_KEY, corpId: CORP_ID } = SAMPLE;

/** Vector A: the sample GET, with its query string exactly as WeCom sends it. */
const VECTOR_A_QUERY = VECTOR_A.queryString;
const VECTOR_A_REPLY = VECTOR_A.reply;

/** Vector B: the sample POST's signed ciphertext, sent as a GET's echostr (the signature is the same formula). */
const VECTOR_B = {
  msg_signature: SAMPLE_B.msgSignature,
  timestamp: SAMPLE_B.timestamp,
  nonce: SAMPLE_B.nonce,
  echostr: SAMPLE_B.encrypt,
};
const VECTOR_B_PLAINTEXT = SAMPLE_B.plaintext;

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
