import { createCipheriv, createDecipheriv } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import {
  CallbackCipher,
  CallbackCryptoError,
  type CallbackCryptoErrorCode,
  computeSignature,
  signatureMatches,
} from '../../src/wecom/callback-crypto.ts';
import { SAMPLE, VECTOR_A, VECTOR_B, VECTOR_F } from '../support/sample-vectors.ts';

// wecom-kf.md §2.5.
const { token: TOKEN, encodingAesKey: KEY, corpId: RECEIVE_ID } = SAMPLE;
const A = { ...VECTOR_A, signature: VECTOR_A.msgSignature };
const B = { ...VECTOR_B, signature: VECTOR_B.msgSignature };
const F = { ...VECTOR_F, signature: VECTOR_F.msgSignature };

// Independent of the code under test: raw AES-256-CBC with the vector key, no padding logic.
const rawKey = Buffer.from(`${KEY}=`, 'base64');
const rawIv = rawKey.subarray(0, 16);

function rawDecrypt(b64: string): Buffer {
  const d = createDecipheriv('aes-256-cbc', rawKey, rawIv).setAutoPadding(false);
  return Buffer.concat([d.update(Buffer.from(b64, 'base64')), d.final()]);
}

function rawEncrypt(plaintext: Buffer): string {
  const c = createCipheriv('aes-256-cbc', rawKey, rawIv).setAutoPadding(false);
  return Buffer.concat([c.update(plaintext), c.final()]).toString('base64');
}

/** random(16) ‖ declared length ‖ msg ‖ receiveid ‖ explicit pad bytes: anything, valid or not. */
function forge(parts: { length?: number; msg?: Buffer; receiveId?: Buffer; pad: Buffer }): string {
  const msg = parts.msg ?? Buffer.from('hello');
  const length = Buffer.alloc(4);
  length.writeUInt32BE(parts.length ?? msg.length);
  const body = Buffer.concat([
    Buffer.from('0123456789abcdef'),
    length,
    msg,
    parts.receiveId ?? Buffer.from(RECEIVE_ID),
    parts.pad,
  ]);
  return rawEncrypt(body);
}

/** A valid 32-byte PKCS#7 pad for a body of `bodyLength` bytes. */
function padFor(bodyLength: number): Buffer {
  const pad = 32 - (bodyLength % 32);
  return Buffer.alloc(pad, pad);
}

function thrown(fn: () => unknown): CallbackCryptoError {
  try {
    fn();
  } catch (error) {
    if (error instanceof CallbackCryptoError) return error;
    throw error;
  }
  throw new Error('expected a CallbackCryptoError, but nothing was thrown');
}

function codeOf(fn: () => unknown): CallbackCryptoErrorCode {
  return thrown(fn).code;
}

function flipByte(b64: string, index: number, mask = 0x01): string {
  const bytes = Buffer.from(b64, 'base64');
  bytes[index] = (bytes[index] ?? 0) ^ mask;
  return bytes.toString('base64');
}

const cipher = new CallbackCipher(KEY, RECEIVE_ID);

describe('computeSignature', () => {
  it('reproduces the msg_signature of vector A (GET, over echostr)', () => {
    expect(computeSignature(TOKEN, A.timestamp, A.nonce, A.echostr)).toBe(A.signature);
  });

  it('reproduces the msg_signature of vector B (POST, over Encrypt)', () => {
    expect(computeSignature(TOKEN, B.timestamp, B.nonce, B.encrypt)).toBe(B.signature);
  });

  it('reproduces the msg_signature of vector F', () => {
    expect(computeSignature(TOKEN, F.timestamp, F.nonce, F.encrypt)).toBe(F.signature);
  });

  it('does not depend on the order of its arguments, because they are sorted first', () => {
    expect(computeSignature(A.echostr, A.nonce, TOKEN, A.timestamp)).toBe(A.signature);
  });
});

describe('signatureMatches', () => {
  it('accepts an identical signature', () => {
    expect(signatureMatches(A.signature, A.signature)).toBe(true);
  });

  it('rejects a signature differing in one character', () => {
    expect(signatureMatches(A.signature, `${A.signature.slice(0, -1)}4`)).toBe(false);
  });

  it('rejects a signature of another length without throwing', () => {
    expect(signatureMatches(A.signature, A.signature.slice(1))).toBe(false);
    expect(signatureMatches(A.signature, '')).toBe(false);
    expect(signatureMatches(A.signature, `${A.signature}0`)).toBe(false);
  });

  it('is case-sensitive: WeCom signs with lowercase hex', () => {
    expect(signatureMatches(A.signature, A.signature.toUpperCase())).toBe(false);
  });
});

