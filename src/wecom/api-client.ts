/**
 * The transport for every WeCom API call: access token in the URL (§8 41001), JSON in and out,
 * token refresh and one retry on 40014/42001 (§1), bounded backoff with jitter on transient
 * failures (§8: -1, 45033, HTTP 5xx, timeouts, connection errors), and nothing else retried.
 * The undici dispatcher is passed in, so tests point it at the WeCom simulator on loopback.
 */
import type { Logger } from 'pino';
import type { Agent, Dispatcher, FormData } from 'undici';
import { AccessToken, type TokenStore, tokenCacheKey } from './access-token.ts';
import type { ApiBudget } from './api-budget.ts';
import { DeadlineMissedError, WeComApiError, WeComHttpError } from './api-errors.ts';
import { currentAttemptGuard, guardedDispatcher } from './attempt-guard.ts';
import { errcodeAction } from './error-codes.ts';
import { isObject, type JsonObject } from './json-reader.ts';
import { redactSecrets } from './redact-secrets.ts';
import { backoffDelay, DEFAULT_RETRY_POLICY, type RetryPolicy, sleep } from './retry-policy.ts';
import { undici } from './undici.ts';

export const WECOM_API_BASE = 'https://qyapi.weixin.qq.com';

/** gettoken refusals of the credentials themselves (§1): invalid secret, corp id, or another corp's secret. */
const CREDENTIAL_ERRCODES: ReadonlySet<number> = new Set([40001, 40013, 40091]);
/** How long kfbot waits before asking gettoken again after such a refusal. */
const CREDENTIAL_PAUSE_MS = 60_000;

/**
 * The dispatcher guarded requests go through when none is passed in: this undici's own, because
 * the process-wide default may belong to Node's bundled undici (whoever called fetch() first sets
 * it), whose older handler interface the attempt guard's interceptor does not speak. Made with
 * the first call, when undici is loaded.
 */
let guardedAgent: Agent | undefined;

function sharedAgent(AgentClass: typeof Agent): Agent {
  guardedAgent ??= new AgentClass();
  return guardedAgent;
}

export interface WeComClientOptions {
  corpId: string;
  secret: string;
  /** Default the real WeCom API; the sandbox points it at the built-in simulator. */
  baseUrl?: string;
  dispatcher?: Dispatcher;
  /** Whole-request timeout. Default 10 s. */
  timeoutMs?: number;
  retry?: Partial<RetryPolicy>;
  tokenStore?: TokenStore;
  now?: () => number;
  random?: () => number;
  sleep?: (ms: number) => Promise<void>;
  logger?: Logger;
  /** Sent as User-Agent; kfbot names the process there so a request can be traced to its replica. */
  userAgent?: string;
  /** The per-API frequency budget taken before every attempt (api-budget.ts). */
  budget?: ApiBudget;
  /**
   * How long an API answered 45009 is paused: the shortest limit window (WeCom blocks for the
   * window, §3). Default 60 s. A 45033 pauses it for a second.
   */
  rateLimitPauseMs?: number;
  /** Told of every 45009/45033 (kfbot counts them). */
  onRateLimited?: (event: { method: string; errcode: number; pauseMs: number }) => void;
}

export interface CallOptions {
  /**
   * Whether the request may be sent again after a timeout or a lost connection, when it is not
   * known whether WeCom acted on it. False for a send without a client msgid: a second attempt
   * could deliver the message twice (§9.12).
   */
  retryUnknownOutcome?: boolean;
  /**
   * The errcode with which WeCom refuses a repeat of this request (a reused client msgid, a used
   * event code). Seen after a retry whose first attempt had an unknown outcome, it means success.
   */
  duplicateAfterUnknown?: number;
  query?: Record<string, string>;
  /**
   * Epoch ms after which the call is useless (a welcome_code's 20 s): if the budget has no room
   * before then, DeadlineMissedError is thrown and nothing is sent. Earlier deadlines wait less.
   */
  deadline?: number;
}

type Body = { kind: 'json'; value: unknown } | { kind: 'form'; value: FormData };

export type ApiResponse = JsonObject & { errcode: number; errmsg: string };

export class WeComClient {
  readonly baseUrl: string;
  private readonly token: AccessToken;
  private readonly retry: RetryPolicy;
  private readonly timeoutMs: number;
  private readonly random: () => number;
  private readonly sleep: (ms: number) => Promise<void>;

