/**
 * A fake OpenAI-compatible provider on loopback, strict about what the documented API accepts:
 * `POST {prefix}/embeddings` with a Bearer key (when it has one), JSON `{model, input, dimensions?,
 * encoding_format?, user?}`, nothing else; `input` a non-empty string or list of non-empty
 * strings; answers `{object:"list", data:[{object, index, embedding}], model, usage}` with the
 * concept vectors of concept-vectors.ts. Faults make it behave like the providers that misbehave:
 * slow, 429 with Retry-After, 400 past a batch cap (DashScope's message), 400 for a `dimensions`
 * it does not take (bge-m3 on SiliconFlow), vectors of the wrong size, base64 when float was asked,
 * rows in shuffled order. `POST {prefix}/chat/completions` answers from `chatAnswer`.
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { conceptVector } from './concept-vectors.ts';

export interface FakeFaults {
  /** ms before answering. */
  slowMs?: number;
  /** Answer this many requests with 429 first. */
  rateLimited?: number;
  /** The Retry-After header of those (seconds). */
  retryAfter?: string;
  /** Larger batches get 400. */
  maxBatch?: number;
  /** A dimensions field gets 400. */
  refuseDimensions?: boolean;
  /** Vectors of this size whatever was asked. */
  wrongDimensions?: number;
  /** base64 even when float was asked. */
  base64?: boolean;
  /** Rows in reverse order (their index fields still right). */
  shuffle?: boolean;
  /** Answer every request with this status and an error body. */
  failWith?: number;
}

export interface FakeEmbeddings {
  url: string;
  /** The request bodies received, in order. */
  requests: { path: string; body: Record<string, unknown>; authorization: string | undefined }[];
  faults: FakeFaults;
  /** What chat/completions answers as the message content, given the request. */
  chatAnswer: (body: Record<string, unknown>) => string;
  close(): Promise<void>;
}

// Room for the concepts (one dimension each) and the characters' hashed components.
const DEFAULT_DIMENSIONS = 1024;
const ALLOWED = new Set(['model', 'input', 'dimensions', 'encoding_format', 'user']);

export async function startFakeEmbeddings(
  opts: { prefix?: string; key?: string; faults?: FakeFaults } = {},
): Promise<FakeEmbeddings> {
  const prefix = opts.prefix ?? '/v1';
  const fake: FakeEmbeddings = {
    url: '',
    requests: [],
    faults: opts.faults ?? {},
    chatAnswer: () => '[]',
    close: () => new Promise((resolve) => server.close(() => resolve())),
  };
  let limited = 0;
  const error = (
    res: ServerResponse,
    status: number,
    message: string,
    headers: Record<string, string> = {},
  ) => {
    res.writeHead(status, { 'content-type': 'application/json', ...headers });
    res.end(JSON.stringify({ error: { message, type: 'invalid_request_error', code: null } }));
  };
  const server: Server = createServer(async (req: IncomingMessage, res: ServerResponse) => {
    const chunks: Buffer[] = [];
    for await (const c of req) chunks.push(c as Buffer);
    const path = req.url ?? '';
    if (req.method !== 'POST' || (path !== `${prefix}/embeddings` && path !== `${prefix}/chat/completions`))
      return error(res, 404, `no route ${req.method} ${path}`);
    if (opts.key !== undefined && req.headers.authorization !== `Bearer ${opts.key}`)
      return error(res, 401, 'Incorrect API key provided.');
    if (!String(req.headers['content-type']).startsWith('application/json'))
      return error(res, 400, 'Content-Type must be application/json');
    let body: Record<string, unknown>;
    try {
      body = JSON.parse(Buffer.concat(chunks).toString('utf8'));
    } catch {
      return error(res, 400, 'We could not parse the JSON body of your request.');
    }
    fake.requests.push({ path, body, authorization: req.headers.authorization });
    const f = fake.faults;
    if (f.slowMs) await new Promise((r) => setTimeout(r, f.slowMs));
    if (f.failWith) return error(res, f.failWith, 'The server had an error while processing your request.');
    if (f.rateLimited && limited < f.rateLimited) {
      limited++;
      return error(res, 429, 'Rate limit reached for requests', { 'retry-after': f.retryAfter ?? '1' });
    }
    if (path.endsWith('/chat/completions')) return chat(res, body);
    for (const key of Object.keys(body))
      if (!ALLOWED.has(key)) return error(res, 400, `Unrecognized request argument supplied: ${key}`);
    const { model, input, dimensions, encoding_format } = body;
    if (typeof model !== 'string' || model === '')
      return error(res, 400, 'you must provide a model parameter');
    const texts = typeof input === 'string' ? [input] : input;
    if (!Array.isArray(texts) || texts.length === 0 || !texts.every((t) => typeof t === 'string' && t !== ''))
      return error(res, 400, "'input' must be a non-empty string or a list of non-empty strings");
    if (f.maxBatch !== undefined && texts.length > f.maxBatch)
      return error(
        res,
        400,
        `batch size is invalid, it should not be larger than ${f.maxBatch}.: input.contents`,
      );
    if (
      dimensions !== undefined &&
      (f.refuseDimensions || !Number.isInteger(dimensions) || (dimensions as number) < 48)
    )
      return error(res, 400, `dimensions is not supported by ${model}`);
    if (encoding_format !== undefined && encoding_format !== 'float' && encoding_format !== 'base64')
      return error(res, 400, "encoding_format must be 'float' or 'base64'");
    const size = f.wrongDimensions ?? (dimensions as number | undefined) ?? DEFAULT_DIMENSIONS;
    const base64 = f.base64 || encoding_format === 'base64';
    const data = (texts as string[]).map((text, index) => {
      const v = conceptVector(text, size);
      const embedding = base64 ? Buffer.from(Float32Array.from(v).buffer).toString('base64') : v;
      return { object: 'embedding', index, embedding };
    });
    if (f.shuffle) data.reverse();
    const tokens = (texts as string[]).reduce((n, t) => n + t.length, 0);
    res.writeHead(200, { 'content-type': 'application/json' });
    res.end(
      JSON.stringify({ object: 'list', data, model, usage: { prompt_tokens: tokens, total_tokens: tokens } }),
    );
  });
  const chat = (res: ServerResponse, body: Record<string, unknown>) => {
    if (typeof body.model !== 'string' || !Array.isArray(body.messages) || body.messages.length === 0)
      return error(res, 400, 'model and a non-empty messages list are required');
    res.writeHead(200, { 'content-type': 'application/json' });
    res.end(
      JSON.stringify({
        id: `chatcmpl-${fake.requests.length}`,
        object: 'chat.completion',
        model: body.model,
        choices: [
          { index: 0, message: { role: 'assistant', content: fake.chatAnswer(body) }, finish_reason: 'stop' },
        ],
        usage: { prompt_tokens: 1, completion_tokens: 1, total_tokens: 2 },
      }),
    );
  };
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  fake.url = `http://127.0.0.1:${(server.address() as AddressInfo).port}${prefix}`;
  return fake;
}
