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

/** §2.5: the official Go sample's key, token and receive id. */
const TOKEN = 'QDG6eK';
const AES_KEY = 'jWmYm7qr5nMoAUwZRjGtBxmz3KA1tkAj3ykkR6q2B2C';
const CORP_ID = 'wx5823bf96d3bd56c7';

/** Derived vector F: a KF notice (kf_msg_or_event) for this account, with this callback token. */
const F_OPEN_KFID = 'wkAJ2GCAAASSm4_FhToWMFea0xAFfd3Q';
const F_CALLBACK_TOKEN = 'ENCApHxnGDNAVNY4AaSJKj4Tb5mwsEMzxhFmHVGcra996NR';
const VECTOR_F = {
  msg_signature: '80b4e7d66322fb834976d88f1be4158ff3dd6830',
  timestamp: '1409659813',
  nonce: '1372623149',
  encrypt:
    'sKqRbbiSUnDhFHOvPjtUMc0r+4pkojrwLyrqr5QGn4Jw22aIbHY3Gg49O55FMrF3bIF+uiJopjQvC+Vv8N7w7Kf+og5Ina4gvVf6FJSxEtRUbdQ1h6JMuwislyeSRxSGM49XtFBUSiRMshJdvS0KHwkprQ+McyeLVqFNun5Sv9EzKMYdr1rONgqSOG68wirXV+o4hAAHW2r4Go2x9M69OYIATOXgGHBufIqumEtBwaWZihOwjNflsJrSA87QcligbFMBruHbVT/Jrv76C4PCO525ert3WxRqIW9neF/jdR/embZ3i6S2Doh+ekEGo/8hXmjqyvCbGEbfH2sg2u4t3JIaU+D9HCz7stTPMXcU2DbyV8JRenNp+bfsYemdWWIEqC6bbRY9qAIPq140hiNFk3oW1TpNa+IXTn9Rh3HIbCLWNqqTAMLdZlAh4b/oUI08H1wbH5vuTY5DmQczk3gE4N3jGotSX9zTFMWnizXhYUCfOBLajMnz2/VSloHa+KJ9',
};

/** Vector B: the official sample POST (a plain text message, not a KF notice). */
const VECTOR_B = {
  msg_signature: '477715d11cdb4164915debcba66cb864d751f3e6',
  timestamp: '1409659813',
  nonce: '1372623149',
  encrypt:
    'RypEvHKD8QQKFhvQ6QleEB4J58tiPdvo+rtK1I9qca6aM/wvqnLSV5zEPeusUiX5L5X/0lWfrf0QADHHhGd3QczcdCUpj911L3vg3W/sYYvuJTs3TUUkSUXxaccAS0qhxchrRYt66wiSpGLYL42aM6A8dTT+6k4aSknmPj48kzJs8qLjvd4Xgpue06DOdnLxAUHzM6+kDZ+HMZfJYuR+LtwGc2hgf5gsijff0ekUNXZiqATP7PF5mZxZ3Izoun1s4zG4LUMnvw2r+KqCKIw+3IQH03v+BCA9nMELNqbSf6tiWSrXJB3LAVGUcallcrw8V2t9EL4EhzJWrQUax5wLVMNS0+rUPA3k22Ncx4XXZS9o0MBH27Bo6BpNelZpS+/uh9KsNlY6bHCmJU9p8g7m3fVKn28H3KDYA5Pl/T8Z1ptDAVe0lXdQ2YoyyH2uyPIGHBZZIs2pDBS8R07+qN+E7Q==',
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
async function postSample(b: InProcessKfbot, sample: typeof VECTOR_F) {
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
