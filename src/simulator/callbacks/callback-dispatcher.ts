/**
 * Callbacks as WeCom sends them (wecom-kf.md §2.1, §2.3): for every new item in a KF account's log,
 * a signed, encrypted POST to the configured URL whose plaintext carries a fresh Token (valid
 * 10 min, §3) and the OpenKfId. HTTP 200 means received; any other status, or no answer within
 * 5 s, is a failure, re-sent "3 retries in total". Tests can hold callbacks (pause), release them
 * (resume, flush), throw them away (drop), and wait until none is in flight (idle).
 */
import type { Logger } from 'pino';
import type { Agent } from 'undici';
import { CallbackCodec } from '../../wecom/callback-codec.ts';
import { undici } from '../../wecom/undici.ts';
import type { SimulatorSettings } from '../settings.ts';
import { Signal } from '../signal.ts';
import { SimulatorUsageError } from '../usage-error.ts';
import type { World } from '../world.ts';
import { type VerifyUrlResult, verifyUrl } from './verify-url.ts';

export interface CallbackTarget {
  /** The receiver's URL; the query (msg_signature, timestamp, nonce) is appended. */
  readonly url: string;
  /** The callback Token and EncodingAESKey configured in the admin console (§2.4). */
  readonly token: string;
  readonly encodingAesKey: string;
}

export interface CallbackAttempt {
  /** HTTP status, or undefined when the request failed or timed out. */
  readonly status: number | undefined;
  readonly error: string | undefined;
  readonly durationMs: number;
}

export interface CallbackDelivery {
  readonly id: number;
  readonly openKfId: string;
  /** Simulator clock, ms, when the item that caused it was added. */
  readonly createdAt: number;
  state: 'queued' | 'sending' | 'delivered' | 'failed' | 'dropped';
  /** The Token in the plaintext, once sealed. */
  token: string | undefined;
  readonly attempts: CallbackAttempt[];
}

export class CallbackDispatcher {
  readonly #deliveries: CallbackDelivery[] = [];
  readonly #queue: CallbackDelivery[] = [];
  readonly #inflight = new Set<Promise<void>>();
  readonly #changed = new Signal<CallbackDelivery>();
  /**
   * The HTTP client for callbacks, made by the first one: undici is ~10 MB resident, and a sandbox
   * that no customer has written to yet sends no callback.
   */
  #agent: Promise<Agent> | undefined;
  /** Aborts in-flight attempts when the simulator closes, so close() never waits out a 5 s timeout. */
  readonly #closing = new AbortController();
  #target: { url: string; codec: CallbackCodec } | undefined;
  #paused = false;
  #nextId = 1;

  constructor(
    private readonly world: World,
    private readonly settings: SimulatorSettings,
    private readonly logger: Logger | undefined,
  ) {}

  /** Sets (or with undefined, removes) the receiver. Throws CallbackCryptoError on a bad key or token. */
  configure(target: CallbackTarget | undefined): void {
    this.#target =
      target === undefined
        ? undefined
        : {
            url: target.url,
            codec: new CallbackCodec({
              token: target.token,
              encodingAesKey: target.encodingAesKey,
              corpId: this.world.corpId,
            }),
          };
  }

  get configured(): boolean {
    return this.#target !== undefined;
  }

  /** Every callback so far, oldest first, with its attempts. */
  get deliveries(): readonly CallbackDelivery[] {
    return this.#deliveries;
  }

  /** Hears a delivery whenever its state changes; returns the unsubscribe function. */
  onDelivery(listener: (delivery: CallbackDelivery) => void): () => void {
    return this.#changed.add(listener);
  }

