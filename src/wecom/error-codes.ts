import { REFRESH_TOKEN_ON_40001 } from './platform-choices.ts';

/**
 * WeCom errcodes kfbot knows (wecom-kf.md §8): what each means, whether a retry can help, and what
 * the operator should do. Programs branch on errcode, never on errmsg (§8, 90313 intro).
 */

/**
 * - `backoff`: a transient platform condition; retry later with backoff (bounded).
 * - `rate-limited`: the API is blocked for a window (45009, §3): the call was not performed; the
 *   work waits for the block to end (api-budget.ts), it is never a refusal of the message.
 * - `refresh-token`: the access token is bad; fetch a new one and retry once (§1).
 * - `none`: retrying the same request cannot succeed.
 */
export type ErrcodeAction = 'backoff' | 'rate-limited' | 'refresh-token' | 'none';

/** Errcodes that say the platform's frequency or concurrency limit refused the call (§3, §8). */
export const RATE_LIMIT_ERRCODES: ReadonlySet<number> = new Set([45009, 45033]);

export interface ErrcodeInfo {
  meaning: string;
  action: ErrcodeAction;
  /** What to do about it, said to an operator. */
  remedy?: string;
  /**
   * The app's setup refuses every call alike (secret, API permission, trusted IP, API switch):
   * nothing about this request is wrong, and once the operator fixes the setup in the admin
   * console the same request succeeds, with kfbot still running. Work that met it waits and is
   * tried again; a refusal without this flag is about the request itself (an account, a message)
   * and trying it again cannot succeed.
   */
  appWide?: true;
}

/**
 * The errcodes kfbot's own code branches on or answers with, by name. The table below says what
 * each means; the values are WeCom's (§8).
 */
export const ERRCODE = {
  systemBusy: -1,
  invalidAccessToken: 40014,
  invalidMediaId: 40007,
  invalidParameter: 40058,
  accessTokenExpired: 42001,
  textTooLong: 45002,
  frequencyLimit: 45009,
  concurrencyLimit: 45033,
  invalidOpenKfId: 95000,
  sendQuotaUsedUp: 95001,
  sendWindowClosed: 95002,
  invalidMsgToken: 95007,
  stateChangeNotAllowed: 95016,
  sessionStateForbidsSend: 95018,
} as const;

const FIX_CONFIG = 'check WECOM_CORP_ID and WECOM_SECRET against the WeCom admin console';
const NOT_THIS_CORPS_ACCOUNT =
  "the open_kfid is not a 客服 account of this corp (another enterprise's, or deleted): check the account in the 微信客服 admin console, and that WECOM_CORP_ID and WECOM_SECRET are this enterprise's";

