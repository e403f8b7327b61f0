/**
 * WeCom-shaped errmsg text: a short reason, then `hint: [...]`, the caller's IP and the lookup
 * link, as the real API writes them. Programs must branch on errcode, never on errmsg (§8), so the
 * simulator adds the offending field to the reason for humans reading logs.
 */
import type { IdFactory } from '../random-ids.ts';

const REASONS: Readonly<Record<number, string>> = {
  [-1]: 'system busy',
  40001: 'invalid credential, secret is invalid',
  40004: 'invalid media type',
  40005: 'invalid type param',
  40006: 'invalid file size',
  40007: 'invalid media_id',
  40008: 'invalid message type',
  40009: 'invalid image size',
  40011: 'invalid video size',
  40013: 'invalid corpid',
  40014: 'invalid access_token',
  40058: 'invalid parameter',
  41001: 'access_token missing',
  42001: 'access_token expired',
  43001: 'require GET method',
  43002: 'require POST method',
  44004: 'empty content',
  45001: 'media size out of limit',
  45002: 'content size out of limit',
  45009: 'api freq out of limit',
  45033: 'api concurrent out of limit',
  48002: 'api forbidden',
  60020: 'not allow to access from your ip',
  95000: 'invalid open_kfid',
  95001: 'send msg count limit',
  95002: 'send msg time limit',
  95007: 'invalid msg token',
  95008: 'msgmenu list too long',
  95009: 'invalid msgmenu item type',
  95014: 'invalid servicer userid',
  95016: 'invalid service state change',
  95018: 'send msg session status invalid',
};

/** `reason` replaces the standard text for the code (e.g. the bad-JSON warning, §8). */
export function errmsgFor(
  ids: IdFactory,
  errcode: number,
  detail?: string,
  reason = REASONS[errcode] ?? 'error',
  fromIp = '127.0.0.1',
): string {
  if (errcode === 0) return 'ok';
  return (
    `${reason}${detail ? `: ${detail}` : ''}, hint: [${ids.hint()}], from ip: ${fromIp}, ` +
    `more info at https://open.work.weixin.qq.com/devtool/query?e=${errcode}`
  );
}
