/**
 * Fires an account's due idle rules, inside its pull (account-puller.ts): after the pull has read
 * everything WeCom holds — so a customer who wrote meanwhile has already cancelled the silence —
 * and under the same lease. Each due rule becomes an idle item (conversation/silence.ts) that goes
 * through the message handler like a message: decided once, recorded with the conversation that
 * marks it fired, its calls made through the same guards, budget and records. Customers run in
 * lanes like a page's items; a customer's due rules fire in order of idle_for.
 */
import type { Logger } from 'pino';
import { dueIdleRules, idleItem, idleRules, markFired, withSilence } from '../conversation/silence.ts';
import type { DueSilence } from '../store/idle-timer-index.ts';
import type { Lease } from '../store/pull-work.ts';
import type { Store } from '../store/store.ts';
import { SEND_WINDOW_MS } from '../wecom/send-limits.ts';
import { runInLanes } from './customer-lanes.ts';
import type { LiveRules } from './live-rules.ts';
import type { MessageHandler } from './message-handler.ts';
import { readOrSetAside } from './set-aside.ts';

/** Due customers read per round; an account with more goes round again. */
const BATCH = 200;

export interface IdleFiringDeps {
  store: Store;
  rules: LiveRules;
  handler: MessageHandler;
  log: Logger;
  now: () => number;
  concurrency: number;
}

export class IdleFiring {
  constructor(private readonly d: IdleFiringDeps) {}

  async fireDue(openKfId: string, lease: Lease): Promise<void> {
    const until = this.d.now();
    for (;;) {
      lease.check();
      const due = await this.d.store.dueIdle(openKfId, until, BATCH);
      if (due.length === 0) return;
      await runInLanes(
        due.map((d) => ({ ...d, key: d.externalUserId, deadline: d.dueAt + SEND_WINDOW_MS })),
        this.d.concurrency,
        (d) => this.#fireCustomer(d, lease),
      );
      if (due.length < BATCH) return;
    }
  }

  async #fireCustomer(due: DueSilence, lease: Lease): Promise<void> {
    const { store, log } = this.d;
    const { openKfId, externalUserId } = due;
    const rules = this.d.rules.current;
    if (!rules) return;
    const idle = idleRules(rules.ruleSet);
    let previous: string | undefined;
    // Bounded: each round marks one rule fired, or finds none due and stops.
    for (let round = 0; round <= idle.length; round++) {
      const conversation = await readOrSetAside(
        store,
        log.child({ open_kfid: openKfId }),
        () => store.getConversation(openKfId, externalUserId),
        () => undefined,
      );
      if (!conversation) {
        await store.clearIdleDue(openKfId, externalUserId); // nothing left to be silent in
        return;
      }
      const [rule] = dueIdleRules(conversation, idle, this.d.now());
      if (!rule || !conversation.silence) {
        // The rules changed since the timer was set (an idle rule removed or made longer): set it
        // again from the rules as they are now.
        const current = withSilence(conversation, conversation.silence, idle);
        if (round === 0 || current.idleDueAt !== conversation.idleDueAt)
          await store.putConversation(openKfId, externalUserId, current);
        return;
      }
      if (rule.name === previous) {
        // Its item was handled before but the conversation does not say so (it was recorded by
        // another handler first): mark it here, or the timer would be due forever.
        log.warn({ open_kfid: openKfId, rule: rule.name }, 'idle rule already handled; marking it fired');
        await store.putConversation(openKfId, externalUserId, markFired(conversation, rule.name, idle));
        continue;
      }
      previous = rule.name;
      lease.check();
      log.info(
        { open_kfid: openKfId, external_userid: externalUserId, rule: rule.name },
        `customer silent since ${new Date(conversation.silence.since).toISOString()}: idle rule "${rule.name}" is due`,
      );
      await this.d.handler.handle(idleItem(openKfId, externalUserId, rule, conversation.silence), {
        firstStart: false,
        lease,
      });
    }
  }
}
