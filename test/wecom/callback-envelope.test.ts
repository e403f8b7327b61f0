import { describe, expect, it } from 'vitest';
import {
  buildCallbackEventXml,
  buildEncryptedEnvelope,
  buildKfNoticeXml,
  CallbackEnvelopeError,
  type CallbackEnvelopeErrorCode,
  type CallbackEvent,
  type KfNotice,
  parseCallbackEvent,
  parseEncryptedEnvelope,
  parseKfNotice,
} from '../../src/wecom/callback-envelope.ts';

// wecom-kf.md §2.5 vector B, outer body verbatim.
const B_ENCRYPT =
  'RypEvHKD8QQKFhvQ6QleEB4J58tiPdvo+rtK1I9qca6aM/wvqnLSV5zEPeusUiX5L5X/0lWfrf0QADHHhGd3QczcdCUpj911L3vg3W/sYYvuJTs3TUUkSUXxaccAS0qhxchrRYt66wiSpGLYL42aM6A8dTT+6k4aSknmPj48kzJs8qLjvd4Xgpue06DOdnLxAUHzM6+kDZ+HMZfJYuR+LtwGc2hgf5gsijff0ekUNXZiqATP7PF5mZxZ3Izoun1s4zG4LUMnvw2r+KqCKIw+3IQH03v+BCA9nMELNqbSf6tiWSrXJB3LAVGUcallcrw8V2t9EL4EhzJWrQUax5wLVMNS0+rUPA3k22Ncx4XXZS9o0MBH27Bo6BpNelZpS+/uh9KsNlY6bHCmJU9p8g7m3fVKn28H3KDYA5Pl/T8Z1ptDAVe0lXdQ2YoyyH2uyPIGHBZZIs2pDBS8R07+qN+E7Q==';
const B_BODY = `<xml><ToUserName><![CDATA[wx5823bf96d3bd56c7]]></ToUserName><Encrypt><![CDATA[${B_ENCRYPT}]]></Encrypt><AgentID><![CDATA[218]]></AgentID></xml>`;
const B_PLAINTEXT =
  '<xml><ToUserName><![CDATA[wx5823bf96d3bd56c7]]></ToUserName>\n<FromUserName><![CDATA[mycreate]]></FromUserName>\n<CreateTime>1409659813</CreateTime>\n<MsgType><![CDATA[text]]></MsgType>\n<Content><![CDATA[hello]]></Content>\n<MsgId>4561255354251345929</MsgId>\n<AgentID>218</AgentID>\n</xml>';

// wecom-kf.md §2.5 vector F plaintext, verbatim.
const F_PLAINTEXT =
  '<xml><ToUserName><![CDATA[wx5823bf96d3bd56c7]]></ToUserName><CreateTime>1409659813</CreateTime><MsgType><![CDATA[event]]></MsgType><Event><![CDATA[kf_msg_or_event]]></Event><Token><![CDATA[ENCApHxnGDNAVNY4AaSJKj4Tb5mwsEMzxhFmHVGcra996NR]]></Token><OpenKfId><![CDATA[wkAJ2GCAAASSm4_FhToWMFea0xAFfd3Q]]></OpenKfId></xml>';
const F_NOTICE: KfNotice = {
  event: 'kf_msg_or_event',
  toUserName: 'wx5823bf96d3bd56c7',
  createTime: 1409659813,
  msgType: 'event',
  token: 'ENCApHxnGDNAVNY4AaSJKj4Tb5mwsEMzxhFmHVGcra996NR',
  openKfId: 'wkAJ2GCAAASSm4_FhToWMFea0xAFfd3Q',
};

// wecom-kf.md §2.1, the documented plaintext with its indentation.
const DOC_NOTICE = `<xml>
   <ToUserName><![CDATA[ww12345678910]]></ToUserName>
   <CreateTime>1348831860</CreateTime>
   <MsgType><![CDATA[event]]></MsgType>
   <Event><![CDATA[kf_msg_or_event]]></Event>
   <Token><![CDATA[ENCApHxnGDNAVNY4AaSJKj4Tb5mwsEMzxhFmHVGcra996NR]]></Token>
   <OpenKfId><![CDATA[wkxxxxxxx]]></OpenKfId>
</xml>`;

function thrown(fn: () => unknown): CallbackEnvelopeError {
  try {
    fn();
  } catch (error) {
    if (error instanceof CallbackEnvelopeError) return error;
    throw error;
  }
  throw new Error('expected a CallbackEnvelopeError, but nothing was thrown');
}

function codeOf(fn: () => unknown): CallbackEnvelopeErrorCode {
  return thrown(fn).code;
}

function event(fields: string): string {
  return `<xml><ToUserName><![CDATA[ww1]]></ToUserName><CreateTime>1700000000</CreateTime><MsgType><![CDATA[event]]></MsgType>${fields}</xml>`;
}

