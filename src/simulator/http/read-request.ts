/**
 * Reading a request body and turning it into what handlers and the request log need: a JSON
 * object, a multipart form, or a precise reason why it is neither.
 */
import type { IncomingMessage } from 'node:http';
import { isObject, type JsonObject } from '../../wecom/json-reader.ts';
import { redactJson } from '../request-log.ts';
import type { Route } from './api-types.ts';

/** Above the largest upload (§7.4: file 20MB) plus multipart framing. */
export const MAX_BODY_BYTES = 21 * 1024 * 1024;

export interface ReadBody {
  readonly bytes: Buffer;
  /** The body was longer than MAX_BODY_BYTES; `bytes` holds only the start. */
  readonly tooLarge: boolean;
}

export async function readBody(req: IncomingMessage): Promise<ReadBody> {
  const chunks: Buffer[] = [];
  let size = 0;
  let tooLarge = false;
  for await (const chunk of req) {
    const buf = chunk as Buffer;
    size += buf.length;
    if (size > MAX_BODY_BYTES) tooLarge = true;
    else chunks.push(buf);
  }
  return { bytes: Buffer.concat(chunks), tooLarge };
}

export interface ParsedBody {
  /** The JSON object of a JSON route; {} otherwise, or when it did not parse. */
  readonly json: JsonObject;
  /** Why a JSON route's body is not a JSON object (§8 "Warning: wrong json format."). */
  readonly jsonError: string | undefined;
  readonly form: FormData | undefined;
  /** What a fault's `match` sees: the JSON object, or undefined. */
  readonly matchable: unknown;
  /** What the request log keeps. */
  readonly logged: unknown;
}

export async function parseBody(
  route: Route,
  body: Buffer,
  contentType: string | undefined,
): Promise<ParsedBody> {
  if (route.body === 'none') {
    return { json: {}, jsonError: undefined, form: undefined, matchable: undefined, logged: undefined };
  }
  if (route.body === 'multipart') {
    let form: FormData | undefined;
    try {
      form = await new Response(body, { headers: { 'content-type': contentType ?? '' } }).formData();
    } catch {
      form = undefined; // reported by the handler as a missing `media` part
    }
    return {
      json: {},
      jsonError: undefined,
      form,
      matchable: undefined,
      logged: summarizeForm(form, body.length),
    };
  }
  const text = body.toString('utf8');
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (err) {
    const why = err instanceof Error ? err.message : 'unparseable';
    return {
      json: {},
      jsonError: text === '' ? 'empty body' : why,
      form: undefined,
      matchable: undefined,
      logged: text.slice(0, 4096),
    };
  }
  if (!isObject(value)) {
    return {
      json: {},
      jsonError: 'the body must be a JSON object',
      form: undefined,
      matchable: value,
      logged: redactJson(value),
    };
  }
  return { json: value, jsonError: undefined, form: undefined, matchable: value, logged: redactJson(value) };
}

function summarizeForm(form: FormData | undefined, bytes: number): unknown {
  if (form === undefined) return { multipart: 'unparseable', bytes };
  const fields: Record<string, unknown> = {};
  for (const [name, value] of form) {
    fields[name] =
      typeof value === 'string' ? value : { filename: value.name, size: value.size, contentType: value.type };
  }
  return fields;
}
