/**
 * Console sessions signed out before they expired, shared by every replica through the store: a
 * console cookie is accepted by any replica (console-session.ts), so signing out on one must
 * refuse it on all. What is kept is a hash of the cookie's random part, never the cookie, each
 * until the cookie would have expired anyway; nothing names a person.
 */
export interface SignedOutSessions {
  /** Refuses the session `id` (a hash) until `until` (epoch ms). */
  signOutSession(id: string, until: number): Promise<void>;
  /** Whether `id` was signed out and its cookie has not expired yet at `now`. */
  isSignedOut(id: string, now: number): Promise<boolean>;
}
