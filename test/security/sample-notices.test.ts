/**
 * POST /callback with WeCom's own sample notices (wecom-kf.md §2.5), signed in 2014. Nothing
 * official checks that a callback's timestamp is fresh (§2.4), so by default kfbot accepts them and
 * pulls the account the notice names; with KFBOT_CALLBACK_MAX_SKEW set, it refuses them as stale.
 */
import { request } from 'undici';
import { describe, expect, it } from 'vitest';
import { startSimulator } from '../../src/simulator/index.ts';
import { closeAfterEach } from '../support/close-after-each.ts';
import { type InProcessKfbot, startInProcess } from '../support/in-process-kfbot.ts';
import { SAMPLE, VECTOR_B as SAMPLE_B, VECTOR_F as SAMPLE_F } from '../support/sample-vectors.ts';

/** §2.5: the official Go sample's key, token and receive id. */
const { token: TOKEN, encodingAesKey: AES_KEY, corpId: CORP_ID } = SAMPLE;

/** Derived vector F: a KF notice (kf_msg_or_event) for this account, with this callback token. */
const F_OPEN_KFID = SAMPLE_F.openKfId;
const F_CALLBACK_TOKEN = SAMPLE_F.callbackToken;
const VECTOR_F = {
  msg_signature: SAMPLE_F.msgSignature,
  timestamp: SAMPLE_F.timestamp,
  nonce: SAMPLE_F.nonce,
  encrypt: SAMPLE_F.encrypt,
};

/** Vector B: the official sample POST (a plain text message, not a KF notice). */
const VECTOR_B = {
  msg_signature: SAMPLE_B.msgSignature,
  timestamp: SAMPLE_B.timestamp,
  nonce: SAMPLE_B.nonce,
  encrypt: SAMPLE_B.encrypt,
};

const closing = closeAfterEach();

/** A kfbot with the sample's credentials, against a WeCom that has vector F's account. */
async function start(config: { callbackMaxSkewSec?: number } = {}) {
  const s = closing(
    await startSimulator({
      corpId: CORP_ID,
      accounts: [{ name: '售前咨询', openKfId: F_OPEN_KFID }],
    }),
  );
  const b = closing(
    await startInProcess(s, {
      config: { corpId: CORP_ID, token: TOKEN, encodingAesKey: AES_KEY, ...config },
    }),
  );
  s.callbacks.configure(undefined); // the test sends the callbacks itself
  return { s, b };
}

/** POSTs a sample exactly as the sheet gives it: its query, and its Encrypt in WeCom's envelope. */
async function postSample(
  b: InProcessKfbot,
  sample: { msg_signature: string; timestamp: string; nonce: string; encrypt: string },
) {
  const { encrypt, ...query } = sample;
  const res = await request(`${b.app.url}/callback?${new URLSearchParams(query)}`, {
    method: 'POST',
    body: `<xml><ToUserName><![CDATA[${CORP_ID}]]></ToUserName><Encrypt><![CDATA[${encrypt}]]></Encrypt><AgentID><![CDATA[]]></AgentID></xml>`,
    headers: { 'content-type': 'text/xml' },
  });
  return { status: res.statusCode, text: await res.body.text() };
}

async function until(check: () => boolean, what: string, ms = 10_000): Promise<void> {
  const deadline = Date.now() + ms;
  while (!check()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

describe('POST /callback with no freshness window (the default)', () => {
  it('answers vector F, signed in 2014, with 200 "success" and pulls the account it names with its token', async () => {
    const { s, b } = await start();
    const res = await postSample(b, VECTOR_F);
    expect(res).toEqual({ status: 200, text: 'success' });
    await until(() => s.requests.byApi('kf/sync_msg').length > 0, 'the pull the notice asks for');
    expect(s.requests.byApi('kf/sync_msg')[0]?.body).toMatchObject({
      open_kfid: F_OPEN_KFID,
      token: F_CALLBACK_TOKEN,
    });
    await b.app.work.idle();
  });

  it('answers vector B (a plain message, not a KF notice) with 200 and pulls nothing', async () => {
    const { s, b } = await start();
    expect(await postSample(b, VECTOR_B)).toEqual({ status: 200, text: 'success' });
    await b.app.work.idle();
    expect(s.requests.byApi('kf/sync_msg')).toHaveLength(0);
  });
});

describe('POST /callback with KFBOT_CALLBACK_MAX_SKEW set', () => {
  it('refuses vector F as stale, says which setting did it, and pulls nothing', async () => {
    const { s, b } = await start({ callbackMaxSkewSec: 600 });
    const res = await postSample(b, VECTOR_F);
    expect(res.status).toBe(403);
    expect(res.text).toMatch(/^STALE_TIMESTAMP: .* outside the 600 s window \(KFBOT_CALLBACK_MAX_SKEW\)/);
    await b.app.work.idle();
    expect(s.requests.byApi('kf/sync_msg')).toHaveLength(0);
  });
});