export const ERRCODES: Readonly<Record<number, ErrcodeInfo>> = {
  [-1]: {
    meaning: 'system busy',
    action: 'backoff',
    remedy: 'WeCom asks to retry later; kfbot retries with backoff',
  },
  6000: { meaning: 'data version conflict', action: 'backoff' },
  40001: {
    meaning: 'invalid secret',
    action: REFRESH_TOKEN_ON_40001 ? 'refresh-token' : 'none',
    remedy: `${FIX_CONFIG}; the secret must belong to an app enabled for 微信客服 (repeated failures ban the IP for 1 hour)`,
    appWide: true,
  },
  40003: {
    meaning: 'invalid UserID',
    action: 'none',
    remedy: 'the servicer_userid is not a member of the enterprise',
  },
  40004: { meaning: 'invalid media type', action: 'none' },
  40005: { meaning: 'invalid media type parameter', action: 'none' },
  40006: { meaning: 'invalid file size', action: 'none' },
  40007: {
    meaning: 'invalid media_id',
    action: 'none',
    remedy:
      'media ids expire after 3 days: kfbot uploads a rule file again for the next message; a media_id written in a rule must be replaced by a new upload',
  },
  40008: { meaning: 'invalid msgtype', action: 'none' },
  40009: { meaning: 'invalid image size', action: 'none' },
  40011: { meaning: 'invalid video size', action: 'none' },
  40013: { meaning: 'invalid CorpID', action: 'none', remedy: FIX_CONFIG, appWide: true },
  40014: { meaning: 'invalid access_token', action: 'refresh-token' },
  40058: {
    meaning: 'invalid parameter',
    action: 'none',
    remedy: 'a field is missing, too long or malformed',
  },
  40091: {
    meaning: 'secret belongs to another enterprise',
    action: 'none',
    remedy: FIX_CONFIG,
    appWide: true,
  },
  41001: {
    meaning: 'missing access_token',
    action: 'none',
    remedy: 'the access_token must be in the URL (a kfbot bug)',
  },
  42001: { meaning: 'access_token expired', action: 'refresh-token' },
  44004: { meaning: 'text content empty', action: 'none' },
  45001: { meaning: 'media file too large', action: 'none' },
  45002: { meaning: 'content too large', action: 'none', remedy: 'text is limited to 2048 UTF-8 bytes' },
  45009: {
    meaning: 'API frequency limit',
    action: 'rate-limited',
    remedy:
      'the API is blocked for the limit window (60 s, or an hour past the hourly limit); kfbot pauses it and keeps the work. Lower KFBOT_API_BUDGET if kfbot passed the limit, or find the other app of this enterprise that calls the same API',
  },
  45033: {
    meaning: 'API concurrency limit',
    action: 'backoff',
    remedy: 'lower KFBOT_CONCURRENCY; kfbot pauses the API briefly and retries',
  },
  48002: {
    meaning: 'API not permitted for this app',
    action: 'none',
    remedy: 'grant the app the 微信客服 API permission',
    appWide: true,
  },
  60020: {
    meaning: 'caller IP not trusted',
    action: 'none',
    remedy: "add this server's public IP to 企业可信IP in the app settings; it takes effect after 1 minute",
    appWide: true,
  },
  90207: { meaning: 'invalid mini-program appid', action: 'none' },
  95000: { meaning: 'invalid open_kfid', action: 'none', remedy: NOT_THIS_CORPS_ACCOUNT },
  95001: {
    meaning: 'send quota used up: at most 5 messages per customer message',
    action: 'none',
    remedy: "wait for the customer's next message",
  },
  95002: { meaning: 'send window closed: 48 h after the customer message', action: 'none' },
  95003: { meaning: 'limit on customers served (enterprise not verified)', action: 'none' },
  95004: {
    meaning: 'open_kfid does not exist',
    action: 'none',
    remedy: NOT_THIS_CORPS_ACCOUNT,
  },
  95005: {
    meaning: 'too many kf accounts (there must be at least 1 and at most the maximum)',
    action: 'none',
  },
  95006: { meaning: 'invalid kf account name', action: 'none' },
  95007: {
    meaning: 'invalid msgtoken (sync_msg token expired after 10 min, or illegal)',
    action: 'none',
    remedy: 'pull again without the token or with a newer one',
  },
  95008: { meaning: 'menu has more than 10 items', action: 'none' },
  95009: { meaning: 'invalid menu item type', action: 'none' },
  95011: {
    meaning: 'kf account is 联合版 but the token came from a 独立版 secret',
    action: 'none',
    remedy: FIX_CONFIG,
  },
  95012: {
    meaning: 'kf account is 独立版 but the token came from a 联合版 secret',
    action: 'none',
    remedy: FIX_CONFIG,
  },
  95013: { meaning: 'session already ended', action: 'none' },
  95014: {
    meaning: 'user is not a servicer, or not activated',
    action: 'none',
    remedy: 'the target servicer must be 接待中 and activated in WeCom',
  },
  95015: {
    meaning: '专属服务 (dedicated service) is already configured in the admin console',
    action: 'none',
  },
  95016: { meaning: 'service state transition not allowed', action: 'none' },
  95017: {
    meaning: 'API switch is off',
    action: 'none',
    remedy: 'turn on "通过API管理微信客服账号" in the admin console',
    appWide: true,
  },
  95018: {
    meaning: 'the session state does not allow sending',
    action: 'none',
    remedy:
      'the session is with a human servicer (state 3), queued, ended, or past 48 h; the bot sends only in states 0 and 1',
  },
  95019: { meaning: 'servicer stopped or suspended reception', action: 'none' },
  95022: { meaning: 'invalid location_type', action: 'none' },
  95023: {
    meaning: 'the API switch is already granted to a 代开发 app',
    action: 'none',
    remedy:
      'only one app can hold the 微信客服 API permission: use that app, or take it back in the admin console',
  },
  // 95024/95025/95028/95029: named only by one SDK (WXKEFU-RS, §8 [low]).
  95024: {
    meaning: 'the customer started no conversation within 48 h (menu-click replies do not count)',
    action: 'none',
    remedy: "wait for the customer's next message",
  },
  95025: { meaning: 'business card limited to 1 per 48 h', action: 'none' },
  // §8 ⚠: not the 48 h / 5-message limit, whatever some SDKs say.
  95026: { meaning: 'low kf-account usage rate, cannot create a new account', action: 'none' },
  95027: { meaning: 'an unverified enterprise may create only 10 kf accounts', action: 'none' },
  95028: { meaning: 'recall: msgid not found', action: 'none' },
  95029: { meaning: 'recall: more than 2 minutes after sending', action: 'none' },
  95030: { meaning: 'message type forbidden by the kf component', action: 'none' },
  95031: {
    meaning: 'the customer has not started a consultation within 48 h',
    action: 'none',
    remedy: "wait for the customer's next message",
  },
  95032: {
    meaning: "the kf component's permission to read chat records has lapsed",
    action: 'none',
    remedy: 'authorise the component again for this 客服 account in the 微信客服 admin console',
  },
};

export function errcodeInfo(errcode: number): ErrcodeInfo | undefined {
  return ERRCODES[errcode];
}

export function errcodeAction(errcode: number): ErrcodeAction {
  return ERRCODES[errcode]?.action ?? 'none';
}
