/**
 * The access token for one (corp id, secret) pair (wecom-kf.md §1): cached until a safety margin
 * before `expires_in`, refreshed single-flight (one gettoken however many callers wait), and
 * dropped when the API reports it invalid (40014/42001) so the next call fetches a new one.
 *
 * The cache behind it is a `TokenStore`, so several replicas can share one token (a Redis store)
 * instead of each fetching its own and invalidating the others'.
 */
import { createHash } from 'node:crypto';

export interface CachedToken {
  token: string;
  /** Epoch ms after which the token must not be used. */
  expiresAt: number;
}

/** Where access tokens are cached; kfbot's Store is one, so the methods say what they keep. */
export interface TokenStore {
  getAccessToken(key: string): Promise<CachedToken | undefined>;
  putAccessToken(key: string, value: CachedToken): Promise<void>;
  /** Removes the entry only if it still holds `token` (another caller may have refreshed it). */
  deleteAccessTokenIfMatches(key: string, token: string): Promise<void>;
  /**
   * For a store shared by several processes: lets one of them refresh at a time. Returns false
   * while another holds the refresh, which the caller then waits out.
   */
  acquireAccessTokenRefresh?(key: string, ttlMs: number): Promise<boolean>;
  releaseAccessTokenRefresh?(key: string): Promise<void>;
}

export class MemoryTokenStore implements TokenStore {
  private readonly entries = new Map<string, CachedToken>();

  async getAccessToken(key: string): Promise<CachedToken | undefined> {
    return this.entries.get(key);
  }

  async putAccessToken(key: string, value: CachedToken): Promise<void> {
    this.entries.set(key, value);
  }

  async deleteAccessTokenIfMatches(key: string, token: string): Promise<void> {
    if (this.entries.get(key)?.token === token) this.entries.delete(key);
  }
}

/**
 * The cache key for a (corp id, secret) pair: a hash, so that the secret itself is never written
 * to a store (a Redis key is visible to anyone with access to the Redis).
 */
export function tokenCacheKey(corpId: string, secret: string): string {
  return `wecom-token:${createHash('sha256').update(`${corpId}\0${secret}`).digest('hex').slice(0, 32)}`;
}

export interface FetchedToken {
  token: string;
  expiresInSec: number;
}

export interface AccessTokenOptions {
  key: string;
  fetch: () => Promise<FetchedToken>;
  store?: TokenStore;
  now?: () => number;
  /** Refresh this long before the platform's expiry. Default 5 minutes of the usual 7200 s. */
  marginMs?: number;
  /**
   * How long a failed fetch is answered from memory instead of asking again (0: ask again at
   * once). kfbot pauses after WeCom refused the credentials themselves (api-client.ts).
   */
  pauseAfterFailure?: (err: unknown) => number;
}

export class AccessToken {
  private readonly store: TokenStore;
  private readonly now: () => number;
  private readonly marginMs: number;
  private inflight: Promise<string> | undefined;
  /** A fetch failure still being answered from memory, and until when (epoch ms). */
  private refused: { error: unknown; until: number } | undefined;

  constructor(private readonly options: AccessTokenOptions) {
    this.store = options.store ?? new MemoryTokenStore();
    this.now = options.now ?? Date.now;
    this.marginMs = options.marginMs ?? 5 * 60_000;
  }

  /** A token believed valid: the cached one, or a fresh one fetched once for all waiting callers. */
  async get(): Promise<string> {
    const cached = await this.store.getAccessToken(this.options.key);
    if (cached && cached.expiresAt > this.now()) return cached.token;
    if (this.refused && this.refused.until > this.now()) throw this.refused.error;
    return this.refresh();
  }

  /** Forgets `token` because the API rejected it (§1: WeCom may invalidate a token early). */
  async invalidate(token: string): Promise<void> {
    await this.store.deleteAccessTokenIfMatches(this.options.key, token);
  }

  private refresh(): Promise<string> {
    this.inflight ??= (async () => {
      const { key } = this.options;
      let locked = false;
      try {
        if (this.store.acquireAccessTokenRefresh) {
          locked = await this.store.acquireAccessTokenRefresh(key, REFRESH_LOCK_MS);
          if (!locked) {
            // Another process is fetching: use its token when it lands in the shared cache.
            const theirs = await this.waitForOther();
            if (theirs) return theirs;
          }
        }
        let fetched: FetchedToken;
        try {
          fetched = await this.options.fetch();
        } catch (err) {
          const pauseMs = this.options.pauseAfterFailure?.(err) ?? 0;
          if (pauseMs > 0) this.refused = { error: err, until: this.now() + pauseMs };
          throw err;
        }
        this.refused = undefined;
        const { token, expiresInSec } = fetched;
        // Never cache for less than a minute even if expires_in is tiny, nor past the real expiry.
        const lifetimeMs = Math.max(
          expiresInSec * 1000 - this.marginMs,
          Math.min(60_000, expiresInSec * 500),
        );
        await this.store.putAccessToken(key, { token, expiresAt: this.now() + lifetimeMs });
        return token;
      } finally {
        if (locked) await this.store.releaseAccessTokenRefresh?.(key).catch(() => {});
        this.inflight = undefined;
      }
    })();
    return this.inflight;
  }

  private async waitForOther(): Promise<string | undefined> {
    const deadline = Date.now() + REFRESH_LOCK_MS;
    while (Date.now() < deadline) {
      await new Promise((r) => setTimeout(r, 50));
      const cached = await this.store.getAccessToken(this.options.key);
      if (cached && cached.expiresAt > this.now()) return cached.token;
    }
    return undefined;
  }
}

/** How long one process may hold the shared refresh before others fetch for themselves. */
const REFRESH_LOCK_MS = 5_000;
