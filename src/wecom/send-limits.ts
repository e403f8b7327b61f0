/**
 * WeCom's rules for a send_msg / send_msg_on_event body (wecom-kf.md §5, §6), as one checker over
 * untyped JSON. kfbot runs it before every send (so a too-long text is a clear local error, not a
 * 45002 from the platform), `kfbot validate` runs it over rule files, and the built-in WeCom
 * simulator runs it on every request it receives and answers with the errcode of the first problem.
 */
import { isObject, type JsonObject } from './json-reader.ts';
import { CLICK_ID_MAX_BYTES, MENU_TEXT_ITEM_MAX_BYTES } from './platform-choices.ts';
import { SEND_MSGTYPES } from './send-payloads.ts';

export interface SendProblem {
  /** The errcode WeCom answers with for this problem. */
  errcode: number;
  /** JSON path of the offending field, e.g. `msgmenu.list[3].click.id`. */
  field: string;
  message: string;
  /**
   * `error`: WeCom rejects the request. `truncated`: WeCom accepts it but cuts the field (§5: link
   * title/desc, miniprogram title), so the customer sees less than was written.
   */
  severity: 'error' | 'truncated';
}

/** §5: at most 5 send_msg per customer message ("用户发送消息 | 5条 | 48 小时")… */
export const SEND_QUOTA = 5;
/** …within 48 h of it. */
export const SEND_WINDOW_MS = 48 * 3600_000;

export const TEXT_MAX_BYTES = 2048;
export const MENU_HEAD_TAIL_MAX_BYTES = 1024;
export const MENU_MAX_ITEMS = 10;
export const MENU_CLICK_CONTENT_MAX_BYTES = 128;
export const MSGID_MAX_BYTES = 32;
const MSGID_PATTERN = /^[0-9a-zA-Z_-]+$/;

const EVENT_MSGTYPES = ['text', 'msgmenu'];
const ERR = { invalidParam: 40058, invalidMsgtype: 40008, emptyText: 44004, textTooLong: 45002 } as const;

export function byteLength(s: string): number {
  return Buffer.byteLength(s, 'utf8');
}

class Checker {
  readonly problems: SendProblem[] = [];

  add(errcode: number, field: string, message: string, severity: SendProblem['severity'] = 'error'): void {
    this.problems.push({ errcode, field, message, severity });
  }

  /** A string field of 1..max bytes. Returns false if absent or of the wrong type. */
  str(
    obj: JsonObject,
    key: string,
    path: string,
    opts: { max?: number; min?: number; optional?: boolean; truncates?: boolean; errcode?: number } = {},
  ): boolean {
    const field = path ? `${path}.${key}` : key;
    const v = obj[key];
    if (v === undefined || v === null) {
      if (!opts.optional) this.add(ERR.invalidParam, field, `${field} is required`);
      return false;
    }
    if (typeof v !== 'string') {
      this.add(ERR.invalidParam, field, `${field} must be a string`);
      return false;
    }
    const bytes = byteLength(v);
    const min = opts.min ?? (opts.optional ? 0 : 1);
    if (bytes < min) this.add(opts.errcode ?? ERR.invalidParam, field, `${field} must not be empty`);
    if (opts.max !== undefined && bytes > opts.max) {
      this.add(
        opts.errcode ?? ERR.invalidParam,
        field,
        opts.truncates
          ? `${field} is ${bytes} bytes; WeCom cuts it to ${opts.max} bytes (UTF-8)`
          : `${field} is ${bytes} bytes; the limit is ${opts.max} bytes (UTF-8; a Chinese character takes 3)`,
        opts.truncates ? 'truncated' : 'error',
      );
    }
    return true;
  }