describe('parseEncryptedEnvelope', () => {
  it('reads ToUserName, Encrypt and AgentID from vector B', () => {
    expect(parseEncryptedEnvelope(B_BODY)).toEqual({
      toUserName: 'wx5823bf96d3bd56c7',
      encrypt: B_ENCRYPT,
      agentId: '218',
    });
  });

  it('omits agentId when AgentID is empty', () => {
    const envelope = parseEncryptedEnvelope(B_BODY.replace('<![CDATA[218]]>', '<![CDATA[]]>'));
    expect(envelope).toEqual({ toUserName: 'wx5823bf96d3bd56c7', encrypt: B_ENCRYPT });
    expect('agentId' in envelope).toBe(false);
  });

  it('omits agentId when AgentID is absent', () => {
    const body = `<xml><ToUserName><![CDATA[ww1]]></ToUserName><Encrypt><![CDATA[abc=]]></Encrypt></xml>`;
    expect(parseEncryptedEnvelope(body)).toEqual({ toUserName: 'ww1', encrypt: 'abc=' });
  });

  it('accepts an XML declaration, indentation and values without CDATA', () => {
    const body = `<?xml version="1.0" encoding="UTF-8"?>\n<xml>\n  <ToUserName>ww1</ToUserName>\n  <Encrypt>\n    <![CDATA[a+b/c==]]>\n  </Encrypt>\n  <AgentID/>\n</xml>\n`;
    expect(parseEncryptedEnvelope(body)).toEqual({ toUserName: 'ww1', encrypt: 'a+b/c==' });
  });

  it('keeps values as exact strings: no number parsing, no trimming inside CDATA', () => {
    const body = `<xml><ToUserName><![CDATA[ 007 ]]></ToUserName><Encrypt>0012</Encrypt><AgentID>1e3</AgentID></xml>`;
    expect(parseEncryptedEnvelope(body)).toEqual({ toUserName: ' 007 ', encrypt: '0012', agentId: '1e3' });
  });

  it('leaves entity references unexpanded', () => {
    const body = `<xml><ToUserName>a&amp;b</ToUserName><Encrypt>x&#65;</Encrypt></xml>`;
    expect(parseEncryptedEnvelope(body)).toEqual({ toUserName: 'a&amp;b', encrypt: 'x&#65;' });
  });

  it('rejects a DOCTYPE with an external entity (XXE) as FORBIDDEN_XML', () => {
    const xxe = `<?xml version="1.0"?><!DOCTYPE xml [<!ENTITY xxe SYSTEM "file:///etc/passwd">]><xml><ToUserName>&xxe;</ToUserName><Encrypt>a</Encrypt></xml>`;
    expect(codeOf(() => parseEncryptedEnvelope(xxe))).toBe('FORBIDDEN_XML');
  });

  it('rejects an entity-expansion bomb as FORBIDDEN_XML', () => {
    const bomb = `<!DOCTYPE xml [<!ENTITY a "aaaaaaaa"><!ENTITY b "&a;&a;&a;&a;&a;&a;&a;&a;">]><xml><Encrypt>&b;</Encrypt></xml>`;
    expect(codeOf(() => parseEncryptedEnvelope(bomb))).toBe('FORBIDDEN_XML');
  });

  it('rejects a bare ENTITY declaration and a lowercase doctype as FORBIDDEN_XML', () => {
    expect(codeOf(() => parseEncryptedEnvelope('<!ENTITY x "y"><xml/>'))).toBe('FORBIDDEN_XML');
    expect(codeOf(() => parseEncryptedEnvelope('<!doctype xml><xml/>'))).toBe('FORBIDDEN_XML');
  });

  it('rejects a body without Encrypt as MISSING_FIELD naming Encrypt', () => {
    const error = thrown(() => parseEncryptedEnvelope('<xml><ToUserName>ww1</ToUserName></xml>'));
    expect(error.code).toBe('MISSING_FIELD');
    expect(error.field).toBe('Encrypt');
    expect(error.message).toContain('Encrypt');
  });

  it('rejects a body without ToUserName as MISSING_FIELD', () => {
    expect(codeOf(() => parseEncryptedEnvelope('<xml><Encrypt>abc=</Encrypt></xml>'))).toBe('MISSING_FIELD');
  });

  it('rejects an empty Encrypt as BAD_FIELD', () => {
    const body = '<xml><ToUserName>ww1</ToUserName><Encrypt><![CDATA[]]></Encrypt></xml>';
    expect(codeOf(() => parseEncryptedEnvelope(body))).toBe('BAD_FIELD');
  });

  it('rejects a repeated Encrypt as BAD_FIELD rather than picking one', () => {
    const body = '<xml><ToUserName>ww1</ToUserName><Encrypt>a</Encrypt><Encrypt>b</Encrypt></xml>';
    const error = thrown(() => parseEncryptedEnvelope(body));
    expect(error.code).toBe('BAD_FIELD');
    expect(error.message).toContain('2 times');
  });

  it('rejects an Encrypt holding elements as BAD_FIELD', () => {
    const body = '<xml><ToUserName>ww1</ToUserName><Encrypt><a>b</a></Encrypt></xml>';
    expect(codeOf(() => parseEncryptedEnvelope(body))).toBe('BAD_FIELD');
  });

  it.each([
    ['an unclosed element', '<xml><ToUserName>ww1</ToUserName><Encrypt>abc</xml>'],
    ['an unclosed root', '<xml><Encrypt>abc</Encrypt>'],
    ['text that is not XML', 'msg_signature=abc'],
    ['an empty body', ''],
    ['text after the root', '<xml><Encrypt>abc</Encrypt></xml>trailing'],
    ['two roots', '<xml><Encrypt>a</Encrypt></xml><xml><Encrypt>b</Encrypt></xml>'],
    ['a root other than <xml>', '<root><ToUserName>ww1</ToUserName><Encrypt>abc</Encrypt></root>'],
    ['JSON', '{"Encrypt":"abc"}'],
    [
      'an element named __proto__',
      '<xml><__proto__><Encrypt>a</Encrypt></__proto__><Encrypt>a</Encrypt></xml>',
    ],
  ])('rejects %s as MALFORMED_XML', (_name, body) => {
    expect(codeOf(() => parseEncryptedEnvelope(body))).toBe('MALFORMED_XML');
  });

  it('does not quote the input in a MALFORMED_XML message', () => {
    const error = thrown(() => parseEncryptedEnvelope('<xml><secret-token-value>1</xml>'));
    expect(error.message).not.toContain('secret-token-value');
  });
});

