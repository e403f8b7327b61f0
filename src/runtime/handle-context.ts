/** What the pull tells the handler about the page an item came in (account-puller.ts). */
import type { Lease } from '../store/pull-work.ts';
import type { PageNickname } from './customer-names.ts';

export interface HandleContext {
  /**
   * This pull reads without a cursor (kfbot's first start, or WeCom refused the stored one): old
   * history kfbot has no record of is recorded, not answered.
   */
  firstStart: boolean;
  /** The pull's ownership of the account, checked before every call to WeCom. */
  lease: Lease;
  /**
   * The msgid of this customer's newest message in the same pull page. WeCom resets its 5-message
   * quota when a customer message *arrives*, so replies to an older message count against the
   * newest one's allowance.
   */
  newestFromCustomer?: (externalUserId: string) => string | undefined;
  /** What the page's batch lookup found for this customer (undefined: it did not ask). */
  nickname?: (externalUserId: string) => PageNickname | undefined;
  /**
   * Where a message that reached a backend call finishes: the call and what follows it run later,
   * on the customer's own chain (account-backlog.ts), once the message is recorded with its
   * pending call. Without it, the call is made inline.
   */
  defer?: (work: () => Promise<void>) => void;
}
