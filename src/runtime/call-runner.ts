/**
 * Makes a rule's `call:` to the company's own system, once per customer message, and records its
 * outcome durably before anything that depends on it is planned.
 *
 * Exactly once, as far as a backend can tell: every attempt — a retry, a restart, another replica
 * taking over — sends the same Idempotency-Key (customer msgid + rule + call name) and an
 * X-Kfbot-Attempt number. Each attempt is recorded (`attempting`, with its number) before it is
 * made, so `retries` counts attempts across restarts and is never multiplied by another loop; an
 * attempt a restart interrupted is repeated only for a GET (safe to repeat, at most once more)
 * or within `retries`. The outcome is recorded as the call's send record (api `call`, key = the
 * Idempotency-Key, response = the outcome): a message resumed after it reads it instead of calling.
 *
 * Safety: only hosts in settings.calls.allow (a listed name that resolves to a private address
 * is refused unless that address is listed too), redirects only to allowed hosts, answers up to
 * 1 MB, TLS verified, `User-Agent: kfbot/<version>`, the account's lease checked before every
 * attempt, and at most settings.calls.concurrency calls at once per process — time spent waiting
 * for a slot counts toward the call's timeout.
 */
import { createRequire } from 'node:module';
import type { Logger } from 'pino';
import type { Dispatcher } from 'undici';
import { answerOutcome } from '../rules/call-answer.ts';
import { outcomeLabel } from '../rules/call-branch.ts';
import {
  type CallErrorCode,
  type CallOutcome,
  type CallSettings,
  MAX_ANSWER_BYTES,
} from '../rules/call-model.ts';
import { type CallRequest, type ConcreteRequest, materialize, redacted } from '../rules/call-request.ts';
import { hostAllowed } from '../rules/compile-call.ts';
import type { Lease } from '../store/pull-work.ts';
import type { SendRecord, Store } from '../store/store.ts';
import { undici } from '../wecom/undici.ts';
import { CallSlots } from './call-slots.ts';
import { guardedLookup, PRIVATE_ADDRESS } from './guarded-lookup.ts';
import type { KfbotMetrics } from './metrics.ts';

export const KFBOT_VERSION = (createRequire(import.meta.url)('../../package.json') as { version: string })
  .version;
const USER_AGENT = `kfbot/${KFBOT_VERSION}`;
const MAX_REDIRECTS = 3;

export interface CallRunnerDeps {
  store: Store;
  metrics: KfbotMetrics;
  log: Logger;
  /** The rules' settings.calls (they reload with the rules). */
  settings: () => CallSettings;
  /** Where {{env.X}} is read: process.env in serve. */
  env: Readonly<Record<string, string | undefined>>;
  now?: () => number;
}

export interface CallRunContext {
  inboundMsgid: string;
  openKfId: string;
  externalUserId: string;
  lease: Lease;
  log: Logger;
}

/** One attempt's result, before it becomes the recorded outcome. */
type AttemptResult =
  | { status: number; text?: string; error?: undefined; detail?: string }
  | { error: CallErrorCode; detail: string; status?: number };

/** Timeouts, connection errors and 5xx answers: the ones `retries` repeats. */
function retryable(r: AttemptResult): boolean {
  return r.error === 'timeout' || r.error === 'refused' || (r.error === undefined && r.status >= 500);
}

export class CallRunner {
  private readonly slots: CallSlots;
  private agent: Dispatcher | undefined;
  private readonly now: () => number;

  constructor(private readonly d: CallRunnerDeps) {
    this.now = d.now ?? Date.now;
    this.slots = new CallSlots(() => d.settings().concurrency);
  }

