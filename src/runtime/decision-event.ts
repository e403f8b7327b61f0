import type { Conversation } from '../conversation/conversation.ts';
import type { CallOutcome } from '../rules/call-model.ts';
import type { CallRequest } from '../rules/call-request.ts';
import type { Decision } from '../rules/decider.ts';
import type { Plan, PlannedCall } from '../rules/plan-calls.ts';
import type { SyncItem } from '../wecom/sync-item.ts';

/** What one decision was, for observers (the sandbox's explain panel, debugging tools). */
export interface DecisionEvent {
  item: SyncItem;
  decision: Decision;
  calls: PlannedCall[];
  dropped: Plan['dropped'];
  rulesVersion: number;
  /** The customer's session after the decision (Conversation.sessionStartedAt), for the session log. */
  sessionStartedAt?: number;
  /**
   * A backend call the decision stopped at (made next). After it, the message is decided again
   * and observers hear the whole decision once more, with decision.calls holding the outcomes.
   */
  pending?: CallRequest;
  /** The backend call just made (the decision after it): its request, outcome and what ran next. */
  made?: { request: CallRequest; outcome: CallOutcome };
}

/** What a decision event is made from: the customer's conversation stands for its session. */
export interface DecisionEventParts extends Omit<DecisionEvent, 'sessionStartedAt' | 'pending' | 'made'> {
  /** The customer's conversation after the decision. */
  conversation: Conversation;
  pending?: CallRequest | undefined;
  made?: DecisionEvent['made'];
}

/** The event for observers, with only the optional parts that are there. */
export function decisionEvent({ conversation, pending, made, ...event }: DecisionEventParts): DecisionEvent {
  return {
    ...event,
    ...(conversation.sessionStartedAt !== undefined && { sessionStartedAt: conversation.sessionStartedAt }),
    ...(pending && { pending }),
    ...(made && { made }),
  };
}
