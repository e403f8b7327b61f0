/**
 * Whether a WeCom refusal is worth retrying follows the "retry?" column of the fact sheet's error
 * table (wecom-kf.md §8): a pull or a send that retries a "no" waits for ever, one that gives up on
 * a "yes" drops work a retry would have done.
 */
import { describe, expect, it } from 'vitest';
import { WeComApiError } from '../../src/wecom/api-errors.ts';
import { errcodeAction, errcodeInfo } from '../../src/wecom/error-codes.ts';

/** §8 "retry? yes" (with backoff). */
const RETRY_WITH_BACKOFF = [-1, 6000, 45033];
/** §8 "refresh token, retry once": done inside the client. */
const REFRESH_TOKEN = [40014, 42001];
/** §8 "retry? no" (95007 is retried by the puller without the token, 45009 waits for its window). */
const NOT_RETRYABLE = [
  40001, 40003, 40004, 40005, 40006, 40007, 40008, 40009, 40011, 40013, 40058, 40091, 41001, 44004, 45001,
  45002, 48002, 60020, 90207, 95000, 95001, 95002, 95003, 95004, 95005, 95006, 95007, 95008, 95009, 95011,
  95012, 95013, 95014, 95016, 95017, 95018, 95019, 95022, 95026, 95027, 95030, 95031, 95032,
];
/** §8: the app's setup (secret, permission, trusted IP, API switch), fixed in the admin console. */
const APP_WIDE = [40001, 40013, 40091, 48002, 60020, 95017];

describe('the errcode table follows wecom-kf.md §8', () => {
  it.each(RETRY_WITH_BACKOFF)('%i is retried with backoff', (errcode) => {
    expect(new WeComApiError('kf/sync_msg', errcode, '').retryable).toBe(true);
  });

  it.each(REFRESH_TOKEN)('%i fetches a new access token', (errcode) => {
    expect(errcodeAction(errcode)).toBe('refresh-token');
  });

  it('45009 waits for the limit window and is not a refusal', () => {
    const err = new WeComApiError('kf/sync_msg', 45009, '');
    expect(err.rateLimited).toBe(true);
    expect(err.retryable).toBe(false);
  });

  it.each(NOT_RETRYABLE)('%i is not retried', (errcode) => {
    const err = new WeComApiError('kf/sync_msg', errcode, '');
    expect(err.retryable).toBe(false);
    expect(errcodeAction(errcode)).toBe('none');
    expect(err.appWide).toBe(APP_WIDE.includes(errcode));
  });

  it.each([95000, 95004])('%i says the account is not this corp’s and what to check', (errcode) => {
    const err = new WeComApiError('kf/sync_msg', errcode, '');
    expect(err.message).toContain('not a 客服 account of this corp');
    expect(err.message).toContain('WECOM_CORP_ID');
  });
});

/** §8 "retry?" column: yes (backoff), refresh the token once, wait for the window, or no. */
const SHEET: Record<number, 'backoff' | 'refresh-token' | 'rate-limited' | 'none'> = {
  [-1]: 'backoff',
  6000: 'backoff',
  40001: 'none',
  40003: 'none',
  40004: 'none',
  40005: 'none',
  40006: 'none',
  40007: 'none',
  40008: 'none',
  40009: 'none',
  40011: 'none',
  40013: 'none',
  40014: 'refresh-token',
  40058: 'none',
  40091: 'none',
  41001: 'none',
  42001: 'refresh-token',
  44004: 'none',
  45001: 'none',
  45002: 'none',
  45009: 'rate-limited',
  45033: 'backoff',
  48002: 'none',
  60020: 'none',
  90207: 'none',
  95000: 'none',
  95001: 'none',
  95002: 'none',
  95003: 'none',
  95004: 'none',
  95005: 'none',
  95006: 'none',
  95007: 'none',
  95008: 'none',
  95009: 'none',
  95011: 'none',
  95012: 'none',
  95013: 'none',
  95014: 'none',
  95015: 'none',
  95016: 'none',
  95017: 'none',
  95018: 'none',
  95019: 'none',
  95022: 'none',
  95023: 'none',
  95024: 'none',
  95025: 'none',
  95026: 'none',
  95027: 'none',
  95028: 'none',
  95029: 'none',
  95030: 'none',
  95031: 'none',
  95032: 'none',
};

describe('every code of §8, as an operator reads it', () => {
  it.each(Object.entries(SHEET))('knows %s and retries it as the sheet says (%s)', (code, action) => {
    const errcode = Number(code);
    expect(errcodeInfo(errcode)?.meaning).toBeTruthy();
    expect(errcodeAction(errcode)).toBe(action);
  });

  it('names the meaning in the error an operator reads, e.g. 95031', () => {
    const err = new WeComApiError('kf/send_msg', 95031, 'x');
    expect(err.message).toContain('48 h');
    expect(err.retryable).toBe(false);
  });

  it('says 95026 is about creating accounts, not the 48 h / 5-message limit (§8 ⚠)', () => {
    expect(errcodeInfo(95026)?.meaning).toMatch(/account/);
    expect(errcodeInfo(95026)?.meaning).not.toMatch(/48|5-message/);
  });
});