describe('parseCallbackEvent', () => {
  it('decodes the documented kf_msg_or_event plaintext, indentation and all', () => {
    expect(parseCallbackEvent(DOC_NOTICE)).toEqual({
      event: 'kf_msg_or_event',
      toUserName: 'ww12345678910',
      createTime: 1348831860,
      msgType: 'event',
      token: 'ENCApHxnGDNAVNY4AaSJKj4Tb5mwsEMzxhFmHVGcra996NR',
      openKfId: 'wkxxxxxxx',
    });
  });

  it('decodes the vector F plaintext', () => {
    expect(parseCallbackEvent(F_PLAINTEXT)).toEqual(F_NOTICE);
  });

  it('decodes kf_account_auth_change with repeated account elements as lists', () => {
    const xml = event(
      '<Event><![CDATA[kf_account_auth_change]]></Event>' +
        '<AuthAddOpenKfId><![CDATA[wk1]]></AuthAddOpenKfId><AuthAddOpenKfId><![CDATA[wk2]]></AuthAddOpenKfId>' +
        '<AuthDelOpenKfId><![CDATA[wk3]]></AuthDelOpenKfId>',
    );
    expect(parseCallbackEvent(xml)).toEqual({
      event: 'kf_account_auth_change',
      toUserName: 'ww1',
      createTime: 1700000000,
      msgType: 'event',
      authAddOpenKfIds: ['wk1', 'wk2'],
      authDelOpenKfIds: ['wk3'],
    });
  });

  it('decodes kf_account_auth_change without account elements as empty lists', () => {
    const parsed = parseCallbackEvent(event('<Event>kf_account_auth_change</Event><AuthDelOpenKfId/>'));
    expect(parsed).toMatchObject({ authAddOpenKfIds: [], authDelOpenKfIds: [] });
  });

  it('keeps an unknown event as data with its name, raw fields and XML', () => {
    const xml = event(
      '<Event><![CDATA[some_future_event]]></Event><Foo>1</Foo><Foo>2</Foo><Nested><A>x</A></Nested>',
    );
    expect(parseCallbackEvent(xml)).toEqual({
      event: 'unknown',
      toUserName: 'ww1',
      createTime: 1700000000,
      msgType: 'event',
      eventName: 'some_future_event',
      raw: {
        ToUserName: 'ww1',
        CreateTime: '1700000000',
        MsgType: 'event',
        Event: 'some_future_event',
        Foo: ['1', '2'],
      },
      xml,
    });
  });

  it('keeps a non-event callback (vector B, a text message) as unknown without an eventName', () => {
    const parsed = parseCallbackEvent(B_PLAINTEXT);
    expect(parsed.event).toBe('unknown');
    if (parsed.event !== 'unknown') return;
    expect(parsed.msgType).toBe('text');
    expect('eventName' in parsed).toBe(false);
    expect(parsed.raw).toMatchObject({ Content: 'hello', MsgId: '4561255354251345929', AgentID: '218' });
  });

  it('treats kf_msg_or_event under another MsgType as unknown', () => {
    const xml = F_PLAINTEXT.replace('<![CDATA[event]]>', '<![CDATA[text]]>');
    expect(parseCallbackEvent(xml).event).toBe('unknown');
  });

  it('rejects a kf_msg_or_event without Token as MISSING_FIELD naming Token', () => {
    const error = thrown(() => parseCallbackEvent(F_PLAINTEXT.replace(/<Token>.*<\/Token>/, '')));
    expect(error.code).toBe('MISSING_FIELD');
    expect(error.field).toBe('Token');
  });

  it('rejects a kf_msg_or_event with an empty OpenKfId as BAD_FIELD', () => {
    const xml = F_PLAINTEXT.replace('<![CDATA[wkAJ2GCAAASSm4_FhToWMFea0xAFfd3Q]]>', '');
    expect(thrown(() => parseCallbackEvent(xml)).field).toBe('OpenKfId');
  });

  it('rejects a callback without ToUserName as MISSING_FIELD, whatever its kind', () => {
    expect(
      codeOf(() => parseCallbackEvent('<xml><CreateTime>1</CreateTime><MsgType>text</MsgType></xml>')),
    ).toBe('MISSING_FIELD');
  });

  it.each(['-1', '1.5', '1e9', ' ', '0x10', '1234567890123'])(
    'rejects CreateTime %j as BAD_FIELD',
    (value) => {
      const error = thrown(() => parseCallbackEvent(F_PLAINTEXT.replace('1409659813', value)));
      expect(error.code).toBe('BAD_FIELD');
      expect(error.field).toBe('CreateTime');
    },
  );

  it('rejects DTDs in the decrypted plaintext too', () => {
    expect(codeOf(() => parseCallbackEvent(`<!DOCTYPE xml [<!ENTITY e "x">]>${F_PLAINTEXT}`))).toBe(
      'FORBIDDEN_XML',
    );
  });
});

