/** Which handler serves which API, with the HTTP method and body each takes (wecom-kf.md §1, §3, §5–§7). */
import { accountListHandler } from './api/account-list.ts';
import { customerBatchgetHandler } from './api/customer-batchget.ts';
import { gettokenHandler } from './api/gettoken.ts';
import { mediaGetHandler, mediaUploadHandler } from './api/media.ts';
import { sendMsgHandler } from './api/send-msg.ts';
import { sendMsgOnEventHandler } from './api/send-msg-on-event.ts';
import { serviceStateGetHandler, serviceStateTransHandler } from './api/service-state.ts';
import { syncMsgHandler } from './api/sync-msg.ts';
import type { ApiName } from './api-names.ts';
import type { ApiHandler, Route } from './http/api-types.ts';

export function createRoutes(secrets: () => readonly string[]): ReadonlyMap<ApiName, Route> {
  const kfPost = (api: ApiName, handler: ApiHandler): Route => ({
    api,
    method: 'POST',
    body: 'json',
    needsToken: true,
    kf: true,
    handler,
  });
  const routes: Route[] = [
    {
      api: 'gettoken',
      method: 'GET',
      body: 'none',
      needsToken: false,
      kf: false,
      handler: gettokenHandler(secrets),
    },
    kfPost('kf/sync_msg', syncMsgHandler()),
    kfPost('kf/send_msg', sendMsgHandler()),
    kfPost('kf/send_msg_on_event', sendMsgOnEventHandler()),
    kfPost('kf/service_state/get', serviceStateGetHandler()),
    kfPost('kf/service_state/trans', serviceStateTransHandler()),
    kfPost('kf/customer/batchget', customerBatchgetHandler()),
    // §7.3 ⚠: old clients use GET; the current doc uses POST, which is what we serve.
    kfPost('kf/account/list', accountListHandler()),
    {
      api: 'media/upload',
      method: 'POST',
      body: 'multipart',
      needsToken: true,
      kf: false,
      handler: mediaUploadHandler(),
    },
    {
      api: 'media/get',
      method: 'GET',
      body: 'none',
      needsToken: true,
      kf: false,
      handler: mediaGetHandler(),
    },
  ];
  return new Map(routes.map((r) => [r.api, r]));
}
