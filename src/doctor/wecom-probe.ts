/**
 * The raw WeCom calls doctor makes: one gettoken and one kf/account/list, with no retry and no
 * token refresh (the WeComClient does both, which would hide the very errcode doctor must name).
 * Also keeps WeCom's Date header and when the request was in flight, for the clock check.
 */
import { type Dispatcher, request } from 'undici';

export interface ProbeAnswer {
  /** errcode 0 is success; undefined when no JSON came back. */
  readonly errcode: number | undefined;
  readonly errmsg: string;
  readonly json: Record<string, unknown>;
  /** WeCom's clock (the Date header) minus ours at the middle of the round trip, in ms. */
  readonly skewMs: number | undefined;
  readonly status: number;
}

export class ProbeFailed extends Error {
  override readonly name = 'ProbeFailed';
}

export async function probe(opts: {
  url: string;
  method: 'GET' | 'POST';
  body?: unknown;
  dispatcher: Dispatcher;
  timeoutMs: number;
  now: () => number;
}): Promise<ProbeAnswer> {
  const sent = opts.now();
  let res: Dispatcher.ResponseData;
  try {
    res = await request(opts.url, {
      method: opts.method,
      dispatcher: opts.dispatcher,
      signal: AbortSignal.timeout(opts.timeoutMs),
      ...(opts.body !== undefined && {
        body: JSON.stringify(opts.body),
        headers: { 'content-type': 'application/json' },
      }),
    });
  } catch (err) {
    throw new ProbeFailed(networkReason(err, opts.timeoutMs));
  }
  const received = opts.now();
  const text = await res.body.text();
  const date = Date.parse(String(res.headers.date ?? ''));
  // The Date header is whole seconds: compare with our clock truncated the same way.
  const mid = Math.floor((sent + received) / 2 / 1000) * 1000;
  const skewMs = Number.isNaN(date) ? undefined : date - mid;
  let json: Record<string, unknown> = {};
  try {
    const parsed: unknown = JSON.parse(text);
    if (parsed !== null && typeof parsed === 'object') json = parsed as Record<string, unknown>;
  } catch {
    // Not JSON (a proxy's error page): errcode stays undefined and the status says what happened.
  }
  return {
    errcode: typeof json.errcode === 'number' ? json.errcode : undefined,
    errmsg: typeof json.errmsg === 'string' ? json.errmsg : '',
    json,
    skewMs,
    status: res.statusCode,
  };
}

/** A failed request in words: DNS, refused, reset, TLS or timeout. */
export function networkReason(err: unknown, timeoutMs: number): string {
  const e = err as NodeJS.ErrnoException & { cause?: NodeJS.ErrnoException };
  const code = e.code ?? e.cause?.code ?? '';
  if (e.name === 'TimeoutError' || e.name === 'AbortError') return `no answer within ${timeoutMs / 1000} s`;
  switch (code) {
    case 'ENOTFOUND':
    case 'EAI_AGAIN':
      return `the host name does not resolve (${code})`;
    case 'ECONNREFUSED':
      return 'connection refused: nothing listens on that address and port';
    case 'ECONNRESET':
    case 'UND_ERR_SOCKET':
      return 'the connection was closed before an answer came';
    case 'UND_ERR_CONNECT_TIMEOUT':
      return 'the connection timed out (a firewall, or the wrong address)';
    default:
      return code ? `${code}: ${e.message}` : e.message;
  }
}