describe('parseKfNotice', () => {
  it('returns a kf_msg_or_event notice', () => {
    expect(parseKfNotice(F_PLAINTEXT)).toEqual(F_NOTICE);
  });

  it('rejects any other callback as BAD_FIELD naming Event', () => {
    const error = thrown(() => parseKfNotice(event('<Event>kf_account_auth_change</Event>')));
    expect(error.code).toBe('BAD_FIELD');
    expect(error.field).toBe('Event');
  });
});

describe('builders', () => {
  it('builds the vector F plaintext byte for byte', () => {
    expect(buildKfNoticeXml(F_NOTICE)).toBe(F_PLAINTEXT);
  });

  it('builds the outer envelope in the documented shape', () => {
    expect(
      buildEncryptedEnvelope({ toUserName: 'wx5823bf96d3bd56c7', encrypt: B_ENCRYPT, agentId: '218' }),
    ).toBe(B_BODY);
  });

  it('leaves AgentID out when there is none', () => {
    expect(buildEncryptedEnvelope({ toUserName: 'ww1', encrypt: 'abc=' })).toBe(
      '<xml><ToUserName><![CDATA[ww1]]></ToUserName><Encrypt><![CDATA[abc=]]></Encrypt></xml>',
    );
  });

  it.each<CallbackEvent>([
    F_NOTICE,
    {
      event: 'kf_account_auth_change',
      toUserName: 'ww1',
      createTime: 0,
      msgType: 'event',
      authAddOpenKfIds: ['wk1', 'wk2'],
      authDelOpenKfIds: [],
    },
    parseCallbackEvent(B_PLAINTEXT),
  ])('round-trips a $event event through build and parse', (original) => {
    expect(parseCallbackEvent(buildCallbackEventXml(original))).toEqual(original);
  });

  it('sends an unknown event as its original XML', () => {
    expect(buildCallbackEventXml(parseCallbackEvent(B_PLAINTEXT))).toBe(B_PLAINTEXT);
  });

  it('round-trips values containing "]]>", "<" and "&" through CDATA', () => {
    const notice: KfNotice = { ...F_NOTICE, token: 'a]]>b<c>&amp;d', openKfId: ']]>' };
    expect(parseKfNotice(buildKfNoticeXml(notice))).toEqual(notice);
  });

  it('rejects a value with a character XML cannot carry as BAD_FIELD', () => {
    const error = thrown(() => buildKfNoticeXml({ ...F_NOTICE, token: 'a\u0000b' }));
    expect(error.code).toBe('BAD_FIELD');
    expect(error.field).toBe('Token');
  });

  it.each([-1, 1.5, Number.NaN])('rejects createTime %s as BAD_FIELD', (createTime) => {
    expect(codeOf(() => buildKfNoticeXml({ ...F_NOTICE, createTime }))).toBe('BAD_FIELD');
  });
});
