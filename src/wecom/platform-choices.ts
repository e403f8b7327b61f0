/**
 * Facts the platform fact sheet (shared/wecom-kf.md) marks uncertain (⚠), and the choice kfbot
 * makes for each. Both kfbot's own checks and the built-in WeCom simulator read them from here,
 * so changing one choice changes both sides at once.
 */

/**
 * Max bytes of a msgmenu click item id. §5: "1–64 bytes (SILENCE) ⚠ or 1–128 bytes (WXKEFU-RS)".
 * We take the stricter 64 so that anything kfbot accepts is accepted under either reading.
 */
export const CLICK_ID_MAX_BYTES = 64;

/** Max bytes of a msgmenu `text` item's content. §5: "1–256 bytes per WXKEFU-RS ⚠". */
export const MENU_TEXT_ITEM_MAX_BYTES = 256;

/**
 * The errcode WeCom answers when a client `msgid` was already used in the same KF account.
 * §5/§9.12: "If set it must be unique within the KF account, or the API returns an error (error
 * code not found ⚠)". We choose 40058 (invalid parameter), the generic code for a bad field.
 */
export const DUPLICATE_MSGID_ERRCODE = 40058;
export const DUPLICATE_MSGID_ERRMSG = 'invalid msgid: already used in this kf account';

/**
 * The errcode for a send_msg_on_event `code` that is unknown, expired or already used.
 * §6: "Error codes for an expired or used code: not found ⚠. Expect a non-zero errcode; do not
 * retry." We choose 40058 (invalid parameter).
 */
export const INVALID_EVENT_CODE_ERRCODE = 40058;
export const INVALID_EVENT_CODE_ERRMSG = 'invalid code: unknown, expired or already used';

/**
 * Whether service_state/trans may move a session from 0 (未处理) or 1 (智能助手接待) straight to
 * 4 (已结束). §7.1: "⚠ Whether 0 or 1 may go directly to 4 through the API is not explicit". A bot
 * ending its own conversation is common practice, so we allow it.
 */
export const TRANS_FROM_BOT_TO_ENDED_ALLOWED = true;

/** Max ids per customer/batchget call. §7.2: "⚠ max list size not confirmed; 100 is commonly assumed". */
export const BATCHGET_MAX_IDS = 100;

/**
 * Whether a menu-click reply (a text with menu_id) re-opens the 48 h send window. §5: "⚠ Per
 * WXKEFU-RS 95024, a menu-click reply does not count as a user-initiated message for the 48 h
 * window (unverified)". It does re-open the 5-message quota (it is a customer message). We follow
 * the documented rule ("用户发送消息 | 5条 | 48 小时") and count it for both.
 */
export const MENU_CLICK_OPENS_SEND_WINDOW = true;
