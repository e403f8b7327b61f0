import type { Logger } from 'pino';
import type { Conversation } from '../conversation/conversation.ts';
import type { Store } from '../store/store.ts';
import type { SyncItem } from '../wecom/sync-item.ts';
import { readOrSetAside } from './set-aside.ts';

/** The stored conversation; an unreadable one is set aside and the customer starts afresh. */
export function conversationOrSetAside(
  store: Store,
  log: Logger,
  item: SyncItem,
): Promise<Conversation | undefined> {
  return readOrSetAside(
    store,
    log.child({ open_kfid: item.open_kfid }),
    () => store.getConversation(item.open_kfid, item.external_userid),
    () => undefined,
  );
}
