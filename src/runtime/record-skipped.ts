import type { Logger } from 'pino';
import type { Conversation } from '../conversation/conversation.ts';
import type { SyncItem } from '../wecom/sync-item.ts';
import type { HandlerDeps } from './handler-deps.ts';

/** Records the item as handled without a reply, with the customer's new conversation if given. */
export async function recordSkipped(
  d: Pick<HandlerDeps, 'store' | 'metrics' | 'now'>,
  item: SyncItem,
  note: string,
  outcome: string,
  log: Logger,
  conversation?: Conversation,
): Promise<void> {
  await d.store.recordMessage(
    {
      msgid: item.msgid,
      openKfId: item.open_kfid,
      externalUserId: item.external_userid,
      status: 'skipped',
      note,
      createdAt: d.now(),
    },
    conversation && { openKfId: item.open_kfid, externalUserId: item.external_userid, value: conversation },
  );
  d.metrics.messages.inc({ kind: item.kind, outcome });
  log.info({ note }, 'recorded without a reply');
}
