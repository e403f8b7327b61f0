// The WeCom callback cipher and signature (wecom-kf.md §2.4). Pure functions and one small
// class; no I/O and no clock. Every failure is a CallbackCryptoError with a stable `code`,
// and no message ever contains the key, the token or any decrypted text.
import { createCipheriv, createDecipheriv, createHash, randomBytes, timingSafeEqual } from 'node:crypto';

/** Stable codes a caller may switch on (e.g. to pick an HTTP status). */
export const CALLBACK_CRYPTO_ERROR_CODES = [
  // Configuration, raised by constructors.
  'BAD_AES_KEY',
  'BAD_TOKEN',
  'BAD_CORP_ID',
  // Request shape, raised by CallbackCodec.
  'MISSING_PARAMETER',
  // Authentication.
  'BAD_SIGNATURE',
  'RECEIVE_ID_MISMATCH',
  'TO_USER_NAME_MISMATCH',
  // Ciphertext and plaintext layout.
  'BAD_BASE64',
  'BAD_CIPHERTEXT_LENGTH',
  'BAD_PADDING',
  'BAD_MESSAGE_LENGTH',
  'BAD_UTF8',
  // OpenSSL refused an operation that the checks above should have made impossible.
  'CIPHER_FAILED',
] as const;

export type CallbackCryptoErrorCode = (typeof CALLBACK_CRYPTO_ERROR_CODES)[number];

export class CallbackCryptoError extends Error {
  override readonly name = 'CallbackCryptoError';
  readonly code: CallbackCryptoErrorCode;

  constructor(code: CallbackCryptoErrorCode, message: string, options?: ErrorOptions) {
    super(message, options);
    this.code = code;
  }
}

const AES_BLOCK_BYTES = 16;
// wecom-kf.md §2.4: padding is PKCS#7 to a 32-byte multiple, so pad values run 1..32.
const PAD_BLOCK_BYTES = 32;
const RANDOM_BYTES = 16;
const LENGTH_FIELD_BYTES = 4;
const HEADER_BYTES = RANDOM_BYTES + LENGTH_FIELD_BYTES;
const ENCODING_AES_KEY = /^[A-Za-z0-9]{43}$/;

// fatal: malformed UTF-8 is an error, not U+FFFD. ignoreBOM: a leading U+FEFF is part of the
// message (the echostr reply must be byte-exact, §2.2), so do not strip it.
const utf8 = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true });

/**
 * msg_signature: lowercase hex SHA-1 over the four strings sorted and concatenated
 * (wecom-kf.md §2.4). The same formula covers GET (echostr) and POST (Encrypt).
 */
export function computeSignature(token: string, timestamp: string, nonce: string, encrypted: string): string {
  // The official samples sort byte strings (Go sort.Strings, Python 3 str); UTF-8 byte order equals
  // code-point order, which JS's default UTF-16 sort differs from outside the BMP.
  const sorted = [token, timestamp, nonce, encrypted].sort((a, b) =>
    Buffer.compare(Buffer.from(a, 'utf8'), Buffer.from(b, 'utf8')),
  );
  return createHash('sha1').update(sorted.join(''), 'utf8').digest('hex');
}

/** Constant-time string comparison; a length difference returns false (it leaks only the length). */
export function signatureMatches(expected: string, actual: string): boolean {
  const a = Buffer.from(expected, 'utf8');
  const b = Buffer.from(actual, 'utf8');
  return a.length === b.length && timingSafeEqual(a, b);
}

export interface DecryptedCallback {
  readonly message: string;
  readonly receiveId: string;
}

/**
 * AES-256-CBC with WeCom's framing: random(16) ‖ uint32 BE length ‖ msg ‖ receiveid, PKCS#7 to 32
 * bytes, base64 (wecom-kf.md §2.4).
 *
 * The distinct decrypt error codes would form a padding oracle if an attacker could submit
 * ciphertexts freely; CallbackCodec therefore verifies msg_signature before it decrypts. Callers
 * that use this class directly must do the same.
 */
export class CallbackCipher {
  /** The receiveid every decrypted message must carry: the corp id for KF callbacks (§2.4). */
  readonly receiveId: string;
  readonly #key: Buffer;

