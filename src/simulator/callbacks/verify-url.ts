/**
 * The URL-verification GET WeCom sends when a callback URL is saved (wecom-kf.md §2.2): signed,
 * with an encrypted echostr whose plaintext the receiver must answer "within 1 second ... no
 * quotes, no BOM, no trailing newline".
 */
import type { Dispatcher } from 'undici';
import type { CallbackCodec } from '../../wecom/callback-codec.ts';
import { undici } from '../../wecom/undici.ts';
import type { IdFactory } from '../random-ids.ts';

export interface VerifyUrlResult {
  readonly ok: boolean;
  /** The plaintext the receiver had to echo. */
  readonly expected: string;
  readonly status: number | undefined;
  readonly body: string | undefined;
  /** Why it failed, for a human. */
  readonly reason: string | undefined;
}

export async function verifyUrl(opts: {
  url: string;
  codec: CallbackCodec;
  ids: IdFactory;
  timestamp: string;
  timeoutMs: number;
  /** undici's, loaded with the first request (a promise, so that nothing loads it sooner). */
  dispatcher: Promise<Dispatcher>;
}): Promise<VerifyUrlResult> {
  // Like vector A's "1616140317555161061": a long decimal string.
  const expected = opts.ids.chars('123456789', 1) + opts.ids.chars('0123456789', 18);
  const sealed = opts.codec.sealEchostr(expected, { timestamp: opts.timestamp, nonce: opts.ids.nonce() });
  // URLSearchParams sends echostr's + / = as %2B %2F %3D, as §2.2 says WeCom does.
  const url = `${opts.url}${opts.url.includes('?') ? '&' : '?'}${new URLSearchParams({ ...sealed })}`;
  const signal = AbortSignal.timeout(opts.timeoutMs);
  try {
    const [{ request }, dispatcher] = await Promise.all([undici(), opts.dispatcher]);
    const res = await request(url, { method: 'GET', signal, dispatcher });
    const body = await res.body.text();
    const ok = res.statusCode === 200 && body === expected;
    const reason = ok
      ? undefined
      : res.statusCode !== 200
        ? `HTTP ${res.statusCode}`
        : `the body is not exactly the decrypted echostr (got ${JSON.stringify(body.slice(0, 80))})`;
    return { ok, expected, status: res.statusCode, body, reason };
  } catch (err) {
    const reason = signal.aborted ? `no answer within ${opts.timeoutMs} ms` : String(err);
    return { ok: false, expected, status: undefined, body: undefined, reason };
  }
}
