/**
 * Customers' nicknames for {{nickname}}, from kf/customer/batchget (§7.2), kept in the customer's
 * conversation record for a day so a busy conversation costs one lookup, not one per message —
 * and asked for once per sync_msg page for every customer of the page not already known
 * (batchget takes up to 100 ids a call), not once per customer.
 */
import type { Logger } from 'pino';
import { type Conversation, nicknameFresh } from '../conversation/conversation.ts';
import { rulesUseNickname } from '../rules/rules-use-nickname.ts';
import type { Lease } from '../store/pull-work.ts';
import type { Store } from '../store/store.ts';
import { UnreadableRecordError } from '../store/stored-records.ts';
import type { KfApi } from '../wecom/kf-api.ts';
import type { SyncItem } from '../wecom/sync-item.ts';
import type { LiveRules } from './live-rules.ts';

/** What a page's batch lookup found for one customer. */
export interface PageNickname {
  /** undefined: WeCom knows no nickname for this id (it is cached as such). */
  value: string | undefined;
  /** The batch call failed: nothing is known, and nothing is cached. */
  failed: boolean;
}

/**
 * The nickname for {{nickname}}: the conversation's cached one while it is fresh, else the page's
 * batch lookup (`fromPage`), else asked of WeCom for this one customer. `nicknameFetchedAt` says
 * it was fetched, and the conversation step caches it. Mutates nothing.
 */
export async function lookUpNickname(
  kf: KfApi,
  conversation: Conversation,
  externalUserId: string,
  now: number,
  log: Logger,
  fromPage?: PageNickname,
): Promise<{ nickname: string | undefined; nicknameFetchedAt?: number }> {
  if (nicknameFresh(conversation, now)) return { nickname: conversation.nickname };
  if (fromPage) {
    // A failed batch was logged once for the page; templates fall back to their default.
    if (fromPage.failed) return { nickname: conversation.nickname };
    return { nickname: fromPage.value, nicknameFetchedAt: now };
  }
  try {
    const { customers } = await kf.batchGetCustomers([externalUserId]);
    return { nickname: customers[0]?.nickname, nicknameFetchedAt: now };
  } catch (err) {
    // A missing nickname is not worth a missing reply: templates fall back to their default.
    log.warn({ err }, 'could not get the customer nickname; using the template default');
    return { nickname: conversation.nickname };
  }
}

/** One page's nickname lookups: one batchget for every customer of the page kfbot does not know. */
export class PageNicknames {
  readonly #found = new Map<string, PageNickname>();

  constructor(
    private readonly kf: KfApi,
    private readonly store: Store,
    private readonly rules: LiveRules,
    private readonly log: Logger,
  ) {}

  get(externalUserId: string): PageNickname | undefined {
    return this.#found.get(externalUserId);
  }

  /** The stored conversation, or undefined if unreadable (the handler sets that one aside). */
  #readable(openKfId: string, externalUserId: string) {
    return this.store.getConversation(openKfId, externalUserId).catch((err: unknown) => {
      if (err instanceof UnreadableRecordError) return undefined;
      throw err;
    });
  }

  async prefetch(items: readonly SyncItem[], lease: Lease, now: number): Promise<void> {
    const ruleSet = this.rules.current?.ruleSet;
    if (!ruleSet || !rulesUseNickname(ruleSet)) return;
    const ids = new Map<string, string>(); // external_userid → open_kfid
    for (const item of items) {
      if (item.external_userid && item.msgid && item.kind !== 'unknown')
        ids.set(item.external_userid, item.open_kfid);
    }
    const known = await Promise.all(
      [...ids].map(async ([id, openKfId]) => nicknameFresh(await this.#readable(openKfId, id), now)),
    );
    const unknown = [...ids.keys()].filter((_, i) => !known[i]);
    // One customer alone is looked up by the handler as before: no gain in batching it here.
    if (unknown.length < 2) return;
    lease.check();
    try {
      const { customers } = await this.kf.batchGetCustomers(unknown);
      const byId = new Map(customers.map((c) => [c.external_userid, c.nickname]));
      for (const id of unknown) this.#found.set(id, { value: byId.get(id), failed: false });
    } catch (err) {
      this.log.warn(
        { err, customers: unknown.length },
        'could not get the customers’ nicknames; using the template default',
      );
      for (const id of unknown) this.#found.set(id, { value: undefined, failed: true });
    }
  }
}
