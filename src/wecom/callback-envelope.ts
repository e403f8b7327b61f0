// The XML of WeCom callbacks (wecom-kf.md §2.1): the outer encrypted envelope and the decrypted
// notice, both parsed and built here. Parsing is deliberately narrow: no DTDs, no entity
// expansion, values kept as exact strings, and a flat <xml> root of text elements.
import { createRequire } from 'node:module';
import type { XMLParser, XMLValidator } from 'fast-xml-parser';

export type CallbackEnvelopeErrorCode = 'MALFORMED_XML' | 'FORBIDDEN_XML' | 'MISSING_FIELD' | 'BAD_FIELD';

export class CallbackEnvelopeError extends Error {
  override readonly name = 'CallbackEnvelopeError';
  readonly code: CallbackEnvelopeErrorCode;
  /** The XML element at fault, for MISSING_FIELD and BAD_FIELD. */
  readonly field: string | undefined;

  constructor(code: CallbackEnvelopeErrorCode, message: string, field?: string) {
    super(message);
    this.code = code;
    this.field = field;
  }
}

/** The POST body: `<xml><ToUserName/><Encrypt/><AgentID/></xml>` (wecom-kf.md §2.1). */
export interface EncryptedEnvelope {
  readonly toUserName: string;
  readonly encrypt: string;
  /** Omitted when the element is absent or empty, which KF callbacks may do (§2.1). */
  readonly agentId?: string;
}

/** The decrypted `kf_msg_or_event` notice: "pull now" for one KF account (wecom-kf.md §2.1). */
export interface KfNotice {
  readonly event: 'kf_msg_or_event';
  /** The corp id. */
  readonly toUserName: string;
  /** Unix seconds. */
  readonly createTime: number;
  readonly msgType: 'event';
  /** Pass as `token` to sync_msg; valid 10 minutes (§3). */
  readonly token: string;
  /** Pass as `open_kfid` to sync_msg. */
  readonly openKfId: string;
}

/**
 * `kf_account_auth_change`, sent to 3rd-party / 组件 apps (wecom-kf.md §2.1). Each element may
 * repeat, one per account (SKIT, Senparc and WxJava all read them as lists), so both are arrays.
 */
export interface KfAccountAuthChangeNotice {
  readonly event: 'kf_account_auth_change';
  readonly toUserName: string;
  readonly createTime: number;
  readonly msgType: 'event';
  readonly authAddOpenKfIds: readonly string[];
  readonly authDelOpenKfIds: readonly string[];
}

/**
 * Any other callback: another Event, or a MsgType other than `event`. It is data to log, never
 * a failure. `raw` holds every text element (a repeated element becomes an array; nested
 * elements are left out) and `xml` the decrypted plaintext as received.
 */
export interface UnknownCallbackEvent {
  readonly event: 'unknown';
  readonly toUserName: string;
  readonly createTime: number;
  readonly msgType: string;
  /** The `Event` element, when there is one. */
  readonly eventName?: string;
  readonly raw: Readonly<Record<string, string | readonly string[]>>;
  readonly xml: string;
}

/** A decrypted callback, discriminated on `event`. */
export type CallbackEvent = KfNotice | KfAccountAuthChangeNotice | UnknownCallbackEvent;

let loaded: { parser: XMLParser; validator: typeof XMLValidator } | undefined;

/**
 * fast-xml-parser, loaded by the first callback: an idle server does without its ~40 ms and
 * ~3 MB. Its CommonJS build, so that parsing stays synchronous.
 */
function xmlParser(): { parser: XMLParser; validator: typeof XMLValidator } {
  if (loaded) return loaded;
  const fxp = createRequire(import.meta.url)('fast-xml-parser') as typeof import('fast-xml-parser');
  // processEntities: false keeps `&...;` literal, so no entity can expand. WeCom wraps every
  // string in CDATA, whose content the parser returns verbatim; whitespace outside CDATA (the
  // indentation of pretty-printed XML) is trimmed. parseTagValue: false keeps "007" a string.
  const parser = new fxp.XMLParser({
    processEntities: false,
    htmlEntities: false,
    ignoreDeclaration: true,
    ignorePiTags: true,
    ignoreAttributes: true,
    parseTagValue: false,
    trimValues: true,
    cdataPropName: false,
    commentPropName: false,
    maxNestedTags: 16,
  });
  loaded = { parser, validator: fxp.XMLValidator };
  return loaded;
}

