/**
 * The platform's small enumerations, once each, with their labels beside the values: who sent an
 * item (`origin`, §4.1), how a session changed (`change_type`, §4.3), where a session is
 * (`service_state`, §7.1) and why a sent message failed (`fail_type`, §4.3). The rules language
 * names them with the snake_case keys below; guards, logs, metrics, the simulator and the sandbox
 * page all read these tables.
 */

/** §4.1 `origin`: 3 the customer (WeChat), 4 a system event, 5 a servicer in the WeCom client. */
export const ORIGIN = { customer: 3, system: 4, servicer: 5 } as const;
export type Origin = (typeof ORIGIN)[keyof typeof ORIGIN];

/** §4.3 session_status_change `change_type`. */
export const SESSION_CHANGE = { from_queue: 1, transferred: 2, ended: 3, rejoined: 4 } as const;
export type SessionChange = (typeof SESSION_CHANGE)[keyof typeof SESSION_CHANGE];

/** §7.1 `service_state`, by the name rules use for it. */
export const SERVICE_STATE = { new: 0, bot: 1, queued: 2, human: 3, ended: 4 } as const;
/** 0 未处理 · 1 智能助手接待 · 2 待接入池排队中 · 3 人工接待 · 4 已结束/未开始 (§7.1). */
export type ServiceState = (typeof SERVICE_STATE)[keyof typeof SERVICE_STATE];

/** How each service state is shown to people: WeCom's own name and kfbot's rule name. */
export const SERVICE_STATE_LABELS = {
  0: { zh: '未处理', en: 'new' },
  1: { zh: '智能助手接待', en: 'bot' },
  2: { zh: '待接入池排队中', en: 'queued' },
  3: { zh: '人工接待', en: 'with a human servicer' },
  4: { zh: '已结束/未开始', en: 'ended' },
} as const satisfies Record<ServiceState, { zh: string; en: string }>;

export function isServiceState(n: unknown): n is ServiceState {
  return typeof n === 'number' && Object.hasOwn(SERVICE_STATE_LABELS, n);
}

/** "1 智能助手接待", as logs, `kfbot chat` and the sandbox page show a state. */
export function serviceStateLabel(state: number): string {
  return `${state} ${isServiceState(state) ? SERVICE_STATE_LABELS[state].zh : '?'}`;
}

/** The states in which the bot may send_msg (§5, §9.9): new and bot. Others answer 95018. */
export function botMaySend(state: ServiceState): boolean {
  return state === SERVICE_STATE.new || state === SERVICE_STATE.bot;
}

/** §4.3 msg_send_fail `fail_type`; a value not listed means "unknown". */
export const FAIL_TYPES: Readonly<Record<number, string>> = {
  0: 'unknown',
  1: 'kf account deleted',
  2: 'app closed',
  4: 'session expired (>48 h)',
  5: 'session closed',
  6: 'over the 5-message limit',
  8: 'subject not verified',
  10: 'user rejected messages',
  11: 'no enterprise member has logged in to the WeCom app',
  12: 'message type forbidden by the kf component',
};

/**
 * A message the customer wrote (origin 3, not an event): it opens the 5-message quota and the
 * 48 h window (§5) and moves an ended session to 0 (§7.1). Events share origin 4 or carry 3
 * without being messages, so both fields are needed.
 */
export function isCustomerMessage(item: { origin: number; msgtype: string }): boolean {
  return item.origin === ORIGIN.customer && item.msgtype !== 'event';
}
