/**
 * Console sessions without server-side state, so every replica behind a load balancer accepts the
 * same cookie: the cookie is `<expires>.<nonce>.<mac>`, an HMAC under a key derived from the
 * password (changing the password signs everyone out). The CSRF token is a second HMAC of the
 * cookie, so it needs no storage either and is worthless without the cookie it belongs to.
 * Signing out is the one thing kept: a hash of the cookie's nonce goes to the store every replica
 * shares (signed-out-sessions.ts) until the cookie would have expired anyway, so a cookie signed
 * out on one replica is refused by all of them.
 */
import { createHash, createHmac, randomBytes, timingSafeEqual } from 'node:crypto';
import type { SignedOutSessions } from '../store/signed-out-sessions.ts';

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

/** What the store keeps of a signed-out cookie: a hash of its nonce, which alone signs nobody in. */
const signedOutId = (nonce: string) => createHash('sha256').update(`signed out:${nonce}`).digest('base64url');

export class ConsoleSessions {
  readonly #key: Buffer;

  /**
   * `secret`: the password, or for the open sandbox console random bytes of this process;
   * `signedOut`: the store's list of signed-out sessions, shared by every replica.
   */
  constructor(
    secret: string,
    private readonly now: () => number,
    private readonly signedOut: SignedOutSessions,
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

  /** The session the cookie names, if it is ours, unexpired and not signed out on any replica. */
  async verify(id: string | undefined): Promise<ConsoleSession | undefined> {
    if (!id) return undefined;
    const parts = id.split('.');
    if (parts.length !== 3) return undefined;
    const [expires, nonce, mac] = parts as [string, string, string];
    if (!sameSecret(mac, this.#mac(`${expires}.${nonce}`))) return undefined;
    const expiresAt = Number(expires);
    if (!Number.isFinite(expiresAt) || expiresAt <= this.now()) return undefined;
    if (await this.signedOut.isSignedOut(signedOutId(nonce), this.now())) return undefined;
    return { id, expiresAt, csrf: this.#mac(`csrf:${id}`) };
  }

  /** Signs out: this cookie is refused from now on, by every replica sharing the store. */
  async revoke(session: ConsoleSession): Promise<void> {
    await this.signedOut.signOutSession(signedOutId(session.id.split('.')[1] as string), session.expiresAt);
  }

  /** Whether `token` is the CSRF token of `session`. */
  csrfMatches(session: ConsoleSession, token: string | undefined): boolean {
    return token !== undefined && sameSecret(token, session.csrf);
  }
}
