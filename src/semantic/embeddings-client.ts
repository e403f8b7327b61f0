/**
 * Asks an OpenAI-compatible endpoint for embeddings: `POST {base}/embeddings` with
 * `{model, input: [...], encoding_format: "float", dimensions?}` (provider-presets.ts says why each
 * field is or is not sent). Texts go in batches of `batchSize`; the answer is checked strictly —
 * one row per input by `index` (some providers shuffle them), float arrays or base64 little-endian
 * float32, all of the size asked for — and every vector comes back unit length, so a dot product
 * is the cosine similarity. A 429 is retried after its Retry-After when that fits in the deadline.
 */
import type { SemanticConfig } from './semantic-config.ts';
import { SemanticError } from './semantic-error.ts';

export type FetchLike = (url: string, init: RequestInit) => Promise<Response>;

export interface EmbedOptions {
  /** Epoch ms by which the whole call must be done. */
  deadline: number;
}

const MAX_429_RETRIES = 3;

export class EmbeddingsClient {
  readonly config: SemanticConfig;
  readonly #fetch: FetchLike;
  readonly #now: () => number;
  /** The size the first answer had, when no dimensions were asked for: later answers must match. */
  #seenDimensions: number | undefined;

  constructor(config: SemanticConfig, opts: { fetch?: FetchLike; now?: () => number } = {}) {
    this.config = config;
    this.#fetch = opts.fetch ?? ((url, init) => fetch(url, init));
    this.#now = opts.now ?? Date.now;
  }

  /** One unit vector per text, in the texts' order. */
  async embed(texts: readonly string[], opts: EmbedOptions): Promise<Float32Array[]> {
    const out: Float32Array[] = [];
    for (let i = 0; i < texts.length; i += this.config.batchSize)
      out.push(...(await this.#batch(texts.slice(i, i + this.config.batchSize), opts.deadline)));
    return out;
  }

  async #batch(input: readonly string[], deadline: number): Promise<Float32Array[]> {
    const { model, dimensions } = this.config;
    const body = JSON.stringify({
      model,
      input,
      encoding_format: 'float',
      ...(dimensions !== undefined && { dimensions }),
    });
    for (let attempt = 0; ; attempt++) {
      const res = await this.#post('embeddings', body, deadline);
      if (res.status === 429) {
        const wait = retryAfterMs(res.headers.get('retry-after'), this.#now());
        await res.body?.cancel();
        if (attempt >= MAX_429_RETRIES || this.#now() + wait >= deadline)
          throw new SemanticError(
            'rate-limited',
            `${this.config.label} answered 429 (rate limited${wait ? `, retry after ${Math.ceil(wait / 1000)} s` : ''}): raise the account's RPM/TPM or lower batch_size`,
            { status: 429 },
          );
        await new Promise((r) => setTimeout(r, wait));
        continue;
      }
      const text = await readText(res, deadline, this.#now);
      if (!res.ok) throw apiError(this.config.label, res.status, text);
      return this.#vectors(parseJson(this.config.label, text), input.length);
    }
  }

  /** A POST to `{base}/{path}` that gives up at the deadline; the key goes only in the header. */
  async #post(path: string, body: string, deadline: number): Promise<Response> {
    const left = deadline - this.#now();
    if (left <= 0)
      throw new SemanticError('timeout', `${this.config.label} was not asked: the deadline had passed`);
    try {
      return await this.#fetch(`${this.config.baseUrl}/${path}`, {
        method: 'POST',
        headers: {
          'content-type': 'application/json',
          ...(this.config.apiKey && { authorization: `Bearer ${this.config.apiKey}` }),
        },
        body,
        signal: AbortSignal.timeout(left),
      });
    } catch (err) {
      throw transportError(this.config.label, this.config.baseUrl, err);
    }
  }

  /** Sends a chat request (kfbot faq expand): same endpoint, key and deadline handling. */
  async chat(body: Record<string, unknown>, deadline: number): Promise<unknown> {
    const res = await this.#post('chat/completions', JSON.stringify(body), deadline);
    const text = await readText(res, deadline, this.#now);
    if (!res.ok) throw apiError(this.config.label, res.status, text);
    return parseJson(this.config.label, text);
  }

  #vectors(answer: unknown, count: number): Float32Array[] {
    const label = this.config.label;
    const data = (answer as { data?: unknown })?.data;
    if (!Array.isArray(data))
      throw new SemanticError(
        'bad-answer',
        `${label} answered without a data list: is base_url the OpenAI-compatible prefix (…/v1)?`,
      );
    if (data.length !== count)
      throw new SemanticError('bad-answer', `${label} answered ${data.length} embeddings for ${count} texts`);
    const out: (Float32Array | undefined)[] = new Array(count);
    for (const row of data as { index?: unknown; embedding?: unknown }[]) {
      const index = row?.index;
      if (typeof index !== 'number' || !Number.isInteger(index) || index < 0 || index >= count || out[index])
        throw new SemanticError(
          'bad-answer',
          `${label} answered a row with index ${JSON.stringify(index)} for ${count} texts`,
        );
      out[index] = this.#vector(row.embedding);
    }
    return out as Float32Array[];
  }

  #vector(raw: unknown): Float32Array {
    const label = this.config.label;
    let v: Float32Array;
    if (typeof raw === 'string') {
      const bytes = Buffer.from(raw, 'base64');
      if (bytes.length === 0 || bytes.length % 4 !== 0)
        throw new SemanticError('bad-answer', `${label} answered a base64 embedding that is not float32s`);
      v = new Float32Array(bytes.length / 4);
      for (let i = 0; i < v.length; i++) v[i] = bytes.readFloatLE(i * 4);
    } else if (
      Array.isArray(raw) &&
      raw.length > 0 &&
      raw.every((x) => typeof x === 'number' && Number.isFinite(x))
    )
      v = Float32Array.from(raw as number[]);
    else
      throw new SemanticError('bad-answer', `${label} answered an embedding that is not a list of numbers`);
    const want = this.config.dimensions ?? this.#seenDimensions;
    if (want !== undefined && v.length !== want)
      throw new SemanticError(
        'dimensions',
        `${label} answered ${v.length}-dimensional vectors where ${want} were ${this.config.dimensions ? 'asked for (settings.faq.semantic.dimensions)' : 'answered before'}: ${this.config.dimensions ? 'set dimensions to what the model gives, or leave it out' : 'the model changed; restart to re-embed'}`,
      );
    this.#seenDimensions = v.length;
    let norm = 0;
    for (const x of v) norm += x * x;
    norm = Math.sqrt(norm);
    if (norm === 0) throw new SemanticError('bad-answer', `${label} answered an all-zero embedding`);
    for (let i = 0; i < v.length; i++) v[i] = (v[i] as number) / norm;
    return v;
  }
}