  constructor(private readonly options: WeComClientOptions) {
    this.baseUrl = (options.baseUrl ?? WECOM_API_BASE).replace(/\/+$/, '');
    this.retry = { ...DEFAULT_RETRY_POLICY, ...options.retry };
    this.timeoutMs = options.timeoutMs ?? 10_000;
    this.random = options.random ?? Math.random;
    this.sleep = options.sleep ?? sleep;
    this.token = new AccessToken({
      key: tokenCacheKey(options.corpId, options.secret),
      fetch: () => this.fetchToken(),
      // §1: "if an app's secret is wrong many times during gettoken, that IP is banned for one
      // hour". A refused secret or corp id does not fix itself: every caller for the next minute
      // gets the same error without another gettoken.
      pauseAfterFailure: (err) =>
        err instanceof WeComApiError && CREDENTIAL_ERRCODES.has(err.errcode) ? CREDENTIAL_PAUSE_MS : 0,
      ...(options.tokenStore && { store: options.tokenStore }),
      ...(options.now && { now: options.now }),
    });
  }

  /** POSTs `body` as JSON to `/cgi-bin/<method>` and returns the answer when errcode is 0. */
  post<T extends object = JsonObject>(
    method: string,
    body: unknown,
    options: CallOptions = {},
  ): Promise<T & ApiResponse> {
    return this.callWithToken(method, { kind: 'json', value: body }, options) as Promise<T & ApiResponse>;
  }

  /** POSTs a multipart form (media/upload). */
  postForm<T extends object = JsonObject>(
    method: string,
    form: FormData,
    options: CallOptions = {},
  ): Promise<T & ApiResponse> {
    return this.callWithToken(method, { kind: 'form', value: form }, options) as Promise<T & ApiResponse>;
  }

  private async callWithToken(method: string, body: Body, options: CallOptions): Promise<ApiResponse> {
    let refreshed = false;
    for (;;) {
      const token = await this.token.get();
      try {
        return await this.withRetries(method, options, async () => {
          await this.takeBudget(method, options.deadline);
          return this.send(method, 'POST', { ...options.query, access_token: token }, body);
        });
      } catch (err) {
        // §1: WeCom may invalidate a token before it expires. Refresh once, then give up.
        if (err instanceof WeComApiError && errcodeAction(err.errcode) === 'refresh-token' && !refreshed) {
          refreshed = true;
          this.options.logger?.info(
            { method, errcode: err.errcode },
            'access token rejected; fetching a new one',
          );
          await this.token.invalidate(token);
          continue;
        }
        throw err;
      }
    }
  }

  private async fetchToken(): Promise<{ token: string; expiresInSec: number }> {
    // Unguarded: a token acts for no account, and concurrent callers share this fetch (§9.13),
    // so one caller's lost lease must not fail the others' token.
    const res = await this.withRetries('gettoken', { retryUnknownOutcome: true }, async () => {
      await this.takeBudget('gettoken', undefined);
      return this.send(
        'gettoken',
        'GET',
        { corpid: this.options.corpId, corpsecret: this.options.secret },
        undefined,
        false,
      );
    });
    const token = res.access_token;
    const expiresIn = res.expires_in;
    if (typeof token !== 'string' || token === '' || typeof expiresIn !== 'number') {
      throw new WeComHttpError('gettoken', 'bad-response', 'the answer has no access_token/expires_in');
    }
    return { token, expiresInSec: expiresIn };
  }

  /** Waits for room in the budget; a call that cannot have it before its deadline is not made. */
  private async takeBudget(method: string, deadline: number | undefined): Promise<void> {
    const budget = this.options.budget;
    if (budget && !(await budget.take(method, deadline))) {
      throw new DeadlineMissedError(method, deadline ?? 0);
    }
  }

  /**
   * 45009/45033: the call was not performed. Pause the API for every caller sharing the budget
   * (the block lasts the limit's window) and keep the work: the next attempt waits for the pause.
   */
  private async pauseRateLimited(method: string, err: WeComApiError): Promise<void> {
    const budget = this.options.budget as ApiBudget;
    const pauseMs =
      err.errcode === 45009
        ? (this.options.rateLimitPauseMs ?? 60_000)
        : 500 + Math.round(this.random() * 1000);
    await budget.pause(method, (this.options.now ?? Date.now)() + pauseMs);
    this.options.onRateLimited?.({ method, errcode: err.errcode, pauseMs });
    this.options.logger?.warn(
      { method, errcode: err.errcode, pauseMs, remedy: err.remedy },
      err.errcode === 45009
        ? `WeCom blocked ${method} (45009, frequency limit): kfbot holds ${method} calls for ${Math.round(pauseMs / 1000)} s and keeps the work`
        : `WeCom refused ${method} (45033, too many concurrent calls): kfbot holds ${method} calls briefly and keeps the work`,
    );
  }

