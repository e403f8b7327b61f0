/**
 * What kfbot keeps per customer and account between messages: the rules' state (variables,
 * counters, misses, last menu, service state) plus what the platform guards need to know of
 * WeCom's sending rules (the 5-message quota and the 48 h window, §5) and a cached nickname.
 */
import { type ConversationState, emptyState } from '../rules/conversation-state.ts';

export interface Conversation {
  state: ConversationState;
  /** send_msg calls made since the customer's newest message WeCom has (§5: at most 5). */
  quotaUsed: number;
  /** The msgid of that newest customer message: the point WeCom's quota was last reset. */
  quotaSince?: string;
  /** Epoch ms of the customer's last own message (§5: sends allowed for 48 h after it). */
  lastCustomerAt?: number;
  nickname?: string;
  nicknameAt?: number;
  /** The silence idle rules measure, while the bot holds the session (silence.ts). */
  silence?: Silence;
  /** Epoch ms when the silence's next idle rule is due; the store indexes it (durable timers). */
  idleDueAt?: number;
  /**
   * Epoch ms (the message's send_time) of the customer message that opened the current session
   * (the state went from ended or unknown to 0, §7.1), or of the first customer message kfbot saw
   * in a session it did not see open. Names the session a satisfaction score is recorded for.
   */
  sessionStartedAt?: number;
}

/** The silence idle rules measure (silence.ts): it begins with the bot's message. */
export interface Silence {
  /** Epoch ms of the bot's message that began it. */
  since: number;
  /** Idle rules that already fired in it. */
  fired: string[];
}

/** A customer kfbot has not met yet. */
export function newConversation(): Conversation {
  return { state: emptyState(), quotaUsed: 0 };
}

/** A nickname is kept a day, so a busy conversation costs one kf/customer/batchget, not one a message. */
const NICKNAME_TTL_MS = 24 * 3600_000;

/** Whether the conversation's cached nickname is fresh at `now` (then kfbot does not ask WeCom). */
export function nicknameFresh(conversation: Conversation | undefined, now: number): boolean {
  return (
    conversation?.nickname !== undefined &&
    conversation.nicknameAt !== undefined &&
    now - conversation.nicknameAt < NICKNAME_TTL_MS
  );
}