/** Retry-After as seconds or an HTTP date; 1 s when absent or unreadable. */
export function retryAfterMs(header: string | null, now: number): number {
  if (header === null) return 1000;
  const seconds = Number(header.trim());
  if (Number.isFinite(seconds) && seconds >= 0) return seconds * 1000;
  const at = Date.parse(header);
  return Number.isNaN(at) ? 1000 : Math.max(0, at - now);
}

async function readText(res: Response, deadline: number, now: () => number): Promise<string> {
  try {
    return await res.text();
  } catch (err) {
    if (now() >= deadline)
      throw new SemanticError('timeout', 'the answer did not arrive before the deadline', { cause: err });
    throw new SemanticError('network', `the answer broke off: ${(err as Error).message}`, { cause: err });
  }
}

function parseJson(label: string, text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    throw new SemanticError(
      'bad-answer',
      `${label} answered something that is not JSON: ${JSON.stringify(text.slice(0, 80))}`,
    );
  }
}

function apiError(label: string, status: number, text: string): SemanticError {
  let detail = text.slice(0, 200);
  try {
    const body = JSON.parse(text) as { error?: { message?: unknown } | string; message?: unknown };
    const m = typeof body.error === 'object' ? body.error?.message : (body.error ?? body.message);
    if (typeof m === 'string') detail = m;
  } catch {}
  const hint =
    status === 401 || status === 403
      ? ': check the key in the environment variable settings.faq.semantic.api_key_env names'
      : status === 404
        ? ': check base_url (the prefix before /embeddings) and the model name'
        : '';
  return new SemanticError('api', `${label} answered ${status}: ${detail}${hint}`, { status });
}

function transportError(label: string, base: string, err: unknown): SemanticError {
  const e = err as Error;
  if (e.name === 'TimeoutError' || e.name === 'AbortError')
    return new SemanticError('timeout', `${label} did not answer before the deadline`, { cause: err });
  const cause = (e.cause as Error | undefined)?.message ?? e.message;
  return new SemanticError('network', `cannot reach ${base}: ${cause}`, { cause: err });
}
