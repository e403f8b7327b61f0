/**
 * The simulator's HTTP front: routing by path, the access-token rules every API shares (§1, §8
 * 41001/40014/42001), bad JSON (§8), fault injection and request recording. What each API does is
 * in ../api/; this file knows nothing of sessions or messages.
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { setTimeout as sleep } from 'node:timers/promises';
import type { Logger } from 'pino';
import { WRONG_JSON_FORMAT_ERRCODE } from '../../wecom/platform-choices.ts';
import { FieldError } from '../api/fields.ts';
import type { ApiLimits } from '../api-limits.ts';
import { type ApiName, apiOfPath } from '../api-names.ts';
import { describeFault, type FaultInjector, type FaultSpec } from '../faults.ts';
import { type RequestLog, redactJson, redactQuery } from '../request-log.ts';
import type { SimulatorSettings } from '../settings.ts';
import type { World } from '../world.ts';
import { type ApiContext, type ApiResult, json, type Route } from './api-types.ts';
import { errmsgFor } from './errmsg.ts';
import { type ParsedBody, parseBody, readBody } from './read-request.ts';

/**
 * The errcode for a path the simulator does not serve. Not a WeCom code: a client that meets it
 * has a bug (a misspelt path), so it must not look like any retryable or known condition.
 */
export const UNKNOWN_API_ERRCODE = 404;

export interface ServerDeps {
  readonly world: World;
  readonly settings: SimulatorSettings;
  readonly faults: FaultInjector;
  readonly requests: RequestLog;
  readonly routes: ReadonlyMap<ApiName, Route>;
  /** Secrets whose tokens may call kf/* APIs (§1 "Which secret works for KF APIs"). */
  readonly kfSecrets: () => readonly string[];
  readonly logger: Logger | undefined;
  /** Frequency and concurrency limits per API (§3, §8 45009/45033). */
  readonly limits: ApiLimits;
}

type Outcome = { result: ApiResult } | { reset: true };

export function createSimulatorServer(deps: ServerDeps): Server {
  return createServer((req, res) => {
    handle(deps, req, res).catch((err: unknown) => {
      deps.logger?.error({ err }, 'simulator: request handler failed');
      if (!res.headersSent) res.writeHead(500, { 'content-type': 'application/json' });
      res.end(JSON.stringify({ errcode: -1, errmsg: 'simulator internal error' }));
    });
  });
}

/**
 * A route that does nothing: benchmarks measure plain HTTP round trips to this server with it,
 * as the ceiling kfbot's throughput is compared with. Not a WeCom API, and not recorded.
 */
export const NOOP_PATH = '/__noop';

async function handle(deps: ServerDeps, req: IncomingMessage, res: ServerResponse): Promise<void> {
  if (req.url === NOOP_PATH) {
    for await (const _ of req); // read the body, as any handler must
    res.writeHead(200, { 'content-type': 'application/json', 'content-length': '2' });
    res.end('{}');
    return;
  }
  const started = performance.now();
  const at = deps.world.now();
  const method = req.method ?? 'GET';
  const url = new URL(req.url ?? '/', 'http://simulator.invalid');
  const api = apiOfPath(url.pathname);
  const route = api === undefined ? undefined : deps.routes.get(api);
  const body = await readBody(req);
  const ctx = (fault: FaultSpec | undefined): ApiContext => ({
    world: deps.world,
    settings: deps.settings,
    fault,
    errmsg: (errcode, detail) => errmsgFor(deps.world.ids, errcode, detail),
  });
  const parsed: ParsedBody | undefined =
    route === undefined
      ? undefined
      : body.tooLarge
        ? {
            json: {},
            jsonError: undefined,
            form: undefined,
            matchable: undefined,
            logged: { bytes: 'over limit' },
          }
        : await parseBody(route, body.bytes, req.headers['content-type']);
  const record = deps.requests.begin({
    at,
    method,
    path: url.pathname,
    api,
    query: redactQuery(url.searchParams),
    body: parsed?.logged,
    userAgent: req.headers['user-agent'] ?? '',
  });
  const finish = (outcome: Outcome, fault?: FaultSpec) => {
    if ('reset' in outcome) req.socket.resetAndDestroy();
    else write(res, outcome.result, deps.world.now());
    const result = 'result' in outcome ? outcome.result : undefined;
    deps.requests.complete(record, {
      outcome: result === undefined ? 'reset' : 'answered',
      status: result?.status ?? 0,
      response: result === undefined ? undefined : loggedResponse(result),
      ...(fault && { fault: describeFault(fault) }),
      durationMs: performance.now() - started,
    });
    const errcode = result?.kind === 'json' ? result.body.errcode : undefined;
    deps.logger?.debug(
      { api: api ?? url.pathname, status: result?.status ?? 'reset', errcode },
      'simulator: answered',
    );
  };

  if (route === undefined || parsed === undefined) {
    const detail = `no such API ${url.pathname} in the simulator`;
    finish({ result: json({ errcode: UNKNOWN_API_ERRCODE, errmsg: detail }, 404) });
    return;
  }
  const caller = callerIp(req);
  const trusted = deps.settings.trustedIps;
  if (trusted !== undefined && !trusted.includes(caller)) {
    // §9.22: 60020 names the address WeCom saw, so the operator knows which IP to add.
    const errmsg = errmsgFor(deps.world.ids, 60020, undefined, undefined, caller);
    finish({ result: json({ errcode: 60020, errmsg }) });
    return;
  }
  const spec = takeFault(deps, route.api, parsed, url.searchParams);
  if (spec?.delayMs !== undefined && !spec.apply) await sleep(spec.delayMs);
  if (spec && !spec.apply && failsResponse(spec)) {
    finish(faultOutcome(deps, spec), spec);
    return;
  }
  // The round trip: half on the way in, half on the way out, so the call takes effect mid-way.
  const trip = roundTrip(deps);
  if (trip > 0) await sleep(trip / 2);
  const admitted = deps.limits.enter(route.api, deps.world.now());
  if (!admitted.ok) {
    if (trip > 0) await sleep(trip / 2);
    const errmsg = errmsgFor(deps.world.ids, admitted.errcode, admitted.detail);
    finish({ result: json({ errcode: admitted.errcode, errmsg }) });
    return;
  }
  try {
    const result = body.tooLarge
      ? json({ errcode: 45001, errmsg: errmsgFor(deps.world.ids, 45001, 'request body too large') })
      : await run(deps, route, method, url.searchParams, parsed, ctx(spec));
    if (trip > 0) await sleep(trip / 2);
    if (spec?.apply) {
      // The request took effect; the answer comes late or spoilt (§9.12 "outcome unknown").
      if (spec.delayMs !== undefined) await sleep(spec.delayMs);
      finish(failsResponse(spec) ? faultOutcome(deps, spec) : { result }, spec);
      return;
    }
    finish({ result }, spec);
  } finally {
    admitted.release();
  }
}

