/**
 * `--callback-url`: sends the URL-verification GET WeCom sends when the callback URL is saved
 * (wecom-kf.md §2.2: signed, echostr encrypted, %-encoded) and checks the answer is exactly the
 * decrypted echo within 1 s. One request proves DNS, TLS, the reverse proxy, the path, the Token,
 * the EncodingAESKey and the corp id; each way it can fail is named with its fix.
 */
import { randomInt } from 'node:crypto';
import { type Dispatcher, request } from 'undici';
import { CallbackCodec } from '../wecom/callback-codec.ts';
import { type DoctorCheck, fail, ok } from './doctor-check.ts';
import { networkReason } from './wecom-probe.ts';

/** §2.2: WeCom waits 1 s for the echo. */
export const VERIFY_DEADLINE_MS = 1000;

const TLS_CODES = new Set([
  'DEPTH_ZERO_SELF_SIGNED_CERT',
  'SELF_SIGNED_CERT_IN_CHAIN',
  'UNABLE_TO_VERIFY_LEAF_SIGNATURE',
  'UNABLE_TO_GET_ISSUER_CERT_LOCALLY',
  'CERT_HAS_EXPIRED',
  'CERT_NOT_YET_VALID',
  'ERR_TLS_CERT_ALTNAME_INVALID',
  'ERR_SSL_WRONG_VERSION_NUMBER',
  'EPROTO',
]);

export async function checkCallbackUrl(opts: {
  url: string;
  token: string;
  encodingAesKey: string;
  corpId: string;
  dispatcher: Dispatcher;
  now: () => number;
  /** Whether --ca was given, to word a TLS failure. */
  customCa: boolean;
}): Promise<DoctorCheck> {
  const id = 'callback';
  const codec = new CallbackCodec({
    token: opts.token,
    encodingAesKey: opts.encodingAesKey,
    corpId: opts.corpId,
  });
  // Like WeCom's own echostr plaintext: a long decimal string.
  const expected = String(randomInt(1, 10)) + String(randomInt(0, 2 ** 47)).padStart(18, '0');
  const sealed = codec.sealEchostr(expected, { timestamp: String(Math.floor(opts.now() / 1000)) });
  const target = new URL(opts.url);
  for (const [k, v] of Object.entries(sealed)) target.searchParams.set(k, v);
  const started = performance.now();
  let status: number;
  let body: string;
  try {
    const res = await request(target, {
      method: 'GET',
      dispatcher: opts.dispatcher,
      // WeCom gives up after 1 s; wait longer so a slow answer is named as slow, not as absent.
      signal: AbortSignal.timeout(10_000),
    });
    status = res.statusCode;
    body = await res.body.text();
  } catch (err) {
    return networkFailure(id, opts.url, err, opts.customCa);
  }
  const tookMs = Math.round(performance.now() - started);
  const at = `${opts.url} answered HTTP ${status}`;
  if (status === 200 && body === expected) {
    if (tookMs > VERIFY_DEADLINE_MS) {
      return fail(
        id,
        `callback URL: the echo was right but took ${tookMs} ms; WeCom waits 1 s`,
        '检查反向代理到 kfbot 的链路为何缓慢（上游超时、DNS、负载）',
        'find out why the path through the reverse proxy to kfbot is slow (upstream timeouts, DNS, load)',
      );
    }
    return ok(
      'callback',
      `callback URL: ${opts.url} answered WeCom’s URL verification correctly (${tookMs} ms)`,
    );
  }
  if (status === 200) {
    const trimmed = body.trim().replace(/^"|"$/g, '');
    const how =
      trimmed === expected
        ? 'the echo with extra characters around it (quotes, a newline, a BOM)'
        : body.length === 0
          ? 'an empty body'
          : `${JSON.stringify(body.slice(0, 60))}, not the decrypted echostr`;
    return fail(
      id,
      `callback URL: ${at} with ${how}`,
      '确认该地址由 kfbot serve 应答，且代理不改写响应体（不要加引号、换行或替换内容）',
      'make sure kfbot serve answers this URL and the proxy passes its body through unchanged (no quotes, newline or rewriting)',
    );
  }
  if (status === 401) {
    return fail(
      id,
      `callback URL: ${at}: kfbot refused the signature — its WECOM_TOKEN differs from the one doctor used`,
      '让 kfbot serve 与 doctor 使用同一份配置，且 WECOM_TOKEN 与「接收消息」页的 Token 一致',
      'run kfbot serve and doctor with the same settings, and make WECOM_TOKEN equal the Token on the 接收消息 page',
    );
  }
  if (status === 400 || status === 403) {
    return fail(
      id,
      `callback URL: ${at}: kfbot could not decrypt it (${body.slice(0, 80)}) — its WECOM_ENCODING_AES_KEY or WECOM_CORP_ID differs`,
      '让 kfbot serve 的 WECOM_ENCODING_AES_KEY 和 WECOM_CORP_ID 与「接收消息」页和「企业信息」一致',
      'make kfbot serve’s WECOM_ENCODING_AES_KEY and WECOM_CORP_ID match the 接收消息 page and 企业信息',
    );
  }
  if (status === 404) {
    return fail(
      id,
      `callback URL: ${at}: the path is not served — kfbot answers on /callback`,
      '回调 URL 的路径应为 /callback，且反向代理要把它转发到 kfbot 的 /callback',
      'the callback URL’s path must be /callback, and the reverse proxy must forward it to kfbot’s /callback',
    );
  }
  if (status === 502 || status === 503 || status === 504) {
    return fail(
      id,
      `callback URL: ${at}: the reverse proxy cannot reach kfbot`,
      '确认 kfbot serve 正在运行，并且反向代理的上游地址（proxy_pass）指向 kfbot 的端口（默认 8080）',
      'make sure kfbot serve is running and the reverse proxy’s upstream (proxy_pass) points at kfbot’s port (default 8080)',
    );
  }
  return fail(
    id,
    `callback URL: ${at} (${body.slice(0, 80)})`,
    '确认该地址经反向代理转发到 kfbot serve 的 /callback',
    'make sure the URL reaches kfbot serve’s /callback through the reverse proxy',
  );
}

function networkFailure(id: string, url: string, err: unknown, customCa: boolean): DoctorCheck {
  const e = err as NodeJS.ErrnoException & { cause?: NodeJS.ErrnoException };
  const code = e.code ?? e.cause?.code ?? '';
  if (TLS_CODES.has(code) || /certificate|SSL|TLS/i.test(String(e.cause?.message ?? e.message))) {
    return fail(
      id,
      `callback URL: TLS error at ${url}: ${code || (e.cause?.message ?? e.message)}`,
      customCa
        ? '证书不是由 --ca 指定的 CA 签发，或证书上的域名与 URL 不符'
        : '为域名配置由公共 CA 签发、包含完整证书链且域名匹配的证书（WeCom 不接受自签名证书）；测试私有 CA 时用 --ca 指定',
      customCa
        ? 'the certificate is not issued by the --ca authority, or its name does not match the URL'
        : 'serve a certificate from a public CA, with its full chain, for this host name (WeCom does not trust self-signed ones); to test a private CA pass --ca FILE',
    );
  }
  return fail(
    id,
    `callback URL: ${url} cannot be reached: ${networkReason(err, 10_000)}`,
    '检查域名解析、防火墙（443 端口）和反向代理是否在运行',
    'check the host name’s DNS, the firewall (port 443) and that the reverse proxy is running',
  );
}
