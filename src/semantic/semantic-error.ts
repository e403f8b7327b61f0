/**
 * Why asking the embeddings (or chat) endpoint failed, with a stable `code` callers switch on
 * (undici's style) and a message that tells the operator what to fix. Never holds the key.
 */
export type SemanticErrorCode =
  /** The deadline passed before an answer came. */
  | 'timeout'
  /** The request failed: refused connection, reset, DNS. */
  | 'network'
  /** The endpoint answered and said no (4xx/5xx other than 429). */
  | 'api'
  /** 429, and the Retry-After it asked for does not fit in the deadline. */
  | 'rate-limited'
  /** The answer is not the OpenAI embeddings shape: missing rows, duplicate index, not numbers. */
  | 'bad-answer'
  /** The vectors are not the size asked for, or not all the same size. */
  | 'dimensions'
  /** The circuit breaker is open after repeated failures: not asked at all. */
  | 'circuit-open';

export class SemanticError extends Error {
  readonly code: SemanticErrorCode;
  readonly status: number | undefined;
  constructor(code: SemanticErrorCode, message: string, opts: { status?: number; cause?: unknown } = {}) {
    super(message, opts.cause === undefined ? undefined : { cause: opts.cause });
    this.name = 'SemanticError';
    this.code = code;
    this.status = opts.status;
  }
}