  /** The call's outcome: the recorded one if it has one, else from making it. */
  async run(req: CallRequest, ctx: CallRunContext): Promise<CallOutcome> {
    const { store } = this.d;
    const prior = await store.getSend(req.key);
    if (prior?.status === 'sent' && prior.response) return JSON.parse(prior.response) as CallOutcome;
    const started = performance.now();
    const done = prior?.attempts ?? 0;
    const budget = 1 + req.retries;
    // An attempt a restart interrupted may have reached the backend: a GET is safe to repeat once.
    const limit = prior?.status === 'attempting' && req.method === 'GET' ? Math.max(budget, 2) : budget;
    const record: SendRecord = {
      key: req.key,
      inboundMsgid: ctx.inboundMsgid,
      openKfId: ctx.openKfId,
      externalUserId: ctx.externalUserId,
      api: 'call',
      rule: req.rule,
      status: 'attempting',
      attempts: done,
      updatedAt: this.now(),
    };
    let result: AttemptResult = {
      error: 'interrupted',
      detail: `kfbot stopped during attempt ${done} of a ${req.method} call; not repeated (retries: ${req.retries})`,
    };
    for (let attempt = done + 1; attempt <= limit; attempt++) {
      if (attempt > done + 1) await sleep(backoffMs(attempt - 1));
      ctx.lease.check();
      await store.putSend({ ...record, attempts: attempt, updatedAt: this.now() });
      ctx.log.debug({ call: req.name, rule: req.rule, attempt, key: req.key }, `calling "${req.name}"`);
      record.attempts = attempt;
      result = await this.attempt(req, attempt);
      if (!retryable(result) || attempt >= budget) break;
      ctx.log.info(
        { call: req.name, rule: req.rule, attempt, outcome: result.error ?? result.status },
        `call "${req.name}" attempt ${attempt} failed; retrying`,
      );
    }
    const outcome = this.outcome(req, result, record.attempts, performance.now() - started);
    await store.putSend({
      ...record,
      status: 'sent',
      response: JSON.stringify(outcome),
      updatedAt: this.now(),
    });
    const label = outcomeLabel(outcome);
    this.d.metrics.backendCalls.inc({ call: req.name, outcome: label });
    this.d.metrics.backendCallSeconds.observe({ call: req.name }, outcome.durationMs / 1000);
    const shown = redacted(req);
    const fields = {
      call: req.name,
      rule: req.rule,
      method: shown.method,
      url: shown.url,
      outcome: label,
      attempts: outcome.attempts,
      ms: Math.round(outcome.durationMs),
    };
    if (outcome.error)
      ctx.log.warn({ ...fields, detail: outcome.detail }, `call "${req.name}" failed: ${outcome.detail}`);
    else ctx.log.info(fields, `call "${req.name}" answered ${outcome.status}`);
    return outcome;
  }

  private outcome(req: CallRequest, r: AttemptResult, attempts: number, durationMs: number): CallOutcome {
    if (r.error !== undefined)
      return {
        attempts,
        durationMs,
        error: r.error,
        detail: r.detail,
        ...(r.status !== undefined && { status: r.status }),
      };
    return answerOutcome(req, { status: r.status, text: r.text ?? '' }, attempts, durationMs);
  }

  /** One attempt: a free slot, then the request, all within the call's timeout. */
  private async attempt(req: CallRequest, attempt: number): Promise<AttemptResult> {
    const deadline = performance.now() + req.timeoutMs;
    const release = await this.slots.acquire(req.timeoutMs);
    if (!release)
      return {
        error: 'timeout',
        detail: `no free call slot within ${req.timeoutMs} ms (settings.calls.concurrency)`,
      };
    try {
      const concrete = materialize(req, this.d.env);
      if ('missing' in concrete)
        return {
          error: 'env_missing',
          detail: `environment variable ${concrete.missing.join(', ')} is not set; set it where kfbot runs`,
        };
      if ('escapes' in concrete)
        return {
          error: 'host_not_allowed',
          detail: `a placeholder value changed the URL's path (${concrete.escapes})`,
        };
      return await this.send(req, concrete, attempt, deadline);
    } finally {
      release();
    }
  }

