import { describe, expect, it } from 'vitest';
import { CallbackCodec, type CallbackQuery } from '../../src/wecom/callback-codec.ts';
import {
  CALLBACK_CRYPTO_ERROR_CODES,
  CallbackCryptoError,
  type CallbackCryptoErrorCode,
  computeSignature,
} from '../../src/wecom/callback-crypto.ts';
import { CallbackEnvelopeError, type KfNotice } from '../../src/wecom/callback-envelope.ts';
import { SAMPLE, VECTOR_A, VECTOR_B, VECTOR_F } from '../support/sample-vectors.ts';

// wecom-kf.md §2.5.
const { token: TOKEN, encodingAesKey: KEY, corpId: CORP_ID } = SAMPLE;

const A_QUERY_STRING = VECTOR_A.queryString;
const A_QUERY = {
  msg_signature: VECTOR_A.msgSignature,
  timestamp: VECTOR_A.timestamp,
  nonce: VECTOR_A.nonce,
  echostr: VECTOR_A.echostr,
};

const B_QUERY = {
  msg_signature: VECTOR_B.msgSignature,
  timestamp: VECTOR_B.timestamp,
  nonce: VECTOR_B.nonce,
};
const B_ENCRYPT = VECTOR_B.encrypt;
const B_BODY = `<xml><ToUserName><![CDATA[wx5823bf96d3bd56c7]]></ToUserName><Encrypt><![CDATA[${B_ENCRYPT}]]></Encrypt><AgentID><![CDATA[218]]></AgentID></xml>`;

const F_NOTICE: KfNotice = {
  event: 'kf_msg_or_event',
  toUserName: CORP_ID,
  createTime: Number(VECTOR_F.timestamp),
  msgType: 'event',
  token: VECTOR_F.callbackToken,
  openKfId: VECTOR_F.openKfId,
};
const F_OPTS = { timestamp: VECTOR_F.timestamp, nonce: VECTOR_F.nonce, random: Buffer.from(VECTOR_F.random) };
const F_ENCRYPT = VECTOR_F.encrypt;
const F_SIGNATURE = VECTOR_F.msgSignature;

const codec = new CallbackCodec({ token: TOKEN, encodingAesKey: KEY, corpId: CORP_ID });

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

/** A body and query signed correctly over an arbitrary Encrypt value. */
function signedOver(encrypt: string): { query: CallbackQuery; body: string } {
  const query = { timestamp: '1700000000', nonce: '42' };
  return {
    query: { ...query, msg_signature: computeSignature(TOKEN, query.timestamp, query.nonce, encrypt) },
    body: `<xml><ToUserName><![CDATA[${CORP_ID}]]></ToUserName><Encrypt><![CDATA[${encrypt}]]></Encrypt></xml>`,
  };
}