describe('CallbackCipher decrypt: official vectors', () => {
  it('decrypts vector A to exactly the expected echostr reply', () => {
    expect(cipher.decrypt(A.echostr)).toBe(A.reply);
  });

  it('matches vector A layout: random prefix, msg_len 19, pad 7', () => {
    const raw = rawDecrypt(A.echostr);
    expect(raw.subarray(0, 16).toString('latin1')).toBe('c41b64491c2468d0');
    expect(raw.readUInt32BE(16)).toBe(19);
    expect(raw.at(-1)).toBe(7);
  });

  it('decrypts vector B to the exact 284-byte plaintext with its LF line breaks', () => {
    const { message, receiveId } = cipher.decryptWithReceiveId(B.encrypt);
    expect(message).toBe(B.plaintext);
    expect(Buffer.byteLength(message)).toBe(284);
    expect(receiveId).toBe(RECEIVE_ID);
    expect(rawDecrypt(B.encrypt).at(-1)).toBe(30);
  });

  it('decrypts vector F to its KF notice plaintext', () => {
    expect(cipher.decrypt(F.encrypt)).toBe(F.plaintext);
  });
});

describe('CallbackCipher encrypt', () => {
  it('reproduces vector F byte for byte from random "0123456789abcdef"', () => {
    expect(cipher.encrypt(F.plaintext, Buffer.from(F.random))).toBe(F.encrypt);
    expect(rawDecrypt(F.encrypt).at(-1)).toBe(28);
  });

  it('reproduces vector A from its original random prefix', () => {
    expect(cipher.encrypt(A.reply, Buffer.from('c41b64491c2468d0'))).toBe(A.echostr);
  });

  it('uses fresh random bytes by default, so equal messages encrypt differently', () => {
    const first = cipher.encrypt('same');
    const second = cipher.encrypt('same');
    expect(first).not.toBe(second);
    expect(cipher.decrypt(first)).toBe('same');
    expect(cipher.decrypt(second)).toBe('same');
  });

  it('throws a RangeError when the random prefix is not 16 bytes', () => {
    expect(() => cipher.encrypt('x', Buffer.alloc(15))).toThrow(RangeError);
  });
});

describe('CallbackCipher round trips', () => {
  // Body = 16 random + 4 length + message + 18-byte receiveid = 38 + message bytes.
  it.each([
    {
      name: 'a full 32-byte pad block when the body is already a multiple of 32',
      msg: 'a'.repeat(26),
      pad: 32,
    },
    { name: 'a pad of 20, above the 16 that Node auto-padding would accept', msg: 'abcdef', pad: 20 },
    { name: 'a pad of 17, just above one AES block', msg: 'a'.repeat(9), pad: 17 },
    { name: 'a pad of 1', msg: 'a'.repeat(25), pad: 1 },
    { name: 'an empty message', msg: '', pad: 26 },
  ])('round-trips a message needing $name', ({ msg, pad }) => {
    const encrypted = cipher.encrypt(msg);
    expect(rawDecrypt(encrypted).at(-1)).toBe(pad);
    expect(cipher.decrypt(encrypted)).toBe(msg);
  });

  it('round-trips multibyte UTF-8 (CJK, emoji) with the length field counting bytes', () => {
    const msg = '你好，我想查一下订单 😀 ok';
    const encrypted = cipher.encrypt(msg);
    expect(rawDecrypt(encrypted).readUInt32BE(16)).toBe(Buffer.byteLength(msg));
    expect(cipher.decrypt(encrypted)).toBe(msg);
  });

  it('keeps a leading byte-order mark as part of the message', () => {
    expect(cipher.decrypt(cipher.encrypt('\uFEFF1616'))).toBe('\uFEFF1616');
  });

  it('round-trips a long message spanning many blocks', () => {
    const msg = 'x'.repeat(5000);
    expect(cipher.decrypt(cipher.encrypt(msg))).toBe(msg);
  });

  it('round-trips an empty receiveid, as used by some app kinds', () => {
    const anonymous = new CallbackCipher(KEY, '');
    expect(anonymous.decryptWithReceiveId(anonymous.encrypt('hi'))).toEqual({ message: 'hi', receiveId: '' });
  });
});

