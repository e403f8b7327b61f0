/**
 * `kfbot doctor --callback-url` through a real HTTPS reverse proxy (Node TLS, self-signed
 * certificate) in front of a real kfbot serve: the URL verification WeCom sends, and each way the
 * path to kfbot breaks named precisely — TLS, 404, the proxy's 502, a refused signature, a key
 * that does not decrypt, an echo the proxy spoilt.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startSimulator, type WeComSimulator } from '../../src/simulator/index.ts';
import { AES_KEY, type InProcessKfbot, startInProcess, TOKEN } from '../support/in-process-kfbot.ts';
import {
  hasOpenssl,
  type SelfSigned,
  selfSignedCert,
  startTlsProxy,
  type TlsProxy,
} from '../support/tls-proxy.ts';
import { runInProcess } from './run-cli.ts';

let sim: WeComSimulator;
let kfbot: InProcessKfbot;
let tls: SelfSigned;
let proxy: TlsProxy;

const env = (extra: Record<string, string> = {}): NodeJS.ProcessEnv => ({
  WECOM_CORP_ID: sim.corpId,
  WECOM_SECRET: sim.secret,
  WECOM_TOKEN: TOKEN,
  WECOM_ENCODING_AES_KEY: AES_KEY,
  WECOM_API_BASE: sim.url,
  KFBOT_RULES: 'rules',
  KFBOT_STORE: 'sqlite:/tmp/kfbot-doctor-tls/kfbot.db',
  ...extra,
});

/** Only the callback line: the rest is covered by doctor.test.ts. */
async function callbackLine(url: string, extraEnv: Record<string, string> = {}, ca = true) {
  const r = await runInProcess(
    ['doctor', '--callback-url', url, ...(ca ? ['--ca', tls.certFile] : [])],
    env(extraEnv),
  );
  const line = r.stdout.split('\n').find((l) => l.includes('callback URL')) ?? '';
  return { line, code: r.code, stdout: r.stdout };
}

describe.skipIf(!hasOpenssl())('kfbot doctor --callback-url through an HTTPS reverse proxy', () => {
  beforeAll(async () => {
    sim = await startSimulator();
    kfbot = await startInProcess(sim);
    tls = selfSignedCert();
    proxy = await startTlsProxy(tls, { upstream: kfbot.app.url });
  });
  afterAll(async () => {
    await proxy?.close();
    await kfbot?.close();
    await sim?.close();
    tls?.cleanup();
  });

  it('passes when the proxy forwards /callback to kfbot and the certificate is trusted (--ca)', async () => {
    const r = await callbackLine(`${proxy.url}/callback`);
    expect(r.line).toMatch(
      new RegExp(
        `^✓ callback URL: ${proxy.url}/callback answered WeCom’s URL verification correctly \\(\\d+ ms\\)$`,
      ),
    );
    expect(r.code).toBe(0);
    // kfbot itself saw WeCom's verification.
    expect(kfbot.lines.some((l) => l.includes('callback URL verified by WeCom'))).toBe(true);
  });

  it('names a certificate the machine does not trust (no --ca)', async () => {
    const r = await callbackLine(`${proxy.url}/callback`, {}, false);
    expect(r.line).toMatch(
      /^✗ callback URL: TLS error at https:\/\/127\.0\.0\.1:\d+\/callback: (DEPTH_ZERO_SELF_SIGNED_CERT|SELF_SIGNED_CERT_IN_CHAIN)$/,
    );
    expect(r.stdout).toContain('WeCom does not trust self-signed ones');
    expect(r.code).toBe(1);
  });

  it('names a wrong path (404)', async () => {
    const r = await callbackLine(`${proxy.url}/wecom/callback`);
    expect(r.line).toBe(
      `✗ callback URL: ${proxy.url}/wecom/callback answered HTTP 404: the path is not served — kfbot answers on /callback`,
    );
  });

  it('names the proxy’s 502 when kfbot is not running behind it', async () => {
    const orphan = await startTlsProxy(tls, { upstream: 'http://127.0.0.1:9' });
    try {
      const r = await callbackLine(`${orphan.url}/callback`);
      expect(r.line).toBe(
        `✗ callback URL: ${orphan.url}/callback answered HTTP 502: the reverse proxy cannot reach kfbot`,
      );
      expect(r.stdout).toContain('proxy_pass');
    } finally {
      await orphan.close();
    }
  });

  it('names a signature kfbot refuses: doctor and serve do not share the Token', async () => {
    const r = await callbackLine(`${proxy.url}/callback`, { WECOM_TOKEN: 'AnotherToken7' });
    expect(r.line).toBe(
      `✗ callback URL: ${proxy.url}/callback answered HTTP 401: kfbot refused the signature — its WECOM_TOKEN differs from the one doctor used`,
    );
  });

  it('names an EncodingAESKey that does not decrypt', async () => {
    const other = `${'k'.repeat(42)}A`;
    const r = await callbackLine(`${proxy.url}/callback`, { WECOM_ENCODING_AES_KEY: other });
    expect(r.line).toMatch(
      new RegExp(
        `^✗ callback URL: ${proxy.url}/callback answered HTTP 40[03]: kfbot could not decrypt it .* its WECOM_ENCODING_AES_KEY or WECOM_CORP_ID differs$`,
      ),
    );
  });

  it('names an echo the proxy spoilt (a trailing newline, a rewritten body)', async () => {
    const newline = await startTlsProxy(tls, { upstream: kfbot.app.url, rewriteBody: (b) => `${b}\n` });
    const page = await startTlsProxy(tls, {
      upstream: kfbot.app.url,
      rewriteBody: () => '<html>maintenance</html>',
    });
    try {
      expect((await callbackLine(`${newline.url}/callback`)).line).toBe(
        `✗ callback URL: ${newline.url}/callback answered HTTP 200 with the echo with extra characters around it (quotes, a newline, a BOM)`,
      );
      expect((await callbackLine(`${page.url}/callback`)).line).toBe(
        `✗ callback URL: ${page.url}/callback answered HTTP 200 with "<html>maintenance</html>", not the decrypted echostr`,
      );
    } finally {
      await Promise.all([newline.close(), page.close()]);
    }
  });

  it('names a host nobody listens on', async () => {
    const r = await callbackLine('https://127.0.0.1:9/callback');
    expect(r.line).toBe(
      '✗ callback URL: https://127.0.0.1:9/callback cannot be reached: connection refused: nothing listens on that address and port',
    );
  });
});
