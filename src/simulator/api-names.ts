/** The WeCom APIs the simulator serves, by their path under /cgi-bin/ (wecom-kf.md §1, §3, §5–§7). */
export const API_NAMES = [
  'gettoken',
  'kf/sync_msg',
  'kf/send_msg',
  'kf/send_msg_on_event',
  'kf/service_state/get',
  'kf/service_state/trans',
  'kf/customer/batchget',
  'kf/account/list',
  'media/upload',
  'media/get',
] as const;

export type ApiName = (typeof API_NAMES)[number];

export function apiOfPath(pathname: string): ApiName | undefined {
  const name = pathname.startsWith('/cgi-bin/') ? pathname.slice('/cgi-bin/'.length) : '';
  return (API_NAMES as readonly string[]).includes(name) ? (name as ApiName) : undefined;
}