  private async send(
    req: CallRequest,
    concrete: ConcreteRequest,
    attempt: number,
    deadline: number,
  ): Promise<AttemptResult> {
    const { request } = await undici();
    const allow = this.d.settings().allow;
    let url = new URL(concrete.url);
    let method: string = req.method;
    let body = concrete.body;
    const signal = AbortSignal.timeout(Math.max(1, Math.round(deadline - performance.now())));
    for (let hop = 0; ; hop++) {
      if (
        !hostAllowed(allow, url.hostname, url.port) ||
        (url.protocol !== 'https:' && url.protocol !== 'http:')
      )
        return {
          error: hop === 0 ? 'host_not_allowed' : 'redirect',
          detail: `${url.host} is not in settings.calls.allow`,
        };
      const headers: Record<string, string> = {
        accept: 'application/json',
        ...(body !== undefined && { 'content-type': 'application/json' }),
        ...concrete.headers,
        'user-agent': USER_AGENT,
        'idempotency-key': req.key,
        'x-kfbot-attempt': String(attempt),
      };
      try {
        const res = await request(url, {
          method: method as Dispatcher.HttpMethod,
          headers,
          ...(body !== undefined && { body }),
          dispatcher: await this.dispatcher(),
          signal,
        });
        const location = res.headers.location;
        if (res.statusCode >= 300 && res.statusCode < 400 && typeof location === 'string') {
          await res.body.dump();
          if (hop >= MAX_REDIRECTS)
            return {
              error: 'redirect',
              detail: `more than ${MAX_REDIRECTS} redirects`,
              status: res.statusCode,
            };
          url = new URL(location, url);
          if (!hostAllowed(allow, url.hostname, url.port))
            return {
              error: 'redirect',
              detail: `redirected to ${url.host}, which is not in settings.calls.allow`,
            };
          if (
            res.statusCode === 303 ||
            ((res.statusCode === 301 || res.statusCode === 302) && method !== 'GET')
          ) {
            method = 'GET';
            body = undefined;
          }
          continue;
        }
        const length = Number(res.headers['content-length'] ?? 0);
        if (length > MAX_ANSWER_BYTES) {
          res.body.destroy();
          return {
            error: 'too_large',
            detail: `the answer is ${length} bytes; kfbot reads at most 1 MB`,
            status: res.statusCode,
          };
        }
        const chunks: Buffer[] = [];
        let size = 0;
        for await (const chunk of res.body) {
          size += (chunk as Buffer).length;
          if (size > MAX_ANSWER_BYTES) {
            res.body.destroy();
            return { error: 'too_large', detail: 'the answer is larger than 1 MB', status: res.statusCode };
          }
          chunks.push(chunk as Buffer);
        }
        return { status: res.statusCode, text: Buffer.concat(chunks).toString('utf8') };
      } catch (err) {
        if (signal.aborted) return { error: 'timeout', detail: `no answer within ${req.timeoutMs} ms` };
        const e = err as Error & { code?: string; cause?: { code?: string; message?: string } };
        if (e.code === PRIVATE_ADDRESS) return { error: 'host_not_allowed', detail: e.message };
        const code = e.cause?.code ?? e.code ?? e.name;
        return { error: 'refused', detail: `${code}: ${e.cause?.message ?? e.message}` };
      }
    }
  }

  /** undici's Agent, with name resolution that refuses private addresses nobody listed. */
  private async dispatcher(): Promise<Dispatcher> {
    if (this.agent) return this.agent;
    const { Agent } = await undici();
    const allow = () => this.d.settings().allow;
    this.agent = new Agent({
      connections: 64,
      connect: {
        lookup: (hostname: string, options: object, callback: (...args: unknown[]) => void) =>
          guardedLookup(hostname, options, callback, allow()),
      } as object,
    });
    return this.agent;
  }

  async close(): Promise<void> {
    await this.agent?.close();
  }
}

/** 250 ms, 500 ms, 1 s, 2 s… before attempt n+1, with ±20 % jitter so replicas do not align. */
function backoffMs(attemptsDone: number): number {
  const base = Math.min(2000, 250 * 2 ** (attemptsDone - 1));
  return base * (0.8 + Math.random() * 0.4);
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
