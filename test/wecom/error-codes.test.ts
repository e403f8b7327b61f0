/**
 * Whether a WeCom refusal is worth retrying follows the "retry?" column of the fact sheet's error
 * table (wecom-kf.md §8): a pull or a send that retries a "no" waits for ever, one that gives up on
 * a "yes" drops work a retry would have done.
 */
import { describe, expect, it } from 'vitest';
import { WeComApiError } from '../../src/wecom/api-errors.ts';
import { errcodeAction } from '../../src/wecom/error-codes.ts';

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
