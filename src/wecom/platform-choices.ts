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
 * ending its own conversation is common practice (an idle rule's timeout does exactly that), so we
 * allow it. Should WeCom refuse it (95016), kfbot records the session as ended on its side, logs
 * it, and stops acting in it (conversation-step.ts `refusedEnd`).
 */
export const TRANS_FROM_BOT_TO_ENDED_ALLOWED = true;

/**
 * Whether a callback POST whose signed `timestamp` is far from now is refused, by default. §2.4:
 * "Neither the official samples nor SILENCE, JUZI or PAWA check that timestamp is fresh … A
 * freshness window is optional hardening and nothing official requires it." With one on by
 * default, WeCom's own sample POST (§2.5 vector B, and derived vector F, signed in 2014) is
 * refused, and so is every real callback on a server whose clock drifted. What a replay can do
 * without one is small: a captured notice, signed by WeCom, only makes kfbot pull the named
 * account from its stored cursor — an idempotent read that reveals nothing and answers nothing
 * twice (messages are deduplicated by msgid); its callback token lapses after 10 minutes (§3), so
 * the pull runs by cursor alone. So the window is off by default (0), like the samples and peers,
 * and KFBOT_CALLBACK_MAX_SKEW ≥ 30 turns it on (WeCom's own retries span ~20 s, §2.3). URL
 * verification (GET) never has one: it only echoes what its original answer showed.
 */
export const CALLBACK_FRESHNESS_WINDOW_DEFAULT_SEC = 0;

/** Max ids per customer/batchget call. §7.2: "⚠ max list size not confirmed; 100 is commonly assumed". */
export const BATCHGET_MAX_IDS = 100;

/**
 * Whether a menu-click reply (a text with menu_id) re-opens the 48 h send window. §5: "⚠ Per
 * WXKEFU-RS 95024, a menu-click reply does not count as a user-initiated message for the 48 h
 * window (unverified)". It does re-open the 5-message quota (it is a customer message). We follow
 * the documented rule ("用户发送消息 | 5条 | 48 小时") and count it for both.
 */
export const MENU_CLICK_OPENS_SEND_WINDOW = true;

/**
 * The errcode sync_msg answers for a `cursor` it did not issue, or issued for another open_kfid.
 * §3: "What error a stale or invalid cursor returns: no source documents it ⚠" and "Cursor scope
 * (per app? per KF account?) ... unanswered". We keep cursors per open_kfid (as peers do) and
 * choose 40058 (invalid parameter), so a client must not treat it as retryable. kfbot reads a
 * 40058 on a pull that sent a stored cursor as this: retrying with that cursor would fail for
 * ever, so it logs one warning and reads the account from an empty cursor, where msgid dedup
 * keeps what it already handled from being answered again (account-puller.ts). §3 warns against
 * resetting *silently* (a replay of 3 days); the dedup records outlive WeCom's retention.
 */
export const INVALID_CURSOR_ERRCODE = 40058;
export const INVALID_CURSOR_ERRMSG = 'invalid cursor: not issued by sync_msg for this open_kfid';

/**
 * The errcode for a send_msg_on_event code used after its session left the state the code was
 * issued for. §6: "the message can be sent only while the session is still in the state for which
 * the code was issued" — but no errcode is given ⚠. We choose 95018 ("the current session state
 * does not allow sending", §8), the code the same situation gets on send_msg. The code is not
 * consumed by the refusal.
 */
export const EVENT_CODE_WRONG_STATE_ERRCODE = 95018;

/**
 * The errcode for a msgtype the code's scenario does not allow (e.g. a msgmenu with a queue or
 * reply code, which §6's table limits to text). Not documented ⚠; we choose 40008 (invalid
 * msgtype, §8), the code for a msgtype outside text/msgmenu.
 */
export const EVENT_CODE_MSGTYPE_NOT_ALLOWED_ERRCODE = 40008;

/**
 * The errcode send_msg answers once 48 h have passed since the customer's last message in a
 * session the bot held (state 0/1), which the platform has meanwhile ended. §8 lists both "95002
 * send window: 48 h after the customer's message" and "95018 ... (state not 0/1, or the session
 * is past 48 h)" ⚠. We answer 95002, the more specific reason, when the session ended by timeout
 * from 0/1; a session ended by a servicer or the API, queued, with a human, or never started
 * answers 95018.
 */
export const SEND_AFTER_TIMEOUT_ERRCODE = 95002;

/**
 * The errcode service_state/trans answers when the target servicer is not 接待中. §7.1: "that
 * receptionist must be '正在接待' and activated in WeCom, else 95014", while §8 also lists "95019
 * receptionist stopped or suspended reception" ⚠. We follow §7.1's explicit rule: 95014.
 */
export const SERVICER_NOT_RECEIVING_ERRCODE = 95014;

/**
 * The errcode for a request body that is not valid JSON. §8: it "comes back with errmsg
 * containing `Warning: wrong json format.`" but the errcode is not given ⚠. We choose 40058
 * (invalid parameter, whose §8 meaning includes "bad JSON").
 */
export const WRONG_JSON_FORMAT_ERRCODE = 40058;

/**
 * Which errcode each media/upload failure gets. §7.4 gives the limits (every file >5 bytes; image
 * 10MB JPG/PNG; voice 2MB, ≤60 s, AMR only; video 10MB MP4; file 20MB); §8 only groups "40004/
 * 40005/40006/40009/40011 bad media type / type param / size" and "45001 media file too large" ⚠.
 * We follow the names on WeCom's error-code page: 40004 不合法的媒体文件类型, 40005 不合法的type参数,
 * 40006 不合法的文件大小, 40009 image size, 40011 video size, 45001 多媒体文件大小超过限制. A missing
 * `media` part is a required field left empty: 40058.
 */
export const MEDIA_UPLOAD_ERRCODES = {
  badFormat: 40004,
  badTypeParam: 40005,
  badSize: 40006,
  imageTooLarge: 40009,
  videoTooLarge: 40011,
  tooLarge: 45001,
  missingMedia: 40058,
} as const;

/**
 * Whether gettoken hands back the still-valid token instead of a new one. §1 ⚠: older copies of
 * the doc said "有效期内重复获取返回相同结果"; the current page dropped the sentence ("Do not rely on
 * it. Treat every gettoken result as possibly new"). We issue a new token on every call (earlier
 * ones stay valid until they expire), the reading that punishes a client relying on sameness.
 */
export const GETTOKEN_REUSES_LIVE_TOKEN = false;

/**
 * Whether an API answering 40001 makes kfbot fetch a new token and retry once, as it does for
 * 40014/42001. §1 ⚠: in WeCom 40001 is 不合法的secret参数 (a wrong or rotated secret, or a disabled
 * app), so a refresh helps only after a rotation; some peers (PAWA, WXKEFU-RS) refresh on it anyway.
 * §9.13: "Refresh on 40014/42001 only (40001 means a bad secret; repeated secret errors ban the IP
 * for 1 h)". We follow §9.13: no refresh, the operator is told to fix the secret.
 */
export const REFRESH_TOKEN_ON_40001 = false;

/**
 * Whether a sync_msg that has a stored cursor also sends the callback `token`. §3 ⚠: "Whether
 * token and cursor should be sent together ... The official request example sends both. PAWA made
 * them mutually exclusive (LLM-authored); nothing official supports that." We send both: the
 * cursor says where to read from, the token lifts the strict tokenless rate limit.
 */
export const SYNC_SENDS_TOKEN_WITH_CURSOR = true;

/*
 * Uncertain facts kfbot meets without a constant to choose (recorded here so the choice is found
 * in one place):
 * - §3 ⚠ ordering inside msg_list: undocumented. kfbot handles each customer's items in list
 *   order (different customers' items may run side by side, customer-lanes.ts), as peers do.
 * - §5 ⚠ business_card sending: not in the 2023/12/19 doc's list. Rules cannot send it (REPLY_KINDS
 *   in rules/compile-reply.ts); the send checker and the simulator accept the body as SKIT shows it.
 * - §7.3 ⚠ kf/account/list: old clients use GET without a body, the current doc POST. kfbot POSTs
 *   `{offset, limit}` (kf-api.ts), and the simulator serves POST only.
 * - §2.1 [med] AgentID "may be empty or absent for KF": the envelope parser does not require it.
 * - §2.3 [med] "Any 200 body works": kfbot answers `success`, as JUZI and PAWA do.
 * - §2.1 [med] kf_account_auth_change: acknowledged with 200 and logged; kfbot acts on no account
 *   change (the accounts it pulls are the ones WeCom notifies about).
 * - §9.14 "optionally check OpenKfId against the accounts you manage (JUZI does)": optional, and
 *   nothing says what to do on a mismatch. kfbot checks each verified callback's OpenKfId against
 *   kf/account/list (§7.3 manage_privilege) and still pulls an account not given to it: the
 *   callback is signed by WeCom for this corp (§2.4; receiveid and ToUserName are checked),
 *   sync_msg refuses what this app may not read (95000/95004 and the like, §8: the notice is
 *   dropped, not retried), and a list read minutes earlier must not leave a newly delegated
 *   account's customers unanswered. The mismatch is logged once per account with what to check,
 *   and counted in kfbot_unmanaged_account_callbacks_total (runtime/managed-accounts.ts).
 */

/**
 * How many sync_msg pulls without a callback `token` one open_kfid may make per minute before
 * 45009 (API frequency limit, §8). §3 says only that such pulls get "strict frequency limits" ⚠;
 * the numbers are not documented. A bot that pulls only on callbacks never comes near this.
 */
export const SYNC_WITHOUT_TOKEN_PER_MINUTE = 60;

/**
 * The frequency limits per enterprise and per API (§3 "General frequency limits", page 90454,
 * 2023-08-28, [medium]): 10,000 calls per minute and 150,000 per hour; over a limit the API answers
 * 45009 for as long as the limit's window (60 s, or 60 min). Older copies of the page said 1,000 per
 * minute ⚠. We take the current page. The per-IP limits (20,000/min, 600,000/h) are higher than
 * these for one enterprise, so keeping these keeps them.
 */
export const API_RATE_LIMITS: readonly { max: number; windowMs: number }[] = [
  { max: 10_000, windowMs: 60_000 },
  { max: 150_000, windowMs: 3_600_000 },
];

/**
 * How many calls of one API one enterprise may have in flight before WeCom answers 45033 ("too
 * many concurrent calls"). §3/§8: no figure is published ⚠; one community answer says "five" for
 * sync_msg [low]. We choose 50 for every API: enough for kfbot's default concurrency on a few
 * accounts at once, and a finite cap so a client that fans out without bound meets 45033.
 */
export const CONCURRENT_CALLS_PER_API = 50;

/**
 * Where a 60020 errmsg names the caller's IP (§9.22 [medium]: the widely quoted shape
 * `…, from ip: 203.0.113.7, more info at …`). Programs branch on errcode, never errmsg (§8): this
 * only lifts the IP out for a human (`kfbot doctor` says which IP to add to 企业可信IP), and when
 * the text has another shape doctor says "this machine's public IP" instead. The simulator writes
 * the same shape with the address it saw.
 */
export const ERRMSG_FROM_IP = /from ip:\s*([0-9A-Fa-f.:]+)/;

/**
 * The columns of the WeCom knowledge base's (微信客服 → 机器人 → 知识库) Excel import/export. The
 * fact sheet does not give the console's template; its API (kf/knowledge/add_intent) has a group
 * (分组), a main question, similar questions and answers. We choose one row per Q&A with these
 * headers, several 相似问法 in one cell one per line (Alt+Enter), and on import also accept the
 * names other Chinese consoles use for the same columns.
 */
export const KB_EXCEL_COLUMNS = {
  group: ['分组', '分类', '问题分组'],
  question: ['问题', '标准问法', '主问题', '标准问题'],
  similar: ['相似问法', '相似问题', '扩展问', '相似问'],
  answer: ['答案', '回复', '答案内容', '回答'],
} as const;
