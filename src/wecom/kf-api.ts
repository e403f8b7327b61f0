/**
 * The typed WeCom Customer Service endpoints kfbot uses (wecom-kf.md §3, §5–§7), on top of the
 * transport in api-client.ts. Send bodies are checked against WeCom's limits before they leave.
 */
import { Blob } from 'node:buffer';
import type { ApiResponse, WeComClient } from './api-client.ts';
import { SendValidationError, WeComHttpError } from './api-errors.ts';
import { isObject, Reader, ShapeError } from './json-reader.ts';
import {
  BATCHGET_MAX_IDS,
  DUPLICATE_MSGID_ERRCODE,
  INVALID_EVENT_CODE_ERRCODE,
  SYNC_SENDS_TOKEN_WITH_CURSOR,
} from './platform-choices.ts';
import { isServiceState, type ServiceState } from './platform-enums.ts';
import { checkSendMsg, checkSendMsgOnEvent, errorsOnly, type SendProblem } from './send-limits.ts';
import type { MediaMsgtype, SendMsgOnEventRequest, SendMsgRequest } from './send-payloads.ts';
import { decodeSyncItem, type SyncItem } from './sync-item.ts';
import { undici } from './undici.ts';

export interface SyncMsgRequest {
  open_kfid: string;
  /** The previous next_cursor; omit on the very first pull (starts at the earliest message within 3 days). */
  cursor?: string;
  /** The newest callback Token (valid 10 min); without it WeCom applies strict rate limits (§3). */
  token?: string;
  /** 1–1000, default 1000. */
  limit?: number;
  /** 0 AMR (default) · 1 Silk. */
  voice_format?: 0 | 1;
}

export interface SyncMsgPage {
  next_cursor: string;
  has_more: boolean;
  items: SyncItem[];
}

export interface Customer {
  external_userid: string;
  nickname: string;
  avatar?: string;
  gender?: number;
  unionid?: string;
  enter_session_context?: {
    scene?: string;
    scene_param?: string;
    wechat_channels?: { nickname?: string; shop_nickname?: string; scene?: number };
  };
}

export interface KfAccount {
  open_kfid: string;
  name: string;
  avatar?: string;
  manage_privilege?: boolean;
}

export interface UploadedMedia {
  type: MediaMsgtype;
  media_id: string;
  /** Epoch seconds. WeCom sends it as a string (§7.4). Media ids last 3 days. */
  created_at: number;
}

/**
 * How many consecutive empty pages with has_more=1 and an unchanged cursor `syncPages` accepts
 * before it concludes the platform is stuck. Empty pages with has_more are legal (§3) and are
 * followed; only a cursor that stops moving is treated as an error.
 */
const MAX_STALLED_PAGES = 3;

export class KfApi {
  constructor(readonly client: WeComClient) {}

  /** One page of kf/sync_msg. */
  async syncMsg(req: SyncMsgRequest): Promise<SyncMsgPage> {
    // §3/§9.17: open_kfid is required (2024 doc); an empty cursor or token is left out, not sent.
    const body: Record<string, unknown> = { open_kfid: req.open_kfid };
    if (req.cursor) body.cursor = req.cursor;
    if (req.token && (SYNC_SENDS_TOKEN_WITH_CURSOR || !req.cursor)) body.token = req.token;
    if (req.limit !== undefined) body.limit = req.limit;
    if (req.voice_format !== undefined) body.voice_format = req.voice_format;
    const res = await this.client.post('kf/sync_msg', body);
    return read('kf/sync_msg', res, (r) => ({
      next_cursor: r.optStr('next_cursor') ?? '',
      has_more: r.optNum('has_more') === 1,
      items: r.optArray('msg_list').map(decodeSyncItem),
    }));
  }

  /**
   * Every page from `req.cursor` on, following has_more (§9.5: loop on has_more, never stop on an
   * empty list). Each page's next_cursor is what a caller persists once it has handled the page.
   */
  async *syncPages(req: SyncMsgRequest): AsyncGenerator<SyncMsgPage> {
    let cursor = req.cursor;
    let stalled = 0;
    for (;;) {
      const page = await this.syncMsg({ ...req, ...(cursor !== undefined && { cursor }) });
      yield page;
      if (!page.has_more) return;
      const moved = page.next_cursor !== '' && page.next_cursor !== cursor;
      stalled = page.items.length === 0 && !moved ? stalled + 1 : 0;
      if (stalled >= MAX_STALLED_PAGES) {
        throw new WeComHttpError(
          'kf/sync_msg',
          'bad-response',
          `has_more=1 but the cursor did not move for ${stalled} empty pages`,
        );
      }
      if (page.next_cursor !== '') cursor = page.next_cursor;
    }
  }

  /** kf/send_msg. Returns the msgid (the client msgid when one was given). */
  async sendMsg(req: SendMsgRequest): Promise<{ msgid: string }> {
    assertSendable('kf/send_msg', checkSendMsg(req));
    // A send without a client msgid cannot be told apart from a second copy: never resend it
    // after a timeout (§9.12).
    const res = await this.client.post('kf/send_msg', req, {
      retryUnknownOutcome: req.msgid !== undefined,
      duplicateAfterUnknown: DUPLICATE_MSGID_ERRCODE,
    });
    return read('kf/send_msg', res, (r) => ({ msgid: r.optStr('msgid') ?? req.msgid ?? '' }));
  }

