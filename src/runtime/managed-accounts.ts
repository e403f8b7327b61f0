/**
 * §9.14: "optionally check OpenKfId against the accounts you manage (JUZI does)". A verified
 * callback names an account; this checks it against kf/account/list (§7.3: the accounts this
 * app sees, and `manage_privilege`, whether it may manage each) and, for one that is not among
 * them, says so once per account with what to check, and counts every such callback. The pull
 * goes ahead all the same (the choice and its reasons: platform-choices.ts, §9.14): the callback is
 * signed by WeCom for this corp, WeCom decides what sync_msg may read (refusals: account-puller),
 * and a list read minutes ago must not leave a newly delegated account's customers unanswered.
 *
 * The list is read on the first callback and again, at most every LIST_TTL_MS, when a callback
 * names an account it does not hold; the check runs after the callback is answered, never
 * holding up WeCom's 5-second deadline (§2.3).
 */
import type { Logger } from 'pino';
import type { KfAccount } from '../wecom/kf-api.ts';
import type { KfbotMetrics } from './metrics.ts';

/** How long a read of kf/account/list is trusted before an unknown account makes it read again. */
const LIST_TTL_MS = 10 * 60_000;

export class ManagedAccounts {
  /** open_kfid → may this app manage it; undefined until the list was read once. */
  #accounts: Map<string, boolean> | undefined;
  #readAt = Number.NEGATIVE_INFINITY;
  #reading: Promise<void> | undefined;
  readonly #warned = new Set<string>();
  #listFailureLogged = false;

  constructor(
    private readonly list: () => Promise<KfAccount[]>,
    private readonly metrics: KfbotMetrics,
    private readonly log: Logger,
    private readonly now: () => number = Date.now,
  ) {}

  /** Checks the account a verified callback named; never throws (a failed list read is logged). */
  async observe(openKfId: string): Promise<void> {
    if (this.#accounts?.get(openKfId) === true) return;
    if (!this.#accounts?.has(openKfId) && this.now() - this.#readAt >= LIST_TTL_MS) await this.#read();
    const accounts = this.#accounts;
    if (accounts === undefined || accounts.get(openKfId) === true) return;
    this.metrics.unmanagedAccountCallbacks.inc();
    if (this.#warned.has(openKfId)) return;
    this.#warned.add(openKfId);
    const why = accounts.has(openKfId)
      ? 'kf/account/list says this app may not manage it (manage_privilege false)'
      : 'kf/account/list does not list it for this app';
    this.log.warn(
      { open_kfid: openKfId },
      `a callback named 客服 account ${openKfId}, but ${why}: check in the 微信客服 admin console that the account is this enterprise's and that this app is among its 可调用接口的应用. kfbot pulls it anyway — WeCom decides what this app may read — and says this once per account (counted in kfbot_unmanaged_account_callbacks_total)`,
    );
  }

  /** One read at a time; a failure keeps the last list (or none) and is logged once. */
  #read(): Promise<void> {
    this.#reading ??= (async () => {
      try {
        const list = await this.list();
        this.#accounts = new Map(list.map((a) => [a.open_kfid, a.manage_privilege !== false]));
        this.#readAt = this.now();
      } catch (err) {
        if (!this.#listFailureLogged)
          this.log.warn(
            { err: (err as Error).message },
            'could not read kf/account/list to check the account a callback named; the account is pulled unchecked',
          );
        this.#listFailureLogged = true;
        this.#readAt = this.now();
      } finally {
        this.#reading = undefined;
      }
    })();
    return this.#reading;
  }
}
