import type { Logger } from 'pino';
import { newConversation } from '../conversation/conversation.ts';
import { afterCalls, type CallOutcome, refusedEnd } from '../conversation/conversation-step.ts';
import type { StoredPlan } from '../store/stored-records.ts';
import type { SyncItem } from '../wecom/sync-item.ts';
import { conversationOrSetAside } from './conversation-or-set-aside.ts';
import type { HandlerDeps } from './handler-deps.ts';

/**
 * Once a message's calls are made: stores what WeCom's answers say about the session
 * (`afterCalls`: a silence begins, a refused end ends it on kfbot's side…), marks the message
 * done, and counts what was sent for the reports.
 */
export async function finishAfterCalls(
  d: Pick<HandlerDeps, 'store' | 'rules' | 'now' | 'log' | 'metrics' | 'activity'>,
  item: SyncItem,
  plan: StoredPlan,
  outcomes: CallOutcome[],
  log: Logger,
): Promise<void> {
  const { store, metrics } = d;
  if (outcomes.some(refusedEnd))
    log.warn(
      'WeCom refused to end the session from its current state (95016); kfbot records it as ended on its side and stops acting in it',
    );
  if (item.external_userid) {
    // Read again: the record is the one this message's plan wrote, or newer after a resume.
    const conversation = (await conversationOrSetAside(store, d.log, item)) ?? newConversation();
    const rules = d.rules.current;
    const after = rules ? afterCalls(conversation, outcomes, { item, rules, now: d.now() }) : conversation;
    if (after !== conversation) await store.putConversation(item.open_kfid, item.external_userid, after);
  }
  await store.finishMessage(item.msgid, 'done');
  await d.activity.called(item, plan, outcomes, log);
  metrics.messages.inc({ kind: item.kind, outcome: 'answered' });
}
