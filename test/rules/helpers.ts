import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { decodeSyncItem, type SyncItem } from '../../src/wecom/sync-item.ts';

/** Writes files (path → content) into a fresh temp folder and returns it. */
export function ruleDir(files: Record<string, string | Buffer>): string {
  const dir = mkdtempSync(join(tmpdir(), 'kfbot-rules-'));
  for (const [name, content] of Object.entries(files)) {
    mkdirSync(dirname(join(dir, name)), { recursive: true });
    writeFileSync(join(dir, name), content);
  }
  return dir;
}

/**
 * A customer's text as sync_msg returns it (origin 3), on account wkA from customer wm1; its msgid
 * in-1 is what the planned calls' client msgids derive from (clientMsgid('in-1', step)).
 */
export function textItem(content = 'go', menuId?: string): SyncItem {
  return decodeSyncItem({
    msgid: 'in-1',
    open_kfid: 'wkA',
    external_userid: 'wm1',
    send_time: 1,
    origin: 3,
    msgtype: 'text',
    // A menu_id: the customer clicked a menu's reply option (WeCom sends its label as the text).
    text: { content, ...(menuId && { menu_id: menuId }) },
  });
}