  url(obj: JsonObject, key: string, path: string, max: number): void {
    if (!this.str(obj, key, path, { max })) return;
    const v = obj[key] as string;
    if (!/^https?:\/\//i.test(v))
      this.add(ERR.invalidParam, `${path}.${key}`, `${path}.${key} must start with http:// or https://`);
  }

  num(obj: JsonObject, key: string, path: string, min: number, max: number): void {
    const field = `${path}.${key}`;
    const v = obj[key];
    if (typeof v !== 'number' || !Number.isFinite(v)) {
      this.add(ERR.invalidParam, field, `${field} must be a number`);
    } else if (v < min || v > max) {
      this.add(ERR.invalidParam, field, `${field} must be between ${min} and ${max}`);
    }
  }

  obj(parent: JsonObject, key: string, path: string): JsonObject | undefined {
    const field = path ? `${path}.${key}` : key;
    const v = parent[key];
    if (!isObject(v)) {
      this.add(ERR.invalidParam, field, `${field} is required and must be an object`);
      return undefined;
    }
    return v;
  }
}

function checkMenuItem(c: Checker, item: unknown, path: string): void {
  if (!isObject(item)) {
    c.add(95009, path, `${path} must be an object with a "type"`);
    return;
  }
  const type = item.type;
  switch (type) {
    case 'click': {
      const o = c.obj(item, 'click', path);
      if (!o) return;
      c.str(o, 'id', `${path}.click`, { max: CLICK_ID_MAX_BYTES });
      c.str(o, 'content', `${path}.click`, { max: MENU_CLICK_CONTENT_MAX_BYTES });
      return;
    }
    case 'view': {
      const o = c.obj(item, 'view', path);
      if (!o) return;
      c.url(o, 'url', `${path}.view`, 2048);
      c.str(o, 'content', `${path}.view`, { max: 1024 });
      return;
    }
    case 'miniprogram': {
      const o = c.obj(item, 'miniprogram', path);
      if (!o) return;
      c.str(o, 'appid', `${path}.miniprogram`, { max: 32 });
      c.str(o, 'pagepath', `${path}.miniprogram`, { max: 1024 });
      c.str(o, 'content', `${path}.miniprogram`, { max: 1024 });
      return;
    }
    case 'text': {
      const o = c.obj(item, 'text', path);
      if (!o) return;
      c.str(o, 'content', `${path}.text`, { max: MENU_TEXT_ITEM_MAX_BYTES });
      const nl = o.no_newline;
      if (nl !== undefined && nl !== 0 && nl !== 1)
        c.add(ERR.invalidParam, `${path}.text.no_newline`, `${path}.text.no_newline must be 0 or 1`);
      return;
    }
    default:
      c.add(
        95009,
        `${path}.type`,
        `${path}.type must be one of click, view, miniprogram, text (got ${JSON.stringify(type)})`,
      );
  }
}

function checkContent(c: Checker, body: JsonObject, msgtype: string): void {
  const p = c.obj(body, msgtype, '');
  if (!p) return;
  switch (msgtype) {
    case 'text':
      // §5: empty → 44004; too long → 45002. Limits are UTF-8 bytes, not characters (§9.10).
      if (typeof p.content === 'string' && p.content.length === 0) {
        c.add(ERR.emptyText, 'text.content', 'text.content is empty');
      } else {
        c.str(p, 'content', 'text', { max: TEXT_MAX_BYTES, errcode: ERR.textTooLong });
      }
      return;
    case 'image':
    case 'voice':
    case 'video':
    case 'file':
      c.str(p, 'media_id', msgtype);
      return;
    case 'link':
      c.str(p, 'title', 'link', { max: 128, truncates: true });
      c.str(p, 'desc', 'link', { max: 512, truncates: true, optional: true });
      c.url(p, 'url', 'link', 2048);
      c.str(p, 'thumb_media_id', 'link');
      return;
    case 'miniprogram':
      c.str(p, 'appid', 'miniprogram', { max: 32 });
      c.str(p, 'title', 'miniprogram', { max: 64, truncates: true, optional: true });
      c.str(p, 'thumb_media_id', 'miniprogram');
      c.str(p, 'pagepath', 'miniprogram', { max: 1024 });
      return;
    case 'msgmenu': {
      c.str(p, 'head_content', 'msgmenu', { max: MENU_HEAD_TAIL_MAX_BYTES, optional: true });
      c.str(p, 'tail_content', 'msgmenu', { max: MENU_HEAD_TAIL_MAX_BYTES, optional: true });
      const list = p.list;
      if (!Array.isArray(list)) {
        c.add(ERR.invalidParam, 'msgmenu.list', 'msgmenu.list is required and must be an array');
        return;
      }
      if (list.length > MENU_MAX_ITEMS) {
        c.add(
          95008,
          'msgmenu.list',
          `msgmenu.list has ${list.length} items; a menu holds at most ${MENU_MAX_ITEMS}`,
        );
      }
      list.forEach((item, i) => {
        checkMenuItem(c, item, `msgmenu.list[${i}]`);
      });
      return;
    }
    case 'location':
      c.str(p, 'name', 'location', { optional: true });
      c.str(p, 'address', 'location', { optional: true });
      c.num(p, 'latitude', 'location', -90, 90);
      c.num(p, 'longitude', 'location', -180, 180);
      return;
    case 'ca_link':
      c.url(p, 'link_url', 'ca_link', 2048);
      return;
    case 'business_card':
      c.str(p, 'userid', 'business_card');
      return;
  }
}

function checkMsgid(c: Checker, body: JsonObject): void {
  if (body.msgid === undefined) return;
  const v = body.msgid;
  // §9.12: never send "msgid": "" — omit the key instead.
  if (typeof v !== 'string' || !MSGID_PATTERN.test(v) || byteLength(v) > MSGID_MAX_BYTES) {
    c.add(
      ERR.invalidParam,
      'msgid',
      `msgid must be 1-${MSGID_MAX_BYTES} characters of [0-9a-zA-Z_-] (or left out)`,
    );
  }
}

function checkMsgtype(c: Checker, body: JsonObject, allowed: readonly string[]): string | undefined {
  const t = body.msgtype;
  if (typeof t !== 'string' || !allowed.includes(t)) {
    c.add(
      ERR.invalidMsgtype,
      'msgtype',
      `msgtype must be one of ${allowed.join(', ')} (got ${JSON.stringify(t)})`,
    );
    return undefined;
  }
  return t;
}

/** Checks a kf/send_msg body. Returns every problem found, errors and truncations alike. */
export function checkSendMsg(body: unknown): SendProblem[] {
  const c = new Checker();
  if (!isObject(body)) {
    c.add(ERR.invalidParam, '', 'the request body must be a JSON object');
    return c.problems;
  }
  c.str(body, 'touser', '');
  c.str(body, 'open_kfid', '');
  checkMsgid(c, body);
  const t = checkMsgtype(c, body, SEND_MSGTYPES);
  if (t) checkContent(c, body, t);
  return c.problems;
}

/** Checks a kf/send_msg_on_event body (§6: a code, and text or msgmenu only). */
export function checkSendMsgOnEvent(body: unknown): SendProblem[] {
  const c = new Checker();
  if (!isObject(body)) {
    c.add(ERR.invalidParam, '', 'the request body must be a JSON object');
    return c.problems;
  }
  c.str(body, 'code', '');
  checkMsgid(c, body);
  const t = checkMsgtype(c, body, EVENT_MSGTYPES);
  if (t) checkContent(c, body, t);
  return c.problems;
}

/** Checks only the content part ({msgtype, <payload>}), as rules validation needs. */
export function checkSendContent(
  content: unknown,
  on: 'send_msg' | 'send_msg_on_event' = 'send_msg',
): SendProblem[] {
  const c = new Checker();
  if (!isObject(content)) {
    c.add(ERR.invalidParam, '', 'the content must be an object');
    return c.problems;
  }
  const t = checkMsgtype(c, content, on === 'send_msg' ? SEND_MSGTYPES : EVENT_MSGTYPES);
  if (t) checkContent(c, content, t);
  return c.problems;
}

export function errorsOnly(problems: readonly SendProblem[]): SendProblem[] {
  return problems.filter((p) => p.severity === 'error');
}