/** This call's round trip in ms: latencyMs ± latencyJitterMs, drawn uniformly, never negative. */
function roundTrip(deps: ServerDeps): number {
  const { latencyMs, latencyJitterMs } = deps.settings;
  if (latencyMs <= 0 && latencyJitterMs <= 0) return 0;
  return Math.max(0, latencyMs + (deps.world.ids.random() * 2 - 1) * latencyJitterMs);
}

async function run(
  deps: ServerDeps,
  route: Route,
  method: string,
  query: URLSearchParams,
  parsed: ParsedBody,
  ctx: ApiContext,
): Promise<ApiResult> {
  const fail = (errcode: number, detail?: string) => json({ errcode, errmsg: ctx.errmsg(errcode, detail) });
  if (method !== route.method) return fail(route.method === 'GET' ? 43001 : 43002);
  if (route.needsToken) {
    const token = query.get('access_token');
    if (!token) {
      // §8 41001: "missing, or put in the body instead of the URL".
      const inBody = parsed.json.access_token !== undefined;
      return fail(41001, inBody ? 'access_token must be in the URL query, not in the body' : undefined);
    }
    const check = deps.world.accessTokens.check(token, deps.world.now());
    if (!check.ok) return fail(check.errcode);
    if (route.kf && !deps.kfSecrets().includes(check.secret)) {
      return fail(48002, 'the app of this secret may not call 微信客服 APIs');
    }
  }
  if (parsed.jsonError !== undefined) {
    // §8: "A JSON body that fails to parse comes back with errmsg containing `Warning: wrong json format.`"
    const errmsg = errmsgFor(
      deps.world.ids,
      WRONG_JSON_FORMAT_ERRCODE,
      parsed.jsonError,
      'Warning: wrong json format.',
    );
    return json({ errcode: WRONG_JSON_FORMAT_ERRCODE, errmsg });
  }
  try {
    return await route.handler({ api: route.api, query, json: parsed.json, form: parsed.form }, ctx);
  } catch (err) {
    if (err instanceof FieldError) return fail(err.errcode, err.message);
    throw err;
  }
}

function takeFault(
  deps: ServerDeps,
  api: ApiName,
  parsed: ParsedBody,
  query: URLSearchParams,
): FaultSpec | undefined {
  try {
    return deps.faults.take(api, parsed.matchable, query)?.spec;
  } catch (err) {
    deps.logger?.warn({ err, api }, 'simulator: a fault match() threw; no fault applied');
    return undefined;
  }
}

function failsResponse(spec: FaultSpec): boolean {
  return spec.errcode !== undefined || spec.httpStatus !== undefined || spec.resetConnection === true;
}

function faultOutcome(deps: ServerDeps, spec: FaultSpec): Outcome {
  if (spec.resetConnection) return { reset: true };
  const status = spec.httpStatus ?? 200;
  if (spec.errcode !== undefined) {
    const errmsg = spec.errmsg ?? errmsgFor(deps.world.ids, spec.errcode);
    return { result: json({ errcode: spec.errcode, errmsg }, status) };
  }
  // A bare HTTP failure, as a gateway in front of the API would answer.
  return {
    result: {
      kind: 'binary',
      status,
      body: Buffer.from(`<html><body><h1>${status}</h1></body></html>`),
      headers: { 'content-type': 'text/html' },
    },
  };
}

/** The caller's address as WeCom would name it: IPv4 without the ::ffff: prefix. */
function callerIp(req: IncomingMessage): string {
  const address = req.socket.remoteAddress ?? '';
  return address.startsWith('::ffff:') ? address.slice('::ffff:'.length) : address;
}

function write(res: ServerResponse, result: ApiResult, now: number): void {
  // WeCom's Date header is WeCom's clock: here the simulated one, so a test can set it apart.
  res.setHeader('date', new Date(now).toUTCString());
  if (result.kind === 'json') {
    const text = JSON.stringify(result.body);
    res.writeHead(result.status, {
      'content-type': 'application/json; charset=UTF-8',
      'content-length': Buffer.byteLength(text),
    });
    res.end(text);
    return;
  }
  res.writeHead(result.status, { ...result.headers, 'content-length': result.body.length });
  res.end(result.body);
}

function loggedResponse(result: ApiResult): unknown {
  if (result.kind === 'binary') {
    return { binary: { contentType: result.headers['content-type'] ?? '', bytes: result.body.length } };
  }
  return redactJson(result.body);
}