  constructor(encodingAesKey: string, receiveId: string) {
    this.#key = decodeEncodingAesKey(encodingAesKey);
    this.receiveId = receiveId;
  }

  /** Decrypts and checks that the receiveid is the configured one; returns the message. */
  decrypt(encryptedBase64: string): string {
    const { message, receiveId } = this.decryptWithReceiveId(encryptedBase64);
    // wecom-kf.md §2.4: the official library fails with -40005 on a receiveid mismatch.
    if (receiveId !== this.receiveId) {
      throw new CallbackCryptoError(
        'RECEIVE_ID_MISMATCH',
        'the decrypted receiveid is not the configured one (the corp id, for KF callbacks): the callback ' +
          'was encrypted for another enterprise or app; check that the corp id matches the EncodingAESKey',
      );
    }
    return message;
  }

  /** Decrypts without checking the receiveid, for callers that must inspect it themselves. */
  decryptWithReceiveId(encryptedBase64: string): DecryptedCallback {
    const ciphertext = decodeStrictBase64(encryptedBase64);
    // CBC can only decrypt whole AES blocks. WeCom's own output is a 32-byte multiple, but the
    // official decoders accept any 16-byte multiple, and so do we (the pad check below still holds).
    if (ciphertext.length === 0 || ciphertext.length % AES_BLOCK_BYTES !== 0) {
      throw new CallbackCryptoError(
        'BAD_CIPHERTEXT_LENGTH',
        `the ciphertext is ${ciphertext.length} bytes; it must be a non-empty multiple of ${AES_BLOCK_BYTES} ` +
          '(the value was truncated or is not a WeCom ciphertext)',
      );
    }
    return splitPlaintext(stripPadding(this.#aes('decrypt', ciphertext)));
  }

  /**
   * Encrypts `message` for this receiveid. `random` is the 16-byte prefix (default: fresh random
   * bytes); fix it only to reproduce test vectors.
   */
  encrypt(message: string, random: Uint8Array = randomBytes(RANDOM_BYTES)): string {
    if (random.length !== RANDOM_BYTES) {
      // A programming error, not bad input from the wire.
      throw new RangeError(`random must be exactly ${RANDOM_BYTES} bytes, got ${random.length}`);
    }
    const msg = Buffer.from(message, 'utf8');
    const length = Buffer.alloc(LENGTH_FIELD_BYTES);
    length.writeUInt32BE(msg.length);
    const body = Buffer.concat([random, length, msg, Buffer.from(this.receiveId, 'utf8')]);
    // A full 32-byte pad block is added when the body is already a multiple of 32 (§2.4).
    const pad = PAD_BLOCK_BYTES - (body.length % PAD_BLOCK_BYTES);
    return this.#aes('encrypt', Buffer.concat([body, Buffer.alloc(pad, pad)])).toString('base64');
  }

  #aes(direction: 'encrypt' | 'decrypt', input: Buffer): Buffer {
    // wecom-kf.md §2.4: IV = AESKey[0:16].
    const iv = this.#key.subarray(0, AES_BLOCK_BYTES);
    try {
      const cipher =
        direction === 'encrypt'
          ? createCipheriv('aes-256-cbc', this.#key, iv)
          : createDecipheriv('aes-256-cbc', this.#key, iv);
      // wecom-kf.md §9 item 16: Node's 16-byte auto-padding rejects valid pads above 16.
      cipher.setAutoPadding(false);
      return Buffer.concat([cipher.update(input), cipher.final()]);
    } catch (cause) {
      throw new CallbackCryptoError(
        'CIPHER_FAILED',
        `AES-256-CBC ${direction} failed inside OpenSSL; this is a bug in kfbot or in the Node runtime`,
        { cause },
      );
    }
  }
}

function decodeEncodingAesKey(encodingAesKey: string): Buffer {
  const remedy =
    'WECOM_ENCODING_AES_KEY must be the 43-character EncodingAESKey shown in the WeCom admin console ' +
    '(letters and digits only)';
  if (!ENCODING_AES_KEY.test(encodingAesKey)) {
    throw new CallbackCryptoError(
      'BAD_AES_KEY',
      `${remedy}; the value given has ${encodingAesKey.length} characters` +
        (/^[A-Za-z0-9]*$/.test(encodingAesKey) ? '' : ' and contains other characters'),
    );
  }
  // wecom-kf.md §2.4: AESKey = base64decode(EncodingAESKey + "="), 32 bytes, so AES-256.
  const key = Buffer.from(`${encodingAesKey}=`, 'base64');
  if (key.length !== 32) {
    throw new CallbackCryptoError('BAD_AES_KEY', `${remedy}; it did not decode to 32 bytes`);
  }
  return key;
}

// wecom-kf.md §2.4: the output is standard base64 with padding. Node's decoder silently skips
// characters outside the alphabet, accepts the URL-safe one and missing padding, so a value is
// accepted only if re-encoding the bytes reproduces it exactly. That also rejects non-zero
// trailing bits, so each ciphertext has exactly one accepted spelling.
/** Appended when a value contains a space: the usual cause is form-decoding of the query. */
export const SPACE_HINT =
  "; it contains a space, so a '+' was probably decoded as a space: '+' must arrive as %2B and the " +
  'query must be decoded with decodeURIComponent semantics, not form decoding (wecom-kf.md §2.2, §9 item 15)';

function decodeStrictBase64(text: string): Buffer {
  if (text.length === 0) {
    throw new CallbackCryptoError(
      'BAD_CIPHERTEXT_LENGTH',
      'the ciphertext is empty; WeCom always sends a non-empty Encrypt or echostr',
    );
  }
  const bytes = Buffer.from(text, 'base64');
  if (bytes.toString('base64') !== text) {
    throw new CallbackCryptoError(
      'BAD_BASE64',
      'the ciphertext is not standard padded base64 ([A-Za-z0-9+/] with "=" padding)' +
        (text.includes(' ') ? SPACE_HINT : ''),
    );
  }
  return bytes;
}

function stripPadding(padded: Buffer): Buffer {
  const pad = padded[padded.length - 1] ?? 0;
  let consistent = pad >= 1 && pad <= PAD_BLOCK_BYTES && pad <= padded.length;
  for (let i = padded.length - pad; consistent && i < padded.length; i++) {
    consistent = padded[i] === pad;
  }
  if (!consistent) {
    throw new CallbackCryptoError(
      'BAD_PADDING',
      'the decrypted data does not end in valid 32-byte PKCS#7 padding: the ciphertext was altered or ' +
        'was encrypted with a different EncodingAESKey',
    );
  }
  return padded.subarray(0, padded.length - pad);
}

function splitPlaintext(content: Buffer): DecryptedCallback {
  if (content.length < HEADER_BYTES) {
    throw new CallbackCryptoError(
      'BAD_MESSAGE_LENGTH',
      `the decrypted data is ${content.length} bytes, shorter than the ${HEADER_BYTES}-byte random prefix ` +
        'and length field: the ciphertext was altered or was encrypted with a different EncodingAESKey',
    );
  }
  const length = content.readUInt32BE(RANDOM_BYTES);
  if (length > content.length - HEADER_BYTES) {
    throw new CallbackCryptoError(
      'BAD_MESSAGE_LENGTH',
      `the decrypted length field says ${length} bytes but only ${content.length - HEADER_BYTES} follow: ` +
        'the ciphertext was altered or was encrypted with a different EncodingAESKey',
    );
  }
  const end = HEADER_BYTES + length;
  return {
    message: decodeUtf8(content.subarray(HEADER_BYTES, end), 'message'),
    receiveId: decodeUtf8(content.subarray(end), 'receiveid'),
  };
}

function decodeUtf8(bytes: Uint8Array, part: 'message' | 'receiveid'): string {
  try {
    return utf8.decode(bytes);
  } catch (cause) {
    throw new CallbackCryptoError(
      'BAD_UTF8',
      `the decrypted ${part} is not valid UTF-8: the ciphertext was altered or its sender is not WeCom`,
      { cause },
    );
  }
}

/** A fresh EncodingAESKey (§2.4: 43 characters of [A-Za-z0-9] that decode to 32 bytes). */
export function generateEncodingAesKey(): string {
  for (;;) {
    const key = randomBytes(32).toString('base64').slice(0, 43);
    if (/^[A-Za-z0-9]{43}$/.test(key)) return key;
  }
}
