/**
 * One pull of one account: from the stored cursor, with the newest callback token while it is
 * fresh (§3), paging on has_more (§9.5), handing every item to the message handler in order, and
 * storing the cursor only after the page's outcomes are recorded (§9.4) — through the lease's
 * fence, so a replica that lost the account cannot move its cursor.
 */
import type { Logger } from 'pino';
import type { Lease, PullJob } from '../store/pull-work.ts';
import type { Store } from '../store/store.ts';
import { WeComApiError } from '../wecom/api-errors.ts';
import { ERRCODE } from '../wecom/error-codes.ts';
import type { KfApi } from '../wecom/kf-api.ts';
import { isCustomerMessage } from '../wecom/platform-enums.ts';
import type { MessageHandler } from './message-handler.ts';
import type { KfbotMetrics } from './metrics.ts';

export class AccountPuller {
  constructor(
    private readonly kf: KfApi,
    private readonly store: Store,
    private readonly handler: MessageHandler,
    private readonly metrics: KfbotMetrics,
    private readonly log: Logger,
  ) {}

  async pull(job: PullJob): Promise<void> {
    const timer = this.metrics.pullSeconds.startTimer();
    const cursor = await this.store.getCursor(job.openKfId);
    const firstStart = cursor === undefined;
    try {
      await this.#pages(job.openKfId, cursor, job.token, firstStart, job.lease);
    } catch (err) {
      // §8 95007: the callback token expired or is not valid: pull again by cursor alone.
      if (!(job.token && err instanceof WeComApiError && err.errcode === ERRCODE.invalidMsgToken)) throw err;
      this.log.warn(
        { open_kfid: job.openKfId },
        'callback token rejected (95007); pulling by cursor without it',
      );
      await this.#pages(
        job.openKfId,
        await this.store.getCursor(job.openKfId),
        undefined,
        firstStart,
        job.lease,
      );
    } finally {
      timer();
    }
  }

  async #pages(
    openKfId: string,
    cursor: string | undefined,
    token: string | undefined,
    firstStart: boolean,
    lease: Lease,
  ): Promise<void> {
    // No call to WeCom, not even a read, without the lease: a puller that lost the account stops.
    await lease.check();
    for await (const page of this.kf.syncPages({
      open_kfid: openKfId,
      ...(cursor && { cursor }),
      ...(token && { token }),
    })) {
      // WeCom resets a customer's 5-message quota when a message arrives, so replies to an older
      // message count against the newest one's allowance: tell the handler which is newest.
      const newest = new Map<string, string>();
      for (const item of page.items) {
        if (isCustomerMessage(item)) newest.set(item.external_userid, item.msgid);
      }
      for (const item of page.items) {
        await this.handler.handle(item, { firstStart, lease, newestFromCustomer: (id) => newest.get(id) });
      }
      if (page.next_cursor) await this.store.setCursor(openKfId, page.next_cursor, lease.fence);
      await lease.check(); // before the generator asks WeCom for the next page
    }
  }
}