describe('CallbackCipher rejects bad keys', () => {
  it.each([
    ['42 characters', KEY.slice(0, 42)],
    ['44 characters', `${KEY}a`],
    ['an empty string', ''],
    ['a "+" (base64 but not EncodingAESKey alphabet)', `${KEY.slice(0, 42)}+`],
    ['a trailing "="', `${KEY.slice(0, 42)}=`],
  ])('rejects a key of %s with BAD_AES_KEY', (_name, key) => {
    expect(codeOf(() => new CallbackCipher(key, RECEIVE_ID))).toBe('BAD_AES_KEY');
  });

  it('says how to fix the key and never repeats it', () => {
    const key = `${KEY}Z`;
    const error = thrown(() => new CallbackCipher(key, RECEIVE_ID));
    expect(error.message).toContain('43-character EncodingAESKey');
    expect(error.message).not.toContain(key);
    expect(error.message).not.toContain(KEY.slice(0, 10));
  });
});

describe('CallbackCipher rejects bad ciphertexts', () => {
  it('rejects an empty ciphertext with BAD_CIPHERTEXT_LENGTH', () => {
    expect(codeOf(() => cipher.decrypt(''))).toBe('BAD_CIPHERTEXT_LENGTH');
  });

  it('rejects a ciphertext that is not a multiple of the 16-byte AES block', () => {
    const bytes = Buffer.from(A.echostr, 'base64');
    expect(codeOf(() => cipher.decrypt(bytes.subarray(0, 63).toString('base64')))).toBe(
      'BAD_CIPHERTEXT_LENGTH',
    );
    expect(codeOf(() => cipher.decrypt(Buffer.alloc(15).toString('base64')))).toBe('BAD_CIPHERTEXT_LENGTH');
  });

  it.each([
    ['a character outside the alphabet', `!${A.echostr.slice(1)}`],
    ['the URL-safe alphabet', A.echostr.replaceAll('+', '-').replaceAll('/', '_')],
    ['missing "=" padding', A.echostr.replace(/=+$/, '')],
    ['a line break inside', `${A.echostr.slice(0, 40)}\n${A.echostr.slice(40)}`],
    ['surrounding whitespace', ` ${A.echostr}`],
    ['non-zero trailing bits (a second spelling of the same bytes)', A.echostr.replace('qQ==', 'qR==')],
  ])('rejects base64 with %s as BAD_BASE64', (_name, text) => {
    expect(codeOf(() => cipher.decrypt(text))).toBe('BAD_BASE64');
  });

  it('hints at %2B when a "+" was decoded as a space', () => {
    const error = thrown(() => cipher.decrypt(A.echostr.replaceAll('+', ' ')));
    expect(error.code).toBe('BAD_BASE64');
    expect(error.message).toContain('%2B');
  });

  it('rejects a pad byte of 0 with BAD_PADDING', () => {
    const body = 16 + 4 + 5 + RECEIVE_ID.length;
    expect(codeOf(() => cipher.decrypt(forge({ pad: Buffer.alloc(64 - body, 0) })))).toBe('BAD_PADDING');
  });

  it('rejects a pad byte of 33 with BAD_PADDING', () => {
    const body = 16 + 4 + 5 + RECEIVE_ID.length;
    expect(codeOf(() => cipher.decrypt(forge({ pad: Buffer.alloc(96 - body, 33) })))).toBe('BAD_PADDING');
  });

  it('rejects pad bytes that disagree with the final pad byte with BAD_PADDING', () => {
    const body = 16 + 4 + 5 + RECEIVE_ID.length; // 43, so a valid pad is 21 bytes of 21
    const pad = Buffer.alloc(21, 21);
    pad[3] = 20;
    expect(codeOf(() => cipher.decrypt(forge({ pad })))).toBe('BAD_PADDING');
    expect(cipher.decrypt(forge({ pad: padFor(body) }))).toBe('hello');
  });

  it('rejects a flipped ciphertext byte that lands on the pad byte with BAD_PADDING', () => {
    // CBC: flipping byte i of block n-1 flips plaintext byte i of block n, here the final pad byte.
    const length = Buffer.from(A.echostr, 'base64').length;
    expect(codeOf(() => cipher.decrypt(flipByte(A.echostr, length - 17, 0xff)))).toBe('BAD_PADDING');
  });

  it('rejects a ciphertext truncated at a block boundary with BAD_PADDING', () => {
    const truncated = Buffer.from(A.echostr, 'base64').subarray(0, 48).toString('base64');
    expect(codeOf(() => cipher.decrypt(truncated))).toBe('BAD_PADDING');
  });

  it('rejects a length field that runs past the end with BAD_MESSAGE_LENGTH', () => {
    const body = 16 + 4 + 5 + RECEIVE_ID.length;
    expect(codeOf(() => cipher.decrypt(forge({ length: 1000, pad: padFor(body) })))).toBe(
      'BAD_MESSAGE_LENGTH',
    );
  });

  it('rejects a length field one byte past the end with BAD_MESSAGE_LENGTH', () => {
    const body = 16 + 4 + 5;
    const forged = forge({ length: 6, receiveId: Buffer.alloc(0), pad: padFor(body) });
    expect(codeOf(() => cipher.decrypt(forged))).toBe('BAD_MESSAGE_LENGTH');
  });

  it('rejects plaintext shorter than the 20-byte header with BAD_MESSAGE_LENGTH', () => {
    const short = rawEncrypt(Buffer.concat([Buffer.from('0123456789abcdef'), Buffer.alloc(16, 16)]));
    expect(codeOf(() => cipher.decrypt(short))).toBe('BAD_MESSAGE_LENGTH');
  });

  it('rejects a flipped first ciphertext byte, which corrupts the length field, with BAD_MESSAGE_LENGTH', () => {
    // Ciphertext block 0 is XORed into plaintext block 1, whose first 4 bytes are the length.
    expect(codeOf(() => cipher.decrypt(flipByte(A.echostr, 0)))).toBe('BAD_MESSAGE_LENGTH');
  });

  it('rejects a message that is not valid UTF-8 with BAD_UTF8', () => {
    const msg = Buffer.from([0x68, 0xff, 0xfe, 0x69]);
    const forged = forge({ msg, pad: padFor(16 + 4 + msg.length + RECEIVE_ID.length) });
    expect(codeOf(() => cipher.decrypt(forged))).toBe('BAD_UTF8');
  });

  it('rejects a receiveid that is not valid UTF-8 with BAD_UTF8', () => {
    const receiveId = Buffer.from([0xc3, 0x28]);
    const forged = forge({ receiveId, pad: padFor(16 + 4 + 5 + receiveId.length) });
    expect(codeOf(() => cipher.decryptWithReceiveId(forged))).toBe('BAD_UTF8');
  });

  it('rejects a flipped ciphertext byte that breaks a UTF-8 sequence with BAD_UTF8', () => {
    // Byte 4 of block 0 lands on plaintext byte 20, the message's first character '1' (0x31).
    expect(codeOf(() => cipher.decrypt(flipByte(A.echostr, 4, 0x80)))).toBe('BAD_UTF8');
  });

  it('cannot detect every tampering by itself: CBC is malleable, which is why the signature is checked first', () => {
    // Flipping one bit turns '1616…' into '0616…' and only garbles the ignored random prefix.
    expect(cipher.decrypt(flipByte(A.echostr, 4, 0x01))).toBe(`0${A.reply.slice(1)}`);
  });

  it('rejects a ciphertext for another receiveid with RECEIVE_ID_MISMATCH', () => {
    const other = new CallbackCipher(KEY, 'ww0000000000000000');
    expect(codeOf(() => other.decrypt(A.echostr))).toBe('RECEIVE_ID_MISMATCH');
  });

  it('returns the receiveid without checking it from decryptWithReceiveId', () => {
    const other = new CallbackCipher(KEY, 'ww0000000000000000');
    expect(other.decryptWithReceiveId(A.echostr)).toEqual({ message: A.reply, receiveId: RECEIVE_ID });
  });

  it('rejects a ciphertext made with another key with a typed error, never garbage text', () => {
    const otherKey = new CallbackCipher('a'.repeat(43), RECEIVE_ID);
    const error = thrown(() => otherKey.decrypt(A.echostr));
    expect(error).toBeInstanceOf(CallbackCryptoError);
    expect(error.name).toBe('CallbackCryptoError');
  });

  it('never puts the key or the decrypted text in an error message', () => {
    const otherReceiver = new CallbackCipher(KEY, 'ww0000000000000000');
    const messages = [
      thrown(() => otherReceiver.decrypt(A.echostr)).message,
      thrown(() => cipher.decrypt(flipByte(A.echostr, 0))).message,
      thrown(() => cipher.decrypt(flipByte(A.echostr, 4, 0x80))).message,
    ];
    for (const message of messages) {
      expect(message).not.toContain(KEY);
      expect(message).not.toContain(RECEIVE_ID);
      expect(message).not.toContain('616140317555161061');
    }
  });
});