describe('verifyUrl', () => {
  it('answers vector A with exactly 1616140317555161061', () => {
    expect(codec.verifyUrl(A_QUERY)).toBe('1616140317555161061');
  });

  it('answers vector A straight from the raw query string decoded by URLSearchParams', () => {
    const params = new URLSearchParams(A_QUERY_STRING);
    const reply = codec.verifyUrl({
      msg_signature: params.get('msg_signature'),
      timestamp: params.get('timestamp'),
      nonce: params.get('nonce'),
      echostr: params.get('echostr'),
    });
    expect(reply).toBe('1616140317555161061');
  });

  it('rejects an echostr whose "+" became a space, and says why', () => {
    const error = thrown(() =>
      codec.verifyUrl({ ...A_QUERY, echostr: A_QUERY.echostr.replaceAll('+', ' ') }),
    );
    expect(error.code).toBe('BAD_SIGNATURE');
    expect(error.message).toContain('%2B');
  });

  it.each(['msg_signature', 'timestamp', 'nonce', 'echostr'] as const)(
    'rejects a request without %s as MISSING_PARAMETER naming it',
    (name) => {
      const { [name]: _dropped, ...rest } = A_QUERY;
      const error = thrown(() => codec.verifyUrl(rest));
      expect(error.code).toBe('MISSING_PARAMETER');
      expect(error.message).toContain(name);
    },
  );

  it('treats an empty or null parameter as missing', () => {
    expect(codeOf(() => codec.verifyUrl({ ...A_QUERY, echostr: '' }))).toBe('MISSING_PARAMETER');
    expect(codeOf(() => codec.verifyUrl({ ...A_QUERY, nonce: null }))).toBe('MISSING_PARAMETER');
  });

  it('rejects a wrong msg_signature as BAD_SIGNATURE', () => {
    const msg_signature = `${A_QUERY.msg_signature.slice(0, -1)}4`;
    expect(codeOf(() => codec.verifyUrl({ ...A_QUERY, msg_signature }))).toBe('BAD_SIGNATURE');
  });

  it('rejects a request signed with another token as BAD_SIGNATURE', () => {
    const other = new CallbackCodec({ token: 'other', encodingAesKey: KEY, corpId: CORP_ID });
    expect(codeOf(() => other.verifyUrl(A_QUERY))).toBe('BAD_SIGNATURE');
  });

  it('rejects a replayed signature with another timestamp as BAD_SIGNATURE', () => {
    expect(codeOf(() => codec.verifyUrl({ ...A_QUERY, timestamp: '1409659590' }))).toBe('BAD_SIGNATURE');
  });

  it('rejects vector A for another corp id as RECEIVE_ID_MISMATCH', () => {
    const other = new CallbackCodec({ token: TOKEN, encodingAesKey: KEY, corpId: 'ww0000000000000000' });
    expect(codeOf(() => other.verifyUrl(A_QUERY))).toBe('RECEIVE_ID_MISMATCH');
  });
});

describe('openNotice', () => {
  it('opens vector B, a text callback, as an unknown event with its raw fields', () => {
    const event = codec.openNotice(B_QUERY, B_BODY);
    expect(event).toMatchObject({
      event: 'unknown',
      toUserName: CORP_ID,
      createTime: 1409659813,
      msgType: 'text',
    });
    if (event.event !== 'unknown') throw new Error('expected an unknown event');
    expect(event.raw.Content).toBe('hello');
  });

  it('opens the vector F notice into a kf_msg_or_event', () => {
    const body = `<xml><ToUserName><![CDATA[${CORP_ID}]]></ToUserName><Encrypt><![CDATA[${F_ENCRYPT}]]></Encrypt><AgentID><![CDATA[]]></AgentID></xml>`;
    const query = { msg_signature: F_SIGNATURE, timestamp: F_OPTS.timestamp, nonce: F_OPTS.nonce };
    expect(codec.openNotice(query, body)).toEqual(F_NOTICE);
  });

  it('rejects a flipped ciphertext byte as BAD_SIGNATURE before decrypting', () => {
    const bytes = Buffer.from(B_ENCRYPT, 'base64');
    bytes[0] = (bytes[0] ?? 0) ^ 1;
    const body = B_BODY.replace(B_ENCRYPT, bytes.toString('base64'));
    expect(codeOf(() => codec.openNotice(B_QUERY, body))).toBe('BAD_SIGNATURE');
  });

  it('rejects a truncated Encrypt as BAD_SIGNATURE', () => {
    expect(codeOf(() => codec.openNotice(B_QUERY, B_BODY.replace(B_ENCRYPT, B_ENCRYPT.slice(0, 64))))).toBe(
      'BAD_SIGNATURE',
    );
  });

  it('does not trust the unsigned outer ToUserName', () => {
    const body = B_BODY.replace(`<ToUserName><![CDATA[${CORP_ID}]]>`, '<ToUserName><![CDATA[ww-elsewhere]]>');
    expect(codec.openNotice(B_QUERY, body).toUserName).toBe(CORP_ID);
  });

  it.each(['msg_signature', 'timestamp', 'nonce'] as const)(
    'rejects a POST without %s as MISSING_PARAMETER',
    (name) => {
      const { [name]: _dropped, ...rest } = B_QUERY;
      expect(codeOf(() => codec.openNotice(rest, B_BODY))).toBe('MISSING_PARAMETER');
    },
  );

  it('rejects a body encrypted for another corp id as RECEIVE_ID_MISMATCH', () => {
    const other = new CallbackCodec({ token: TOKEN, encodingAesKey: KEY, corpId: 'ww0000000000000000' });
    expect(codeOf(() => other.openNotice(B_QUERY, B_BODY))).toBe('RECEIVE_ID_MISMATCH');
  });

  it('rejects a notice whose decrypted ToUserName is another corp as TO_USER_NAME_MISMATCH', () => {
    const sealed = codec.sealNotice({ ...F_NOTICE, toUserName: 'ww0000000000000000' });
    expect(codeOf(() => codec.openNotice(sealed.query, sealed.body))).toBe('TO_USER_NAME_MISMATCH');
  });

  it('passes envelope errors through as CallbackEnvelopeError', () => {
    const missing = `<xml><ToUserName><![CDATA[${CORP_ID}]]></ToUserName></xml>`;
    expect(() => codec.openNotice(B_QUERY, missing)).toThrow(CallbackEnvelopeError);
    expect(() => codec.openNotice(B_QUERY, `<!DOCTYPE xml>${B_BODY}`)).toThrow(
      expect.objectContaining({ code: 'FORBIDDEN_XML' }),
    );
    expect(() => codec.openNotice(B_QUERY, '<xml><Encrypt>')).toThrow(
      expect.objectContaining({ code: 'MALFORMED_XML' }),
    );
  });

  it('reports a correctly signed but undecryptable Encrypt by its crypto code', () => {
    const notBase64 = signedOver('not*base64');
    expect(codeOf(() => codec.openNotice(notBase64.query, notBase64.body))).toBe('BAD_BASE64');
    const oneBlock = signedOver(Buffer.alloc(16).toString('base64'));
    expect(codeOf(() => codec.openNotice(oneBlock.query, oneBlock.body))).not.toBe('BAD_SIGNATURE');
  });
});