// The validator and parser are not DTD-safe by construction, so any DTD markup is refused
// before either sees the input. WeCom never sends a DOCTYPE.
const DTD_MARKUP = /<!\s*(?:DOCTYPE|ENTITY|ELEMENT|ATTLIST|NOTATION)/i;

type Fields = ReadonlyMap<string, readonly string[] | 'nested'>;

/** The text elements directly under `<xml>`, by name, in document order. */
function readXmlFields(xml: string, what: string): Fields {
  if (DTD_MARKUP.test(xml)) {
    throw new CallbackEnvelopeError(
      'FORBIDDEN_XML',
      `the ${what} contains a DOCTYPE or entity declaration, which WeCom never sends; refusing to parse it`,
    );
  }
  const { parser, validator } = xmlParser();
  const valid = validator.validate(xml);
  if (valid !== true) {
    // Only the position: the validator's own text can quote the (possibly decrypted) input.
    const { code, line, col } = valid.err;
    throw new CallbackEnvelopeError(
      'MALFORMED_XML',
      `the ${what} is not well-formed XML (${code} at line ${line}, column ${col})`,
    );
  }
  let document: unknown;
  try {
    document = parser.parse(xml);
  } catch {
    // e.g. an element named __proto__ or constructor, which the parser refuses.
    throw new CallbackEnvelopeError('MALFORMED_XML', `the ${what} has element names the XML parser refuses`);
  }
  const roots = isRecord(document) ? Object.keys(document) : [];
  const root = isRecord(document) ? document.xml : undefined;
  if (roots.length !== 1 || root === undefined || Array.isArray(root)) {
    throw new CallbackEnvelopeError('MALFORMED_XML', `the ${what} must have exactly one root element, <xml>`);
  }
  const fields = new Map<string, readonly string[] | 'nested'>();
  if (!isRecord(root)) return fields; // <xml/> or <xml>text</xml>: no elements
  for (const [name, value] of Object.entries(root)) {
    if (name === '#text') continue; // stray text between elements
    const values = Array.isArray(value) ? value : [value];
    fields.set(name, values.every((v) => typeof v === 'string') ? values : 'nested');
  }
  return fields;
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** A field that must appear at most once; undefined when absent. */
function optionalText(fields: Fields, name: string, what: string): string | undefined {
  const values = fields.get(name);
  if (values === undefined) return undefined;
  if (values === 'nested') {
    throw new CallbackEnvelopeError('BAD_FIELD', `${name} in the ${what} must be text, not elements`, name);
  }
  if (values.length !== 1) {
    throw new CallbackEnvelopeError(
      'BAD_FIELD',
      `${name} appears ${values.length} times in the ${what}; it must appear once`,
      name,
    );
  }
  return values[0];
}

function requiredText(fields: Fields, name: string, what: string): string {
  const value = optionalText(fields, name, what);
  if (value === undefined) {
    throw new CallbackEnvelopeError('MISSING_FIELD', `the ${what} has no ${name} element`, name);
  }
  if (value === '') {
    throw new CallbackEnvelopeError('BAD_FIELD', `${name} in the ${what} is empty`, name);
  }
  return value;
}

function repeatedText(fields: Fields, name: string, what: string): readonly string[] {
  const values = fields.get(name) ?? [];
  if (values === 'nested') {
    throw new CallbackEnvelopeError('BAD_FIELD', `${name} in the ${what} must be text, not elements`, name);
  }
  return values.filter((v) => v !== '');
}

export function parseEncryptedEnvelope(xml: string): EncryptedEnvelope {
  const what = 'callback body';
  const fields = readXmlFields(xml, what);
  const toUserName = requiredText(fields, 'ToUserName', what);
  const encrypt = requiredText(fields, 'Encrypt', what);
  const agentId = optionalText(fields, 'AgentID', what);
  return agentId === undefined || agentId === '' ? { toUserName, encrypt } : { toUserName, encrypt, agentId };
}

/** Parses any decrypted callback into the CallbackEvent union. */
export function parseCallbackEvent(xml: string): CallbackEvent {
  const what = 'decrypted callback';
  const fields = readXmlFields(xml, what);
  // The three header fields every WeCom callback carries, whatever its kind.
  const toUserName = requiredText(fields, 'ToUserName', what);
  const createTime = parseCreateTime(requiredText(fields, 'CreateTime', what));
  const msgType = requiredText(fields, 'MsgType', what);
  const eventName = optionalText(fields, 'Event', what);
  if (msgType === 'event' && eventName === 'kf_msg_or_event') {
    const token = requiredText(fields, 'Token', what);
    const openKfId = requiredText(fields, 'OpenKfId', what);
    return { event: eventName, toUserName, createTime, msgType, token, openKfId };
  }
  if (msgType === 'event' && eventName === 'kf_account_auth_change') {
    const authAddOpenKfIds = repeatedText(fields, 'AuthAddOpenKfId', what);
    const authDelOpenKfIds = repeatedText(fields, 'AuthDelOpenKfId', what);
    return { event: eventName, toUserName, createTime, msgType, authAddOpenKfIds, authDelOpenKfIds };
  }
  const raw: Record<string, string | readonly string[]> = {};
  for (const [name, values] of fields) {
    if (values === 'nested') continue;
    raw[name] = values.length === 1 ? (values[0] ?? '') : values;
  }
  const unknown = { event: 'unknown', toUserName, createTime, msgType, raw, xml } as const;
  return eventName === undefined ? unknown : { ...unknown, eventName };
}

/** Parses a decrypted callback that must be a `kf_msg_or_event` notice. */
export function parseKfNotice(xml: string): KfNotice {
  const event = parseCallbackEvent(xml);
  if (event.event !== 'kf_msg_or_event') {
    throw new CallbackEnvelopeError(
      'BAD_FIELD',
      'the decrypted callback is not a kf_msg_or_event notice (MsgType event, Event kf_msg_or_event)',
      'Event',
    );
  }
  return event;
}

function parseCreateTime(text: string): number {
  // Unix seconds; a dozen digits reaches far past any real date and stays a safe integer.
  if (!/^\d{1,12}$/.test(text)) {
    throw new CallbackEnvelopeError(
      'BAD_FIELD',
      'CreateTime in the decrypted callback must be unix seconds (digits only)',
      'CreateTime',
    );
  }
  return Number(text);
}

// XML 1.0 Char production: anything else cannot be carried in a document at all.
const NON_XML_CHAR = /[^\t\n\r\u0020-\uD7FF\uE000-\uFFFD\u{10000}-\u{10FFFF}]/u;

function cdata(name: string, value: string): string {
  if (NON_XML_CHAR.test(value)) {
    throw new CallbackEnvelopeError('BAD_FIELD', `${name} contains a character XML cannot carry`, name);
  }
  // "]]>" would end the section early; split it across two sections, which parsers rejoin.
  return `<${name}><![CDATA[${value.replaceAll(']]>', ']]]]><![CDATA[>')}]]></${name}>`;
}

function createTimeElement(createTime: number): string {
  if (!Number.isSafeInteger(createTime) || createTime < 0) {
    throw new CallbackEnvelopeError(
      'BAD_FIELD',
      'createTime must be a non-negative integer (unix seconds)',
      'CreateTime',
    );
  }
  return `<CreateTime>${createTime}</CreateTime>`;
}

/** Builds the POST body; AgentID is omitted when not given (wecom-kf.md §2.1). */
export function buildEncryptedEnvelope(envelope: EncryptedEnvelope): string {
  const agentId = envelope.agentId === undefined ? '' : cdata('AgentID', envelope.agentId);
  return `<xml>${cdata('ToUserName', envelope.toUserName)}${cdata('Encrypt', envelope.encrypt)}${agentId}</xml>`;
}

/** Builds the plaintext exactly as the fact sheet shows it (wecom-kf.md §2.1, vector F). */
export function buildKfNoticeXml(notice: KfNotice): string {
  return (
    `<xml>${cdata('ToUserName', notice.toUserName)}${createTimeElement(notice.createTime)}` +
    `${cdata('MsgType', 'event')}${cdata('Event', 'kf_msg_or_event')}` +
    `${cdata('Token', notice.token)}${cdata('OpenKfId', notice.openKfId)}</xml>`
  );
}

/** Builds the plaintext of any CallbackEvent; an unknown event is sent as its original XML. */
export function buildCallbackEventXml(event: CallbackEvent): string {
  switch (event.event) {
    case 'kf_msg_or_event':
      return buildKfNoticeXml(event);
    case 'kf_account_auth_change':
      return (
        `<xml>${cdata('ToUserName', event.toUserName)}${createTimeElement(event.createTime)}` +
        `${cdata('MsgType', 'event')}${cdata('Event', 'kf_account_auth_change')}` +
        event.authAddOpenKfIds.map((id) => cdata('AuthAddOpenKfId', id)).join('') +
        event.authDelOpenKfIds.map((id) => cdata('AuthDelOpenKfId', id)).join('') +
        '</xml>'
      );
    case 'unknown':
      return event.xml;
    default:
      return event satisfies never;
  }
}
