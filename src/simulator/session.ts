/**
 * One conversation between a customer and a KF account, and the platform rules that move it
 * (wecom-kf.md §5, §7.1): its service_state, the 48 h send window and 5-message quota that each
 * customer message re-opens, and the 48 h timeout that ends it.
 */
import type { ServiceState } from '../wecom/platform-enums.ts';
import { DAY, HOUR } from './clock.ts';

/** §5: "You may send only within 48 h after the customer's last own message". */
export const SEND_WINDOW_MS = 48 * HOUR;
/** §5: "at most 5 messages in that window". */
export const SEND_QUOTA = 5;
/** §7.1: a session lasts "from the customer's first message until 48 h pass or someone ends it". */
export const SESSION_TIMEOUT_MS = 2 * DAY;

export type EndReason = 'timeout' | 'servicer' | 'api';

export interface Session {
  readonly openKfId: string;
  readonly externalUserId: string;
  state: ServiceState;
  /** Only meaningful in state 3 (§7.1). */
  servicerUserId: string | undefined;
  /** The servicer who held it last, kept after it ends (old_servicer_userid of a re-join, §4.3). */
  lastServicerUserId: string | undefined;
  /**
   * Bumped on every change of `state` (not on a 3→3 transfer), so an event code can tell whether
   * the session is "still in the state for which the code was issued" (§6).
   */
  stateSeq: number;
  /** The customer's last own message (origin 3), in ms. */
  lastCustomerMessageAt: number | undefined;
  /** Start of the current 48 h send window (§5); see MENU_CLICK_OPENS_SEND_WINDOW. */
  windowOpenedAt: number | undefined;
  /** send_msg messages left in the window (§5: 5 per customer message). */
  quota: number;
  /** When the customer last received a welcome message (§4.3 welcome_code eligibility). */
  lastWelcomeAt: number | undefined;
  /** What the 48 h timeout counts from: the last customer message, or a servicer re-joining. */
  activeSince: number | undefined;
  /**
   * Whether this session already moved into 2 or 3 once and so had its reply/queue code (§6:
   * "trans returns a code only on the first change into state 2 or 3").
   */
  replyCodeIssued: boolean;
  /** Why the session last went to 4, and from which state; undefined if it never started. */
  endReason: EndReason | undefined;
  stateBeforeEnd: ServiceState | undefined;
}

export function newSession(openKfId: string, externalUserId: string): Session {
  return {
    openKfId,
    externalUserId,
    // §9.8: a customer who has not written is in state 4 "未开始".
    state: 4,
    servicerUserId: undefined,
    lastServicerUserId: undefined,
    stateSeq: 0,
    lastCustomerMessageAt: undefined,
    windowOpenedAt: undefined,
    quota: 0,
    lastWelcomeAt: undefined,
    activeSince: undefined,
    replyCodeIssued: false,
    endReason: undefined,
    stateBeforeEnd: undefined,
  };
}

/** Moves the session to `state`; leaving 4 starts a new session, entering it ends one. */
export function setState(
  s: Session,
  state: ServiceState,
  servicerUserId?: string,
  endReason?: EndReason,
): void {
  if (state !== s.state) {
    if (s.state === 4) s.replyCodeIssued = false; // a new session: its first change into 2/3 gets a code again
    if (state === 4) {
      s.endReason = endReason ?? 'api';
      s.stateBeforeEnd = s.state;
    }
    s.state = state;
    s.stateSeq++;
  }
  s.servicerUserId = state === 3 ? servicerUserId : undefined;
  if (s.servicerUserId !== undefined) s.lastServicerUserId = s.servicerUserId;
}

/** §7.1: a session ends 48 h after the customer's last message (checked lazily, on every access). */
export function applyTimeout(s: Session, now: number): void {
  if (s.state !== 4 && s.activeSince !== undefined && now - s.activeSince >= SESSION_TIMEOUT_MS) {
    setState(s, 4, undefined, 'timeout');
  }
}

/**
 * A customer message (§5, §7.1): 4 → 0 (a new session), and the quota and the 48 h window open
 * again ("用户发送消息 | 5条 | 48 小时"). `opensWindow` is false only for a menu click when
 * MENU_CLICK_OPENS_SEND_WINDOW says so.
 */
export function onCustomerMessage(s: Session, now: number, opensWindow: boolean): void {
  if (s.state === 4) setState(s, 0);
  s.lastCustomerMessageAt = now;
  s.activeSince = now;
  s.quota = SEND_QUOTA;
  if (opensWindow) s.windowOpenedAt = now;
}

export function windowOpen(s: Session, now: number): boolean {
  return s.windowOpenedAt !== undefined && now - s.windowOpenedAt < SEND_WINDOW_MS;
}
