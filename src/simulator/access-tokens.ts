/**
 * access_tokens issued by gettoken (wecom-kf.md §1): each call issues a new token (the current doc
 * no longer promises the same one within validity, so clients must cope with either), earlier
 * ones stay valid until they expire, and WeCom "may invalidate a token before it expires".
 */
export type TokenCheck =
  | { ok: true; secret: string }
  /** §8: 40014 invalid (unknown or invalidated early) · 42001 expired. */
  | { ok: false; errcode: 40014 | 42001 };

interface IssuedToken {
  readonly secret: string;
  readonly expiresAt: number;
  revoked: boolean;
}

export class AccessTokenBook {
  readonly #tokens = new Map<string, IssuedToken>();

  constructor(private readonly newToken: () => string) {}

  issue(secret: string, now: number, ttlSeconds: number): string {
    const token = this.newToken();
    this.#tokens.set(token, { secret, expiresAt: now + ttlSeconds * 1000, revoked: false });
    return token;
  }

  check(token: string, now: number): TokenCheck {
    const issued = this.#tokens.get(token);
    if (issued === undefined || issued.revoked) return { ok: false, errcode: 40014 };
    if (now >= issued.expiresAt) return { ok: false, errcode: 42001 };
    return { ok: true, secret: issued.secret };
  }

  /** §1: "WeCom may invalidate a token before it expires". Returns how many live tokens were revoked. */
  revokeAll(): number {
    let n = 0;
    for (const t of this.#tokens.values()) {
      if (!t.revoked) n++;
      t.revoked = true;
    }
    return n;
  }

  /** How many tokens gettoken has issued (tests check that clients cache them, §1). */
  /** Every token issued so far (tests check that none of them ever reaches a log line). */
  get issued(): string[] {
    return [...this.#tokens.keys()];
  }

  get issuedCount(): number {
    return this.#tokens.size;
  }
}
