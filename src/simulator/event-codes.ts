/**
 * The single-use codes for send_msg_on_event (wecom-kf.md §6): who issued them, for which state,
 * how long they live and which msgtypes they allow, straight from the §6 scenario table.
 */

import type { ServiceState } from '../wecom/platform-enums.ts';
import { HOUR, SECOND } from './clock.ts';
import type { Session } from './session.ts';

export type EventCodeKind = 'welcome' | 'queue' | 'reply' | 'closing';
export type EventMsgtype = 'text' | 'msgmenu';

export interface EventCodeRule {
  validityMs: number;
  msgtypes: readonly EventMsgtype[];
  /** The state the session must still be in; none for welcome ("Except for enter_session"). */
  inState: ServiceState | undefined;
}

/** §6 scenario table: validity, allowed types and the state each code is bound to. */
export const EVENT_CODE_RULES: Readonly<Record<EventCodeKind, EventCodeRule>> = {
  // customer enters session: 1 msg, 20 s, text or menu, from enter_session.welcome_code
  welcome: { validityMs: 20 * SECOND, msgtypes: ['text', 'msgmenu'], inState: undefined },
  // moved to the queue: 1 msg, 48 h, text, from the trans response (target 2)
  queue: { validityMs: 48 * HOUR, msgtypes: ['text'], inState: 2 },
  // taken from the queue: 1 msg, 48 h, text, from session_status_change 1 or trans (target 3)
  reply: { validityMs: 48 * HOUR, msgtypes: ['text'], inState: 3 },
  // session ended: 1 msg, 20 s, text or menu, from session_status_change 3 or trans (target 4)
  closing: { validityMs: 20 * SECOND, msgtypes: ['text', 'msgmenu'], inState: 4 },
};

export interface IssuedCode {
  readonly code: string;
  readonly kind: EventCodeKind;
  readonly openKfId: string;
  readonly externalUserId: string;
  readonly issuedAt: number;
  readonly expiresAt: number;
  /** Session.stateSeq at issue: the code works only while the session has not changed state since. */
  readonly stateSeq: number;
  usedAt: number | undefined;
}

export class EventCodeBook {
  readonly #codes = new Map<string, IssuedCode>();

  constructor(private readonly newCode: () => string) {}

  issue(kind: EventCodeKind, session: Session, now: number): IssuedCode {
    return this.adopt(this.newCode(), kind, session, now);
  }

  /**
   * Records a code this world did not mint as issued at `issuedAt`: a dry run answers for the
   * code in the message it was given, exactly as WeCom would for the code it had issued.
   */
  adopt(code: string, kind: EventCodeKind, session: Session, issuedAt: number): IssuedCode {
    const now = issuedAt;
    const issued: IssuedCode = {
      code,
      kind,
      openKfId: session.openKfId,
      externalUserId: session.externalUserId,
      issuedAt: now,
      expiresAt: now + EVENT_CODE_RULES[kind].validityMs,
      stateSeq: session.stateSeq,
      usedAt: undefined,
    };
    this.#codes.set(issued.code, issued);
    return issued;
  }

  find(code: string): IssuedCode | undefined {
    return this.#codes.get(code);
  }

  all(): IssuedCode[] {
    return [...this.#codes.values()];
  }
}
