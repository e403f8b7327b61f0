/**
 * Console sessions without server-side state, so every replica behind a load balancer accepts the
 * same cookie: the cookie is `<expires>.<nonce>.<mac>`, an HMAC under a key derived from the
 * password (changing the password signs everyone out). The CSRF token is a second HMAC of the
 * cookie, so it needs no storage either and is worthless without the cookie it belongs to.
 * Signing out forgets the nonce on this replica until the cookie would have expired anyway.
 */
import { createHash, createHmac, randomBytes, timingSafeEqual } from 'node:crypto';

/** A working day: a session signed in at 8:00 ends by 20:00. */
export const SESSION_TTL_MS = 12 * 3600_000;

export const SESSION_COOKIE = 'kfbot_console';

export interface ConsoleSession {
  /** The cookie's value. */
  id: string;
  expiresAt: number;
  /** What every state-changing request must carry (header x-csrf-token, or form field csrf). */
  csrf: string;
}

/** Equal strings compared in constant time: both sides are hashed first, so lengths leak nothing. */
export function sameSecret(a: string, b: string): boolean {
  const ha = createHash('sha256').update(a).digest();
  const hb = createHash('sha256').update(b).digest();
  return timingSafeEqual(ha, hb);
}

export class ConsoleSessions {
  readonly #key: Buffer;
  readonly #revoked = new Map<string, number>();

  /** `secret`: the password, or for the open sandbox console random bytes of this process. */
  constructor(
    secret: string,
    private readonly now: () => number,
  ) {
    this.#key = createHmac('sha256', 'kfbot console session v1').update(secret).digest();
  }

  #mac(text: string): string {
    return createHmac('sha256', this.#key).update(text).digest('base64url');
  }

  create(): ConsoleSession {
    const expiresAt = this.now() + SESSION_TTL_MS;
    const body = `${expiresAt}.${randomBytes(16).toString('base64url')}`;
    const id = `${body}.${this.#mac(body)}`;
    return { id, expiresAt, csrf: this.#mac(`csrf:${id}`) };
  }

  /** The session the cookie names, if it is ours, unexpired and not signed out. */
  verify(id: string | undefined): ConsoleSession | undefined {
    if (!id) return undefined;
    const parts = id.split('.');
    if (parts.length !== 3) return undefined;
    const [expires, nonce, mac] = parts as [string, string, string];
    if (!sameSecret(mac, this.#mac(`${expires}.${nonce}`))) return undefined;
    const expiresAt = Number(expires);
    if (!Number.isFinite(expiresAt) || expiresAt <= this.now()) return undefined;
    if (this.#revoked.has(nonce)) return undefined;
    return { id, expiresAt, csrf: this.#mac(`csrf:${id}`) };
  }

  /** Signs out: this cookie is refused from now on (on this replica). */
  revoke(session: ConsoleSession): void {
    const now = this.now();
    for (const [nonce, until] of this.#revoked) if (until <= now) this.#revoked.delete(nonce);
    this.#revoked.set(session.id.split('.')[1] as string, session.expiresAt);
  }

  /** Whether `token` is the CSRF token of `session`. */
  csrfMatches(session: ConsoleSession, token: string | undefined): boolean {
    return token !== undefined && sameSecret(token, session.csrf);
  }
}
