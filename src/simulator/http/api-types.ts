/**
 * The contract between the HTTP server and the per-API handlers: a handler sees a parsed request
 * and the world, and returns what to answer. Transport concerns (routing, access tokens, faults,
 * recording) stay in server.ts.
 */
import type { JsonObject } from '../../wecom/json-reader.ts';
import type { ApiName } from '../api-names.ts';
import type { FaultSpec } from '../faults.ts';
import type { SimulatorSettings } from '../settings.ts';
import type { World } from '../world.ts';

export interface ApiRequest {
  readonly api: ApiName;
  readonly query: URLSearchParams;
  /** The JSON body of a POST (an object; anything else was refused before the handler ran). */
  readonly json: JsonObject;
  /** The multipart form of media/upload. */
  readonly form: FormData | undefined;
}

export interface ApiContext {
  readonly world: World;
  readonly settings: SimulatorSettings;
  /** The fault consumed by this request, if any (sync_msg reads `emptyPage`). */
  readonly fault: FaultSpec | undefined;
  /** A WeCom-shaped errmsg for `errcode`, with an optional detail naming the field. */
  errmsg(errcode: number, detail?: string): string;
}

export type ApiResult =
  | { readonly kind: 'json'; readonly status: number; readonly body: JsonObject }
  | {
      readonly kind: 'binary';
      readonly status: number;
      readonly body: Buffer;
      readonly headers: Readonly<Record<string, string>>;
    };

export type ApiHandler = (req: ApiRequest, ctx: ApiContext) => ApiResult | Promise<ApiResult>;

export interface Route {
  readonly api: ApiName;
  readonly method: 'GET' | 'POST';
  /** Whether the request body is JSON, a multipart form, or nothing. */
  readonly body: 'json' | 'multipart' | 'none';
  /** False for gettoken only: every other request needs access_token in the URL (§8 41001). */
  readonly needsToken: boolean;
  /** kf/* APIs need a token from a secret that may call them (§1 "Which secret works"). */
  readonly kf: boolean;
  readonly handler: ApiHandler;
}

export function json(body: JsonObject, status = 200): ApiResult {
  return { kind: 'json', status, body };
}

export function ok(fields: JsonObject = {}): ApiResult {
  return json({ errcode: 0, errmsg: 'ok', ...fields });
}

export function fail(ctx: ApiContext, errcode: number, detail?: string): ApiResult {
  return json({ errcode, errmsg: ctx.errmsg(errcode, detail) });
}