  /**
   * kf/send_msg_on_event: a welcome (welcome_code, 20 s) or an event reply / closing remark
   * (msg_code). `deadline`: when the code expires; past it the call is not made (DeadlineMissedError).
   */
  async sendMsgOnEvent(
    req: SendMsgOnEventRequest,
    opts: { deadline?: number } = {},
  ): Promise<{ msgid: string }> {
    assertSendable('kf/send_msg_on_event', checkSendMsgOnEvent(req));
    // The code is single-use (§6), so a retried request cannot deliver twice.
    const res = await this.client.post('kf/send_msg_on_event', req, {
      duplicateAfterUnknown: INVALID_EVENT_CODE_ERRCODE,
      ...(opts.deadline !== undefined && { deadline: opts.deadline }),
    });
    return read('kf/send_msg_on_event', res, (r) => ({ msgid: r.optStr('msgid') ?? req.msgid ?? '' }));
  }

  async getServiceState(req: {
    open_kfid: string;
    external_userid: string;
  }): Promise<{ service_state: ServiceState; servicer_userid?: string }> {
    const res = await this.client.post('kf/service_state/get', req);
    return read('kf/service_state/get', res, (r) => {
      const state = r.num('service_state');
      if (!isServiceState(state)) throw new ShapeError('service_state', 'one of 0-4');
      const servicer = r.optStr('servicer_userid');
      return { service_state: state, ...(servicer ? { servicer_userid: servicer } : {}) };
    });
  }

  /**
   * kf/service_state/trans. `msg_code` comes back on the first change into 2/3 (a reply code, 48 h)
   * or into 4 (a closing code, 20 s), for send_msg_on_event (§6, §7.1).
   */
  async transServiceState(req: {
    open_kfid: string;
    external_userid: string;
    service_state: Exclude<ServiceState, 0>;
    servicer_userid?: string;
  }): Promise<{ msg_code?: string }> {
    const res = await this.client.post('kf/service_state/trans', req);
    return read('kf/service_state/trans', res, (r) => {
      const code = r.optStr('msg_code');
      return code ? { msg_code: code } : {};
    });
  }

  /** kf/customer/batchget, in chunks of the platform's list limit. */
  async batchGetCustomers(
    externalUserIds: readonly string[],
    needEnterSessionContext = false,
  ): Promise<{ customers: Customer[]; invalid: string[] }> {
    const customers: Customer[] = [];
    const invalid: string[] = [];
    for (let i = 0; i < externalUserIds.length; i += BATCHGET_MAX_IDS) {
      const res = await this.client.post('kf/customer/batchget', {
        external_userid_list: externalUserIds.slice(i, i + BATCHGET_MAX_IDS),
        need_enter_session_context: needEnterSessionContext ? 1 : 0,
      });
      read('kf/customer/batchget', res, (r) => {
        for (const c of r.optArray('customer_list')) {
          if (isObject(c) && typeof c.external_userid === 'string') customers.push(c as unknown as Customer);
        }
        for (const id of r.optArray('invalid_external_userid')) if (typeof id === 'string') invalid.push(id);
      });
    }
    return { customers, invalid };
  }

  /** kf/account/list, every page. */
  async listAccounts(): Promise<KfAccount[]> {
    const accounts: KfAccount[] = [];
    const limit = 100;
    for (let offset = 0; ; offset += limit) {
      const res = await this.client.post('kf/account/list', { offset, limit });
      const page = read('kf/account/list', res, (r) =>
        r
          .optArray('account_list')
          .filter((a): a is KfAccount => isObject(a) && typeof a.open_kfid === 'string'),
      );
      accounts.push(...page);
      if (page.length < limit) return accounts;
    }
  }

  /** media/upload (§7.4): multipart field `media`; the filename is what the customer sees. */
  async uploadMedia(
    type: MediaMsgtype,
    file: { filename: string; data: Uint8Array; contentType?: string },
  ): Promise<UploadedMedia> {
    const { FormData } = await undici();
    const form = new FormData();
    const blob = new Blob([file.data], { type: file.contentType ?? 'application/octet-stream' });
    form.append('media', blob, file.filename);
    const res = await this.client.postForm('media/upload', form, { query: { type } });
    return read('media/upload', res, (r) => ({
      type,
      media_id: r.str('media_id'),
      created_at: r.optNum('created_at') ?? 0,
    }));
  }
}

function assertSendable(method: string, problems: SendProblem[]): void {
  const errors = errorsOnly(problems);
  if (errors.length > 0) throw new SendValidationError(method, errors);
}

/** Reads a successful answer; a missing or mistyped field is a bad response, not a crash. */
function read<T>(method: string, res: ApiResponse, fn: (r: Reader) => T): T {
  try {
    return fn(new Reader(res, 'response'));
  } catch (err) {
    if (err instanceof ShapeError) throw new WeComHttpError(method, 'bad-response', err.message, 200);
    throw err;
  }
}