describe('sealNotice and sealEchostr', () => {
  it('reproduces vector F exactly: Encrypt and msg_signature', () => {
    const sealed = codec.sealNotice(F_NOTICE, F_OPTS);
    expect(sealed.query).toEqual({
      msg_signature: F_SIGNATURE,
      timestamp: F_OPTS.timestamp,
      nonce: F_OPTS.nonce,
    });
    expect(sealed.body).toBe(
      `<xml><ToUserName><![CDATA[${CORP_ID}]]></ToUserName><Encrypt><![CDATA[${F_ENCRYPT}]]></Encrypt></xml>`,
    );
  });

  it('reproduces vector B from its random prefix, so its signature matches the official one', () => {
    const event = codec.openNotice(B_QUERY, B_BODY);
    const sealed = codec.sealNotice(event, { ...B_QUERY, random: Buffer.from('0960688932c47ef1') });
    expect(sealed.query.msg_signature).toBe(B_QUERY.msg_signature);
    expect(sealed.body).toContain(B_ENCRYPT);
  });

  it('reproduces vector A from its random prefix', () => {
    const sealed = codec.sealEchostr('1616140317555161061', {
      timestamp: A_QUERY.timestamp,
      nonce: A_QUERY.nonce,
      random: Buffer.from('c41b64491c2468d0'),
    });
    expect(sealed).toEqual(A_QUERY);
  });

  it('round-trips an echostr through verifyUrl with default timestamp and nonce', () => {
    const before = Math.floor(Date.now() / 1000);
    const sealed = codec.sealEchostr('8923740958237452');
    expect(Number(sealed.timestamp)).toBeGreaterThanOrEqual(before);
    expect(sealed.nonce).toMatch(/^\d{9,10}$/);
    expect(codec.verifyUrl(sealed)).toBe('8923740958237452');
  });

  it('round-trips a kf_account_auth_change notice', () => {
    const notice = {
      event: 'kf_account_auth_change',
      toUserName: CORP_ID,
      createTime: 1700000000,
      msgType: 'event',
      authAddOpenKfIds: ['wk1'],
      authDelOpenKfIds: ['wk2', 'wk3'],
    } as const;
    const sealed = codec.sealNotice(notice);
    expect(codec.openNotice(sealed.query, sealed.body)).toEqual(notice);
  });

  it('uses a fresh random prefix each time', () => {
    expect(codec.sealNotice(F_NOTICE).body).not.toBe(codec.sealNotice(F_NOTICE).body);
  });
});

