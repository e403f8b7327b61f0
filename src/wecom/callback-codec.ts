// The one object the HTTP receiver and the simulator share: it turns a WeCom callback request
// into a CallbackEvent (verify, decrypt, check, parse) and back (wecom-kf.md §2.2–2.4).
// It keeps no state and checks no clock: freshness windows and dedup belong to the receiver.
// (Only the simulator-side seal* methods read Date.now(), to default the timestamp.)
import { randomInt } from 'node:crypto';
import {
  CallbackCipher,
  CallbackCryptoError,
  computeSignature,
  SPACE_HINT,
  signatureMatches,
} from './callback-crypto.ts';
import {
  buildCallbackEventXml,
  buildEncryptedEnvelope,
  type CallbackEvent,
  parseCallbackEvent,
  parseEncryptedEnvelope,
} from './callback-envelope.ts';

export interface CallbackCodecOptions {
  /** The callback Token from the admin console (API接收消息 settings). */
  readonly token: string;
  /** The 43-character EncodingAESKey from the same settings. */
  readonly encodingAesKey: string;
  /** The enterprise's corp id (企业ID): the receiveid of KF callbacks (§2.4). */
  readonly corpId: string;
}

/**
 * Query parameters, already URL-decoded by the caller. echostr is base64, so its '+' must reach
 * the server as %2B and be decoded as '+': decodeURIComponent and URLSearchParams both do that
 * for %2B (wecom-kf.md §2.2, §9 item 15). `null` is accepted so URLSearchParams.get fits.
 */
export interface CallbackQuery {
  readonly msg_signature?: string | null | undefined;
  readonly timestamp?: string | null | undefined;
  readonly nonce?: string | null | undefined;
  readonly echostr?: string | null | undefined;
}

export interface SealOptions {
  /** Unix seconds as a string; default: now. */
  readonly timestamp?: string;
  /** Default: a random 9–10 digit number, like WeCom's. */
  readonly nonce?: string;
  /** The 16-byte random prefix; fix it only to reproduce test vectors. */
  readonly random?: Uint8Array;
}

export interface SealedNotice {
  readonly query: { readonly msg_signature: string; readonly timestamp: string; readonly nonce: string };
  readonly body: string;
}

export interface SealedEchostr {
  readonly msg_signature: string;
  readonly timestamp: string;
  readonly nonce: string;
  readonly echostr: string;
}

export class CallbackCodec {
  readonly corpId: string;
  readonly #token: string;
  readonly #cipher: CallbackCipher;

  /** Throws CallbackCryptoError BAD_TOKEN, BAD_CORP_ID or BAD_AES_KEY. */
  constructor({ token, encodingAesKey, corpId }: CallbackCodecOptions) {
    if (token === '') {
      // With an empty token anyone could compute a valid msg_signature.
      throw new CallbackCryptoError(
        'BAD_TOKEN',
        'the callback Token is empty; set it to the Token shown next to the EncodingAESKey in the WeCom admin console',
      );
    }
    if (corpId === '') {
      throw new CallbackCryptoError(
        'BAD_CORP_ID',
        'the corp id is empty; set it to the 企业ID shown under 我的企业 → 企业信息 in the WeCom admin console',
      );
    }
    this.#token = token;
    this.corpId = corpId;
    this.#cipher = new CallbackCipher(encodingAesKey, corpId);
  }

  /**
   * GET URL verification (wecom-kf.md §2.2): returns the decrypted echostr, which the receiver
   * sends back byte for byte as the whole response body.
   */
  verifyUrl(query: CallbackQuery): string {
    const signature = requireParameter(query, 'msg_signature');
    const timestamp = requireParameter(query, 'timestamp');
    const nonce = requireParameter(query, 'nonce');
    const echostr = requireParameter(query, 'echostr');
    this.#verifySignature(signature, timestamp, nonce, echostr, 'echostr');
    return this.#cipher.decrypt(echostr);
  }

  /**
   * POST notice (wecom-kf.md §2.3, §9 item 14): parses the envelope, verifies msg_signature over
   * Encrypt before decrypting anything, then checks both the receiveid and the plaintext
   * ToUserName against the corp id. The outer ToUserName is not signed, so it is not trusted.
   */
  openNotice(query: CallbackQuery, body: string): CallbackEvent {
    const signature = requireParameter(query, 'msg_signature');
    const timestamp = requireParameter(query, 'timestamp');
    const nonce = requireParameter(query, 'nonce');
    const { encrypt } = parseEncryptedEnvelope(body);
    this.#verifySignature(signature, timestamp, nonce, encrypt, 'Encrypt');
    const event = parseCallbackEvent(this.#cipher.decrypt(encrypt));
    if (event.toUserName !== this.corpId) {
      throw new CallbackCryptoError(
        'TO_USER_NAME_MISMATCH',
        'the decrypted ToUserName is not the configured corp id: the callback is for another enterprise',
      );
    }
    return event;
  }

  /** Encrypts and signs a notice as WeCom would POST it; used by the simulator. */
  sealNotice(notice: CallbackEvent, opts: SealOptions = {}): SealedNotice {
    const encrypt = this.#cipher.encrypt(buildCallbackEventXml(notice), opts.random);
    const { timestamp, nonce, msg_signature } = this.#sign(encrypt, opts);
    return {
      query: { msg_signature, timestamp, nonce },
      body: buildEncryptedEnvelope({ toUserName: this.corpId, encrypt }),
    };
  }

  /** Encrypts and signs a URL-verification echostr as WeCom would send it; used by the simulator. */
  sealEchostr(plaintext: string, opts: SealOptions = {}): SealedEchostr {
    const echostr = this.#cipher.encrypt(plaintext, opts.random);
    return { ...this.#sign(echostr, opts), echostr };
  }

  #sign(encrypted: string, opts: SealOptions): Omit<SealedEchostr, 'echostr'> {
    const timestamp = opts.timestamp ?? String(Math.floor(Date.now() / 1000));
    const nonce = opts.nonce ?? String(randomInt(100_000_000, 10_000_000_000));
    return { msg_signature: computeSignature(this.#token, timestamp, nonce, encrypted), timestamp, nonce };
  }

  #verifySignature(
    signature: string,
    timestamp: string,
    nonce: string,
    encrypted: string,
    what: string,
  ): void {
    const expected = computeSignature(this.#token, timestamp, nonce, encrypted);
    if (!signatureMatches(expected, signature)) {
      throw new CallbackCryptoError(
        'BAD_SIGNATURE',
        `msg_signature does not match the SHA-1 of the token, timestamp, nonce and ${what}: check that the ` +
          'configured Token is the one in the WeCom admin console, or the request did not come from WeCom' +
          (encrypted.includes(' ') ? SPACE_HINT : ''),
      );
    }
  }
}

function requireParameter(query: CallbackQuery, name: keyof CallbackQuery): string {
  const value = query[name];
  // WeCom always sends all of them non-empty, so an empty value is as wrong as a missing one.
  if (value === undefined || value === null || value === '') {
    throw new CallbackCryptoError(
      'MISSING_PARAMETER',
      `the query parameter ${name} is missing or empty; WeCom always sends it, so the request did not ` +
        'come from WeCom or a proxy dropped the query string',
    );
  }
  return value;
}