  private async withRetries(
    method: string,
    options: CallOptions,
    attempt: () => Promise<ApiResponse>,
  ): Promise<ApiResponse> {
    let earlierUnknown = false;
    for (let tries = 1; ; tries++) {
      try {
        return await attempt();
      } catch (err) {
        if (err instanceof WeComApiError && err.rateLimited && this.options.budget) {
          await this.pauseRateLimited(method, err);
          tries--; // not a failure of the call: it waits for the platform, however long
          continue;
        }
        // §9.12: after an attempt whose outcome is unknown, WeCom refusing the repeat as a
        // duplicate means the earlier attempt was delivered.
        if (earlierUnknown && err instanceof WeComApiError && err.errcode === options.duplicateAfterUnknown) {
          this.options.logger?.info(
            { method, errcode: err.errcode },
            `${method}: an earlier attempt was delivered`,
          );
          return { errcode: 0, errmsg: 'ok', deliveredEarlier: true };
        }
        const unknownOutcome = err instanceof WeComHttpError && err.failure !== 'http-status';
        if (unknownOutcome) earlierUnknown = true;
        const retryable =
          (err instanceof WeComApiError || err instanceof WeComHttpError) &&
          err.retryable &&
          (!unknownOutcome || options.retryUnknownOutcome !== false);
        if (!retryable || tries >= this.retry.maxAttempts) throw err;
        const delay = backoffDelay(tries, this.retry, this.random);
        this.options.logger?.warn(
          { method, attempt: tries, retryInMs: delay, error: describe(err) },
          `${method} failed; retrying`,
        );
        await this.sleep(delay);
      }
    }
  }

  private async send(
    method: string,
    httpMethod: 'GET' | 'POST',
    query: Record<string, string>,
    body?: Body,
    guarded = true,
  ): Promise<ApiResponse> {
    const url = `${this.baseUrl}/cgi-bin/${method}?${new URLSearchParams(query).toString()}`;
    const { Agent, request } = await undici();
    const started = performance.now();
    // The caller's attempt guard (a pull's lease), checked as undici writes this very attempt.
    const guard = guarded ? currentAttemptGuard() : undefined;
    let refusal: { err: unknown } | undefined;
    const base = this.options.dispatcher ?? sharedAgent(Agent);
    const dispatcher = guard
      ? guardedDispatcher(base, guard, (err) => {
          refusal = { err };
        })
      : this.options.dispatcher;
    let status: number;
    let text: string;
    try {
      const res = await request(url, {
        method: httpMethod,
        ...(dispatcher && { dispatcher }),
        signal: AbortSignal.timeout(this.timeoutMs),
        headers: {
          'user-agent': this.options.userAgent ?? 'kfbot',
          ...(body?.kind === 'json' && { 'content-type': 'application/json' }),
        },
        ...(body?.kind === 'json' && { body: JSON.stringify(body.value) }),
        ...(body?.kind === 'form' && { body: body.value }),
      });
      status = res.statusCode;
      text = await res.body.text();
    } catch (err) {
      if (refusal) throw refusal.err; // not sent: the guard's own error, for the caller
      const timeout = isTimeout(err);
      throw new WeComHttpError(
        method,
        timeout ? 'timeout' : 'connection',
        timeout ? `no answer within ${this.timeoutMs} ms` : redactSecrets(errorText(err)),
        undefined,
        { cause: err },
      );
    }
    const ms = Math.round(performance.now() - started);
    if (status !== 200) {
      this.options.logger?.debug({ method, status, ms }, 'wecom call answered with an HTTP error');
      throw new WeComHttpError(method, 'http-status', `HTTP ${status}`, status);
    }
    const parsed = parseJson(text);
    if (!isObject(parsed) || typeof parsed.errcode !== 'number') {
      // gettoken and a few others omit errcode on success in some versions; accept a token answer.
      if (isObject(parsed) && parsed.errcode === undefined && typeof parsed.access_token === 'string') {
        return { ...parsed, errcode: 0, errmsg: 'ok' };
      }
      throw new WeComHttpError(
        method,
        'bad-response',
        'the answer is not WeCom JSON with an errcode',
        status,
      );
    }
    const errcode = parsed.errcode;
    const errmsg = typeof parsed.errmsg === 'string' ? parsed.errmsg : '';
    this.options.logger?.debug({ method, errcode, ms }, 'wecom call');
    if (errcode !== 0) throw new WeComApiError(method, errcode, redactSecrets(errmsg));
    return { ...parsed, errcode, errmsg };
  }
}

function parseJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}

function isTimeout(err: unknown): boolean {
  if (!(err instanceof Error)) return false;
  return (
    err.name === 'TimeoutError' ||
    err.name === 'AbortError' ||
    ('code' in err && (err.code === 'UND_ERR_HEADERS_TIMEOUT' || err.code === 'UND_ERR_BODY_TIMEOUT'))
  );
}

function errorText(err: unknown): string {
  if (!(err instanceof Error)) return String(err);
  const code = 'code' in err && typeof err.code === 'string' ? `${err.code}: ` : '';
  return `${code}${err.message}`;
}

function describe(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}
