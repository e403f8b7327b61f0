/**
 * The `Token` carried by each callback (wecom-kf.md §2.1): it authorises sync_msg pulls for its
 * KF account and is "valid 10 minutes" (§3). A token for another account, an expired one or a
 * made-up one is "invalid msgtoken", 95007 (§8).
 */
import { MINUTE } from './clock.ts';

export const CALLBACK_TOKEN_TTL_MS = 10 * MINUTE;

interface IssuedCallbackToken {
  readonly openKfId: string;
  readonly expiresAt: number;
}

export class CallbackTokenBook {
  readonly #tokens = new Map<string, IssuedCallbackToken>();

  constructor(private readonly newToken: () => string) {}

  issue(openKfId: string, now: number): string {
    const token = this.newToken();
    this.#tokens.set(token, { openKfId, expiresAt: now + CALLBACK_TOKEN_TTL_MS });
    return token;
  }

  isValid(token: string, openKfId: string, now: number): boolean {
    const t = this.#tokens.get(token);
    return t !== undefined && t.openKfId === openKfId && now < t.expiresAt;
  }
}
