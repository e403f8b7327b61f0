/**
 * Every request the simulator answered, with its answer: the sandbox shows these as "the exact
 * API requests kfbot made", and tests assert on them. Credentials never enter the log: the
 * access_token and corpsecret query parameters, and the access_token gettoken returns, are
 * replaced by REDACTED.
 */
import { isObject, type JsonObject } from '../wecom/json-reader.ts';
import type { ApiName } from './api-names.ts';
import { Signal } from './signal.ts';

export const REDACTED = '[redacted]';
const SECRET_KEYS = new Set(['access_token', 'corpsecret']);

export interface RequestRecord {
  readonly seq: number;
  /** Simulator clock, ms, when the request arrived. */
  readonly at: number;
  readonly method: string;
  readonly path: string;
  /** undefined for a path the simulator does not serve. */
  readonly api: ApiName | undefined;
  readonly query: Readonly<Record<string, string>>;
  /** The parsed JSON body, a summary of a multipart upload, the raw text if unparseable, or undefined. */
  readonly body: unknown;
  /**
   * `pending` until the simulator answers (a request held by an injected delay is visible at
   * once), then `answered`, or `reset` when an injected fault dropped the connection.
   */
  readonly outcome: 'pending' | 'answered' | 'reset';
  /** HTTP status; 0 while pending or after a reset. */
  readonly status: number;
  /** The JSON answer, `{ binary: { contentType, bytes } }` for a download, undefined if none. */
  readonly response: unknown;
  /** The caller's User-Agent header (kfbot names its process there, so replicas can be told apart). */
  readonly userAgent: string;
  /** Description of the injected fault that shaped this answer, if any. */
  readonly fault?: string;
  /** From arrival to answer, real time; 0 while pending. */
  readonly durationMs: number;
}

export type RequestArrival = Pick<
  RequestRecord,
  'at' | 'method' | 'path' | 'api' | 'query' | 'body' | 'userAgent'
>;
export type RequestAnswer = Pick<RequestRecord, 'status' | 'response' | 'durationMs'> & {
  readonly outcome: 'answered' | 'reset';
  readonly fault?: string;
};

type MutableRecord = { -readonly [K in keyof RequestRecord]: RequestRecord[K] };

export function redactQuery(query: URLSearchParams): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [k, v] of query) out[k] = SECRET_KEYS.has(k) ? REDACTED : v;
  return out;
}

/** A copy with access_token / corpsecret values replaced, at any depth of plain objects. */
export function redactJson(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(redactJson);
  if (!isObject(value)) return value;
  const out: JsonObject = {};
  for (const [k, v] of Object.entries(value)) out[k] = SECRET_KEYS.has(k) ? REDACTED : redactJson(v);
  return out;
}

export class RequestLog {
  readonly #records: RequestRecord[] = [];
  readonly #added = new Signal<RequestRecord>();
  #seq = 0;

  /**
   * @param limit How many records to keep, newest first (default: all). A long-running sandbox
   *   keeps only recent history, which is all its page shows; tests keep everything to count it.
   */
  constructor(readonly limit = Number.POSITIVE_INFINITY) {}

  /** Oldest first. */
  get all(): readonly RequestRecord[] {
    return this.#records;
  }

  byApi(api: ApiName): RequestRecord[] {
    return this.#records.filter((r) => r.api === api);
  }

  last(api?: ApiName): RequestRecord | undefined {
    return api === undefined ? this.#records.at(-1) : this.byApi(api).at(-1);
  }

  clear(): void {
    this.#records.length = 0;
  }

  /** Hears every record once it is answered (or reset); returns the unsubscribe function. */
  onRecord(listener: (record: RequestRecord) => void): () => void {
    return this.#added.add(listener);
  }

  /** Records a request as it arrives; complete() adds the answer. */
  begin(arrival: RequestArrival): RequestRecord {
    const record: MutableRecord = {
      ...arrival,
      seq: ++this.#seq,
      outcome: 'pending',
      status: 0,
      response: undefined,
      durationMs: 0,
    };
    this.#records.push(record);
    if (this.#records.length > this.limit) this.#records.splice(0, this.#records.length - this.limit);
    return record;
  }

  complete(record: RequestRecord, answer: RequestAnswer): void {
    Object.assign(record as MutableRecord, answer);
    this.#added.emit(record);
  }
}