describe('CallbackCodec configuration', () => {
  it('rejects an empty token as BAD_TOKEN', () => {
    expect(codeOf(() => new CallbackCodec({ token: '', encodingAesKey: KEY, corpId: CORP_ID }))).toBe(
      'BAD_TOKEN',
    );
  });

  it('rejects an empty corp id as BAD_CORP_ID', () => {
    expect(codeOf(() => new CallbackCodec({ token: TOKEN, encodingAesKey: KEY, corpId: '' }))).toBe(
      'BAD_CORP_ID',
    );
  });

  it('rejects a wrong-length EncodingAESKey as BAD_AES_KEY', () => {
    const error = thrown(
      () => new CallbackCodec({ token: TOKEN, encodingAesKey: KEY.slice(1), corpId: CORP_ID }),
    );
    expect(error.code).toBe('BAD_AES_KEY');
    expect(error.message).toContain('WECOM_ENCODING_AES_KEY');
  });

  it('does not expose the token or key when inspected or serialised', () => {
    expect(JSON.stringify(codec)).not.toContain(TOKEN);
    expect(JSON.stringify(codec)).not.toContain(KEY);
  });
});

describe('CallbackCryptoError codes', () => {
  // The compiler checks this table lists every code; each entry must produce its code.
  const producers = {
    BAD_AES_KEY: () => new CallbackCodec({ token: TOKEN, encodingAesKey: 'short', corpId: CORP_ID }),
    BAD_TOKEN: () => new CallbackCodec({ token: '', encodingAesKey: KEY, corpId: CORP_ID }),
    BAD_CORP_ID: () => new CallbackCodec({ token: TOKEN, encodingAesKey: KEY, corpId: '' }),
    MISSING_PARAMETER: () => codec.verifyUrl({}),
    BAD_SIGNATURE: () => codec.verifyUrl({ ...A_QUERY, nonce: '1' }),
    RECEIVE_ID_MISMATCH: () =>
      new CallbackCodec({ token: TOKEN, encodingAesKey: KEY, corpId: 'ww0' }).openNotice(B_QUERY, B_BODY),
    TO_USER_NAME_MISMATCH: () => {
      const sealed = codec.sealNotice({ ...F_NOTICE, toUserName: 'ww0' });
      codec.openNotice(sealed.query, sealed.body);
    },
    BAD_BASE64: () => {
      const s = signedOver('%%%%');
      codec.openNotice(s.query, s.body);
    },
    BAD_CIPHERTEXT_LENGTH: () => {
      const s = signedOver(Buffer.alloc(20).toString('base64'));
      codec.openNotice(s.query, s.body);
    },
    BAD_PADDING: () => {
      const bytes = Buffer.from(B_ENCRYPT, 'base64');
      const s = signedOver(bytes.subarray(0, bytes.length - 16).toString('base64'));
      codec.openNotice(s.query, s.body);
    },
    BAD_MESSAGE_LENGTH: () => {
      const bytes = Buffer.from(B_ENCRYPT, 'base64');
      bytes[0] = (bytes[0] ?? 0) ^ 0x80;
      const s = signedOver(bytes.toString('base64'));
      codec.openNotice(s.query, s.body);
    },
    BAD_UTF8: () => {
      // Byte 4 of block 0 lands on the echostr's first character, turning it into a stray 0xb1.
      const bytes = Buffer.from(A_QUERY.echostr, 'base64');
      bytes[4] = (bytes[4] ?? 0) ^ 0x80;
      const echostr = bytes.toString('base64');
      codec.verifyUrl({
        msg_signature: computeSignature(TOKEN, '1', '2', echostr),
        timestamp: '1',
        nonce: '2',
        echostr,
      });
    },
    // Unreachable by design: every input OpenSSL could refuse is rejected before it is called.
    CIPHER_FAILED: null,
  } satisfies Record<CallbackCryptoErrorCode, (() => unknown) | null>;

  it.each(CALLBACK_CRYPTO_ERROR_CODES.filter((code) => producers[code] !== null))(
    'produces %s from the public API',
    (code) => {
      const produce = producers[code];
      if (produce === null) throw new Error('unreachable');
      expect(codeOf(produce)).toBe(code);
    },
  );
});
