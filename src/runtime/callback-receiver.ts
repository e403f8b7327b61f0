/**
 * /callback, transport-free (octokit/webhooks' split): GET answers WeCom's URL verification with
 * the exact decrypted echostr (§2.2); POST verifies the notice, records the pull as durable work,
 * and only then says 200 — so a crash right after the answer loses nothing (§9.1: answer first,
 * work after). Every refusal has its own status and a logged reason, and
 * triggers no pull.
 */
import type { Logger } from 'pino';
import type { PullWork } from '../store/pull-work.ts';
import { CallbackCodec } from '../wecom/callback-codec.ts';
import { CallbackCryptoError } from '../wecom/callback-crypto.ts';
import { CallbackEnvelopeError } from '../wecom/callback-envelope.ts';
import { CALLBACK_FRESHNESS_WINDOW_DEFAULT_SEC } from '../wecom/platform-choices.ts';
import type { KfbotMetrics } from './metrics.ts';

export interface CallbackQuery {
  msg_signature?: string | null;
  timestamp?: string | null;
  nonce?: string | null;
  echostr?: string | null;
}

export interface Answer {
  status: number;
  body: string;
}

const STATUS_FOR: Record<string, number> = {
  MISSING_PARAMETER: 400,
  BAD_SIGNATURE: 401,
  RECEIVE_ID_MISMATCH: 403,
  TO_USER_NAME_MISMATCH: 403,
};

/** Checks the account a verified callback named (managed-accounts.ts); never throws. */
export interface AccountCheck {
  observe(openKfId: string): Promise<void>;
}

export class CallbackReceiver {
  readonly #codec: CallbackCodec;
  readonly #accounts: AccountCheck | undefined;

  constructor(
    opts: { token: string; encodingAesKey: string; corpId: string; accounts?: AccountCheck },
    private readonly work: PullWork,
    private readonly metrics: KfbotMetrics,
    private readonly log: Logger,
    private readonly now: () => number = Date.now,
    /**
     * 0: no freshness window (platform-choices.ts CALLBACK_FRESHNESS_WINDOW_DEFAULT_SEC); else a
     * POST signed further than this from now is refused as a replay (KFBOT_CALLBACK_MAX_SKEW).
     */
    private readonly maxSkewMs = CALLBACK_FRESHNESS_WINDOW_DEFAULT_SEC * 1000,
  ) {
    const { accounts, ...keys } = opts;
    this.#codec = new CallbackCodec(keys);
    this.#accounts = accounts;
  }

  /** A signed timestamp too far from now: a replay of a captured request, or a broken clock. */
  #stale(query: CallbackQuery): Answer | undefined {
    const ts = Number(query.timestamp);
    if (this.maxSkewMs === 0) return undefined;
    if (!query.timestamp || !Number.isFinite(ts)) return undefined; // the codec reports it missing
    const skew = Math.abs(this.now() - ts * 1000);
    if (skew <= this.maxSkewMs) return undefined;
    this.metrics.callbacks.inc({ result: 'stale' });
    this.log.warn(
      { skewSec: Math.round(skew / 1000), maxSkewSec: this.maxSkewMs / 1000 },
      'callback refused: its timestamp is outside the freshness window (a replay, or this server’s clock is wrong)',
    );
    const sec = Math.round(skew / 1000);
    const when = ts * 1000 < this.now() ? `${sec} s ago` : `${sec} s in the future`;
    return {
      status: 403,
      body: `STALE_TIMESTAMP: the request was signed ${when}, outside the ${this.maxSkewMs / 1000} s window (KFBOT_CALLBACK_MAX_SKEW): a replay, or this server's clock is wrong (sync it with NTP)`,
    };
  }

  /**
   * No freshness window here, unlike POST: verification only echoes the decrypted echostr, so a
   * replayed GET reveals nothing its original answer did not, and triggers no work. WeCom's own
   * sample requests (wecom-kf.md §2.5, vectors A and B) are from 2014 and must still verify.
   */
  verifyUrl(query: CallbackQuery): Answer {
    try {
      const echo = this.#codec.verifyUrl(query);
      this.metrics.callbacks.inc({ result: 'verified' });
      this.log.info('callback URL verified by WeCom');
      return { status: 200, body: echo };
    } catch (err) {
      return this.#refuse(err, 'URL verification');
    }
  }

  /**
   * POST. With KFBOT_CALLBACK_MAX_SKEW set, a stale notice is refused (see #stale); by default it
   * is not: a replay only triggers an idempotent pull from the stored cursor.
   */
  async receive(query: CallbackQuery, body: string): Promise<Answer> {
    const stale = this.#stale(query);
    if (stale) return stale;
    let event: ReturnType<CallbackCodec['openNotice']>;
    try {
      event = this.#codec.openNotice(query, body);
    } catch (err) {
      return this.#refuse(err, 'callback');
    }
    if (event.event !== 'kf_msg_or_event') {
      this.metrics.callbacks.inc({ result: 'ignored' });
      this.log.info({ event: event.event }, 'callback event kfbot does not act on; acknowledged');
      return { status: 200, body: 'success' };
    }
    try {
      await this.work.enqueue(event.openKfId, event.token, this.now());
    } catch (err) {
      // Not recorded, so not acknowledged: WeCom retries it (§2.3).
      this.metrics.callbacks.inc({ result: 'unavailable' });
      this.log.error({ err }, 'could not record the callback; answering 503 so WeCom retries');
      return { status: 503, body: 'store unavailable' };
    }
    this.metrics.callbacks.inc({ result: 'accepted' });
    this.log.debug({ open_kfid: event.openKfId }, 'callback accepted');
    // §9.14, after the answer is decided: the check may read kf/account/list, which must not hold
    // up WeCom's 5 s (§2.3), and it stops no pull (managed-accounts.ts).
    void this.#accounts?.observe(event.openKfId);
    return { status: 200, body: 'success' };
  }

  /**
   * A POST the HTTP adapter refused before reading it (a body too large, or a form or JSON body):
   * counted with the other refusals, so the callback-refusal alert sees it too.
   */
  refusedUnread(result: 'too_large' | 'bad_request'): void {
    this.metrics.callbacks.inc({ result });
  }

  #refuse(err: unknown, what: string): Answer {
    if (err instanceof CallbackCryptoError || err instanceof CallbackEnvelopeError) {
      const status = STATUS_FOR[err.code] ?? 400;
      this.metrics.callbacks.inc({ result: status === 401 ? 'bad_signature' : 'bad_request' });
      this.log.warn({ code: err.code, status }, `${what} refused: ${err.message}`);
      return { status, body: `${err.code}: ${err.message}` };
    }
    throw err;
  }
}