  /** A new item in `openKfId`'s log: one callback (none while no receiver is configured). */
  notify(openKfId: string): void {
    if (this.#target === undefined || this.#closing.signal.aborted) return;
    const delivery: CallbackDelivery = {
      id: this.#nextId++,
      openKfId,
      createdAt: this.world.now(),
      state: 'queued',
      token: undefined,
      attempts: [],
    };
    this.#deliveries.push(delivery);
    if (this.#paused) {
      this.#queue.push(delivery);
      this.#changed.emit(delivery);
    } else {
      this.#start(delivery);
    }
  }

  get paused(): boolean {
    return this.#paused;
  }

  /** Holds new callbacks in a queue until resume() or flush(). */
  pause(): void {
    this.#paused = true;
  }

  resume(): void {
    this.#paused = false;
    for (const d of this.#queue.splice(0)) this.#start(d);
  }

  /** Sends the held callbacks now (even while paused) and waits until nothing is in flight. */
  async flush(): Promise<void> {
    for (const d of this.#queue.splice(0)) this.#start(d);
    await this.idle();
  }

  /** Throws the held callbacks away, as if WeCom never sent them; returns how many. */
  drop(): number {
    const dropped = this.#queue.splice(0);
    for (const d of dropped) {
      d.state = 'dropped';
      this.#changed.emit(d);
    }
    return dropped.length;
  }

  /** Resolves when no callback is in flight and (unless paused) none is waiting. */
  async idle(): Promise<void> {
    while (this.#inflight.size > 0 || (!this.#paused && this.#queue.length > 0)) {
      await Promise.allSettled([...this.#inflight]);
    }
  }

  /** The GET URL-verification handshake against the configured receiver (§2.2). */
  verifyUrl(): Promise<VerifyUrlResult> {
    const target = this.#target;
    if (target === undefined) {
      throw new SimulatorUsageError(
        'BAD_ARGUMENT',
        'no callback receiver is configured: call callbacks.configure() first',
      );
    }
    return verifyUrl({
      url: target.url,
      codec: target.codec,
      ids: this.world.ids,
      timestamp: String(this.world.seconds()),
      timeoutMs: this.settings.verifyUrlTimeoutMs,
      dispatcher: this.#client(),
    });
  }

  /** Drops held callbacks, aborts in-flight ones and closes the connections. Idempotent. */
  async close(): Promise<void> {
    if (this.#closing.signal.aborted) return;
    this.drop();
    this.#closing.abort();
    await this.idle();
    if (this.#agent !== undefined) await (await this.#agent).close();
  }

  #client(): Promise<Agent> {
    this.#agent ??= undici().then(({ Agent }) => new Agent({ keepAliveTimeout: 1000 }));
    return this.#agent;
  }

  #start(delivery: CallbackDelivery): void {
    const p = this.#deliver(delivery).finally(() => this.#inflight.delete(p));
    this.#inflight.add(p);
  }

  async #deliver(delivery: CallbackDelivery): Promise<void> {
    const target = this.#target;
    if (target === undefined) {
      delivery.state = 'dropped';
      this.#changed.emit(delivery);
      return;
    }
    // §2.1: the plaintext carries a fresh Token, valid 10 min, for this account.
    const now = this.world.now();
    const token = this.world.callbackTokens.issue(delivery.openKfId, now);
    const seconds = String(Math.floor(now / 1000));
    const sealed = target.codec.sealNotice(
      {
        event: 'kf_msg_or_event',
        toUserName: this.world.corpId,
        createTime: Math.floor(now / 1000),
        msgType: 'event',
        token,
        openKfId: delivery.openKfId,
      },
      { timestamp: seconds, nonce: this.world.ids.nonce() },
    );
    delivery.token = token;
    delivery.state = 'sending';
    this.#changed.emit(delivery);
    const url = `${target.url}${target.url.includes('?') ? '&' : '?'}${new URLSearchParams(sealed.query)}`;
    // §2.3: the first attempt plus "3 retries in total", each re-sending the same request.
    for (
      let attempt = 0;
      attempt <= this.settings.callbackRetries && !this.#closing.signal.aborted;
      attempt++
    ) {
      if (attempt > 0 && this.settings.callbackRetryDelayMs > 0) {
        await new Promise((r) => setTimeout(r, this.settings.callbackRetryDelayMs));
      }
      const result = await this.#post(url, sealed.body);
      delivery.attempts.push(result);
      this.logger?.debug(
        { openKfId: delivery.openKfId, attempt: attempt + 1, status: result.status, error: result.error },
        'simulator: callback attempt',
      );
      // §2.3: "HTTP 200 means received; any other status counts as failure and is retried".
      if (result.status === 200) {
        delivery.state = 'delivered';
        this.#changed.emit(delivery);
        return;
      }
      this.#changed.emit(delivery);
    }
    delivery.state = 'failed';
    this.#changed.emit(delivery);
  }

  async #post(url: string, body: string): Promise<CallbackAttempt> {
    // Loaded before the clock starts: loading undici is not the receiver's time to answer.
    const [{ request }, dispatcher] = await Promise.all([undici(), this.#client()]);
    const started = performance.now();
    // §2.3: WeCom "drops the connection if it gets no response within 5 seconds".
    const timeout = AbortSignal.timeout(this.settings.callbackTimeoutMs);
    const signal = AbortSignal.any([timeout, this.#closing.signal]);
    try {
      const res = await request(url, {
        method: 'POST',
        body,
        headers: { 'content-type': 'text/xml; charset=utf-8' },
        signal,
        dispatcher,
      });
      await res.body.text();
      return { status: res.statusCode, error: undefined, durationMs: performance.now() - started };
    } catch (err) {
      const error = timeout.aborted
        ? `no answer within ${this.settings.callbackTimeoutMs} ms`
        : describe(err);
      return { status: undefined, error, durationMs: performance.now() - started };
    }
  }
}

function describe(err: unknown): string {
  if (err instanceof Error)
    return 'code' in err && typeof err.code === 'string' ? `${err.code}: ${err.message}` : err.message;
  return String(err);
}
