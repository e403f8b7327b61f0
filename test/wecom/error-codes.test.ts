/**
 * The error-code table of the fact sheet (shared/wecom-kf.md §8), row by row: kfbot knows every
 * code the sheet lists, says what it means to the operator, and retries exactly the ones the
 * sheet says a retry can help.
 */
import { describe, expect, it } from 'vitest';
import { WeComApiError } from '../../src/wecom/api-errors.ts';
import { errcodeAction, errcodeInfo } from '../../src/wecom/error-codes.ts';

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

describe('§8 error codes', () => {
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
