/**
 * The two ways a WeCom API call fails, split on the line that matters to callers (grammY's
 * GrammyError / HttpError): the API answered and said no (`WeComApiError`, with its errcode), or
 * the request failed before an answer (`WeComHttpError`, with its cause). Neither ever carries the
 * secret or an access token: messages are built from the method name and the errcode only.
 */
import { errcodeInfo, RATE_LIMIT_ERRCODES } from './error-codes.ts';
import type { SendProblem } from './send-limits.ts';

export class WeComApiError extends Error {
  override readonly name = 'WeComApiError';
  readonly code = 'WECOM_API_ERROR';
  /** A retry with backoff can help (-1, 45033, …). Token errors are retried inside the client. */
  readonly retryable: boolean;
  /** 45009/45033: the platform's limits refused the call; it was not performed (§3, §8). */
  readonly rateLimited: boolean;
  readonly remedy: string | undefined;
  /** The app's setup refuses every call alike; fixed in the admin console (error-codes.ts). */
  readonly appWide: boolean;

  constructor(
    /** API path without the /cgi-bin/ prefix, e.g. `kf/send_msg`. */
    readonly method: string,
    readonly errcode: number,
    readonly errmsg: string,
  ) {
    const info = errcodeInfo(errcode);
    const meaning = info ? ` (${info.meaning})` : '';
    const remedy = info?.remedy ? `: ${info.remedy}` : '';
    super(`${method} failed with errcode ${errcode}${meaning}${remedy}`);
    this.retryable = info?.action === 'backoff';
    this.rateLimited = RATE_LIMIT_ERRCODES.has(errcode);
    this.remedy = info?.remedy;
    this.appWide = info?.appWide === true;
  }
}

/**
 * A call with a deadline (a welcome_code or closing msg_code, valid 20 s, §6) that could not get
 * a place in the API budget in time. It was never sent: nothing was spent.
 */
export class DeadlineMissedError extends Error {
  override readonly name = 'DeadlineMissedError';
  readonly code = 'DEADLINE_MISSED';
  constructor(
    readonly method: string,
    readonly deadline: number,
  ) {
    super(`${method} not sent: the API budget had no room before its code expired`);
  }
}

export type HttpFailure =
  | 'timeout' // no complete answer within the client timeout
  | 'connection' // refused, reset, DNS, TLS
  | 'http-status' // an HTTP status other than 200
  | 'bad-response'; // 200 but not the JSON WeCom sends

export class WeComHttpError extends Error {
  override readonly name = 'WeComHttpError';
  readonly code = 'WECOM_HTTP_ERROR';
  readonly retryable: boolean;

  constructor(
    readonly method: string,
    readonly failure: HttpFailure,
    detail: string,
    readonly status?: number,
    options?: { cause?: unknown },
  ) {
    super(`${method} request failed (${failure}): ${detail}`, options);
    // §8: system failures are worth retrying; a 4xx or a garbled body is not going to improve.
    this.retryable =
      failure === 'timeout' || failure === 'connection' || (status !== undefined && status >= 500);
  }
}

/** A send body that WeCom would reject, caught before it left kfbot (§5 limits). */
export class SendValidationError extends Error {
  override readonly name = 'SendValidationError';
  readonly code = 'SEND_INVALID';

  constructor(
    readonly method: string,
    readonly problems: readonly SendProblem[],
  ) {
    super(
      `${method} not sent: ${problems.map((p) => `${p.message} (WeCom would answer ${p.errcode})`).join('; ')}`,
    );
  }
}

export function isRetryable(err: unknown): boolean {
  return (err instanceof WeComApiError || err instanceof WeComHttpError) && err.retryable;
}
