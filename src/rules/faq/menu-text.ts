/**
 * The text a FAQ-made menu (您是想问, 猜你想问) shows for an item must fit a click item's content:
 * 1–128 bytes (../shared/wecom-kf.md, msgmenu click; longer is refused with 40058 and the customer
 * gets nothing). A 相似问法 pasted from a customer's long message easily passes that (43 Chinese
 * characters), so an item offered by its first question is shortened to fit, keeping its start.
 */
import { byteLength, MENU_CLICK_CONTENT_MAX_BYTES } from '../../wecom/send-limits.ts';

const ELLIPSIS = '…';

/** `text` as is when it fits a menu item, else its longest start that fits with "…" after it. */
export function fitMenuText(text: string): string {
  if (byteLength(text) <= MENU_CLICK_CONTENT_MAX_BYTES) return text;
  const room = MENU_CLICK_CONTENT_MAX_BYTES - byteLength(ELLIPSIS);
  let out = '';
  let used = 0;
  for (const ch of text) {
    const b = byteLength(ch);
    if (used + b > room) break;
    out += ch;
    used += b;
  }
  return `${out.trimEnd()}${ELLIPSIS}`;
}
