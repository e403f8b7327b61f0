/**
 * What a human servicer does in the WeCom client (wecom-kf.md §4.3, §7.1): take a queued session,
 * transfer it, end it, write to the customer, change their own reception status, recall, reject.
 * "All [session_status_change] changes are triggered by receptionists in the WeCom client" (§4.3),
 * so these, unlike service_state/trans, put events into sync_msg.
 */
import type { JsonObject } from '../wecom/json-reader.ts';
import { ORIGIN, serviceStateLabel } from '../wecom/platform-enums.ts';
import { defaultAccount } from './customer-actions.ts';
import type { EventCodeKind } from './event-codes.ts';
import { type Session, setState } from './session.ts';
import { SimulatorUsageError } from './usage-error.ts';
import { eventItem, servicerItem, type WireItem } from './wire-item.ts';
import type { Servicer, ServicerStatus, World } from './world.ts';

export interface SessionRef {
  /** Default: the first KF account. */
  openKfId?: string;
  externalUserId: string;
}

export interface ServicerRef extends SessionRef {
  /** Default: the servicer holding the session, else the first 接待中 servicer of the account. */
  servicerUserId?: string;
}

function existingSession(world: World, ref: SessionRef): { openKfId: string; session: Session } {
  const openKfId = defaultAccount(world, ref.openKfId);
  if (!world.customers.has(ref.externalUserId)) {
    throw new SimulatorUsageError('UNKNOWN_CUSTOMER', `no customer ${ref.externalUserId}`);
  }
  return { openKfId, session: world.session(openKfId, ref.externalUserId) };
}

function servicerFor(world: World, openKfId: string, session: Session, userid: string | undefined): Servicer {
  const id =
    userid ??
    session.servicerUserId ??
    [...world.servicers.values()].find((s) => s.openKfIds.has(openKfId) && s.status === 'receiving')?.userid;
  if (id === undefined)
    throw new SimulatorUsageError('UNKNOWN_SERVICER', `no servicer is 接待中 for ${openKfId}`);
  const servicer = world.servicer(id);
  if (!servicer.openKfIds.has(openKfId)) {
    throw new SimulatorUsageError('UNKNOWN_SERVICER', `${id} is not a servicer of ${openKfId}`);
  }
  return servicer;
}

function wrongState(session: Session, action: string, allowed: string): SimulatorUsageError {
  return new SimulatorUsageError(
    'WRONG_STATE',
    `${action} needs a session in state ${allowed}; it is in ${serviceStateLabel(session.state)}`,
  );
}

/** session_status_change (§4.3); msg_code only for change_type 1 and 3. */
function statusChange(
  world: World,
  openKfId: string,
  session: Session,
  change: {
    type: 1 | 2 | 3 | 4;
    oldServicer?: string | undefined;
    newServicer?: string;
    code?: EventCodeKind;
  },
): WireItem {
  const code = change.code ? world.codes.issue(change.code, session, world.now()) : undefined;
  const event = {
    event_type: 'session_status_change',
    open_kfid: openKfId,
    external_userid: session.externalUserId,
    change_type: change.type,
    // §4.3: old_servicer_userid only for change_type 2, 3, 4; new_servicer_userid only for 1, 2, 4.
    ...(change.oldServicer !== undefined && { old_servicer_userid: change.oldServicer }),
    ...(change.newServicer !== undefined && { new_servicer_userid: change.newServicer }),
    ...(code && { msg_code: code.code }),
  };
  const item = eventItem({ msgid: world.ids.eventMsgid(), sendTime: world.seconds(), event });
  world.append(openKfId, item);
  return item;
}

/** A servicer takes a queued session: 2 → 3, change_type 1 with a reply code (48 h, §6). */
export function servicerTakes(world: World, ref: ServicerRef): WireItem {
  const { openKfId, session } = existingSession(world, ref);
  if (session.state !== 2) throw wrongState(session, 'servicerTakes', '2 (排队中)');
  const servicer = servicerFor(world, openKfId, session, ref.servicerUserId);
  setState(session, 3, servicer.userid);
  session.replyCodeIssued = true;
  return statusChange(world, openKfId, session, { type: 1, newServicer: servicer.userid, code: 'reply' });
}

/** A transfer to another servicer: 3 → 3, change_type 2, no code (§4.3). */
export function servicerTransfers(world: World, ref: SessionRef & { toServicerUserId: string }): WireItem {
  const { openKfId, session } = existingSession(world, ref);
  if (session.state !== 3) throw wrongState(session, 'servicerTransfers', '3 (人工接待)');
  const from = session.servicerUserId;
  const to = servicerFor(world, openKfId, session, ref.toServicerUserId);
  if (to.userid === from)
    throw new SimulatorUsageError('BAD_ARGUMENT', `${to.userid} already holds the session`);
  setState(session, 3, to.userid);
  return statusChange(world, openKfId, session, { type: 2, oldServicer: from, newServicer: to.userid });
}

/**
 * A servicer ends the session: 3 → 4, change_type 3 with a closing code (20 s, §6).
 *
 * From 0, 1 or 2 the servicer first picks the session up (change_type 1, as when taking it from
 * the queue, with its reply code) and then ends it (change_type 3), the only way a human can end
 * a session in the WeCom client; the sandbox uses this to end a bot-held session so that closing
 * remarks can be shown. The reply code is stale at once: the session is no longer in state 3.
 */
export function servicerEnds(world: World, ref: ServicerRef): WireItem[] {
  const { openKfId, session } = existingSession(world, ref);
  if (session.state === 4) throw wrongState(session, 'servicerEnds', '0, 1, 2 or 3');
  const items: WireItem[] = [];
  if (session.state !== 3) {
    const taker = servicerFor(world, openKfId, session, ref.servicerUserId);
    setState(session, 3, taker.userid);
    session.replyCodeIssued = true;
    items.push(statusChange(world, openKfId, session, { type: 1, newServicer: taker.userid, code: 'reply' }));
  }
  const holder = session.servicerUserId;
  if (ref.servicerUserId !== undefined && ref.servicerUserId !== holder) {
    throw new SimulatorUsageError(
      'BAD_ARGUMENT',
      `${ref.servicerUserId} does not hold the session (${holder} does)`,
    );
  }
  setState(session, 4, undefined, 'servicer');
  items.push(statusChange(world, openKfId, session, { type: 3, oldServicer: holder, code: 'closing' }));
  return items;
}

/**
 * A servicer writes from the WeCom client (origin 5). In state 4 that re-joins the session
 * (4 → 3 with change_type 4, §7.1); so does a servicer writing into a session transferred away
 * from them (§4.3 "re-joined an ended or transferred session"). In 0/1/2 the session is not a
 * servicer's to write into: take it first.
 */
export function servicerSends(
  world: World,
  ref: ServicerRef & { msgtype: string; payload: JsonObject },
): WireItem[] {
  const { openKfId, session } = existingSession(world, ref);
  const servicer = servicerFor(world, openKfId, session, ref.servicerUserId);
  const items: WireItem[] = [];
  if (session.state === 4 || (session.state === 3 && session.servicerUserId !== servicer.userid)) {
    const old = session.state === 3 ? session.servicerUserId : session.lastServicerUserId;
    setState(session, 3, servicer.userid);
    session.activeSince = world.now(); // the 48 h session clock restarts with the re-join
    items.push(
      statusChange(world, openKfId, session, { type: 4, oldServicer: old, newServicer: servicer.userid }),
    );
  } else if (session.state !== 3) {
    throw wrongState(session, 'servicerSays', '3 or 4 (take a queued session with servicerTakes first)');
  }
  const item = servicerItem({
    msgid: world.ids.messageMsgid(),
    openKfId,
    externalUserId: session.externalUserId,
    sendTime: world.seconds(),
    msgtype: ref.msgtype,
    payload: ref.payload,
    servicerUserId: servicer.userid,
  });
  world.append(openKfId, item);
  items.push(item);
  return items;
}

/**
 * A servicer changes their reception status: one servicer_status_change per account they serve
 * (§4.3: status 1 接待中 · 2 停止接待; stop_type 0 停止接待 · 1 暂时挂起).
 */
export function servicerStatus(
  world: World,
  opts: { servicerUserId: string; status: ServicerStatus },
): WireItem[] {
  const servicer = world.servicer(opts.servicerUserId);
  servicer.status = opts.status;
  return [...servicer.openKfIds].map((openKfId) => {
    const event = {
      event_type: 'servicer_status_change',
      servicer_userid: servicer.userid,
      status: opts.status === 'receiving' ? 1 : 2,
      ...(opts.status !== 'receiving' && { stop_type: opts.status === 'suspended' ? 1 : 0 }),
      open_kfid: openKfId,
    };
    const item = eventItem({ msgid: world.ids.eventMsgid(), sendTime: world.seconds(), event });
    world.append(openKfId, item);
    return item;
  });
}

/** servicer_recall_msg (§4.3): a servicer withdraws a message they sent from the client. */
export function servicerRecalls(world: World, ref: ServicerRef & { msgid: string }): WireItem {
  const { openKfId, session } = existingSession(world, ref);
  const original = world
    .log(openKfId)
    .entries()
    .find(
      (e) =>
        e.item.msgid === ref.msgid &&
        e.item.origin === ORIGIN.servicer &&
        e.item.external_userid === ref.externalUserId,
    );
  if (!original)
    throw new SimulatorUsageError(
      'UNKNOWN_MESSAGE',
      `${ref.msgid} is not a servicer message to this customer`,
    );
  const event = {
    event_type: 'servicer_recall_msg',
    open_kfid: openKfId,
    external_userid: session.externalUserId,
    recall_msgid: ref.msgid,
    servicer_userid: ref.servicerUserId ?? original.item.servicer_userid ?? '',
  };
  const item = eventItem({ msgid: world.ids.eventMsgid(), sendTime: world.seconds(), event });
  world.append(openKfId, item);
  return item;
}

/** reject_customer_msg_switch_change (§4.3): 1 the servicer now rejects the customer's messages, 0 no longer. */
export function servicerRejects(world: World, ref: ServicerRef & { reject: boolean }): WireItem {
  const { openKfId, session } = existingSession(world, ref);
  const servicer = servicerFor(world, openKfId, session, ref.servicerUserId);
  const event = {
    event_type: 'reject_customer_msg_switch_change',
    open_kfid: openKfId,
    servicer_userid: servicer.userid,
    external_userid: session.externalUserId,
    reject_switch: ref.reject ? 1 : 0,
  };
  const item = eventItem({ msgid: world.ids.eventMsgid(), sendTime: world.seconds(), event });
  world.append(openKfId, item);
  return item;
}

/**
 * msg_send_fail (§4.3) for a message the bot sent: `fail_msgid` is the msgid send_msg returned.
 * fail_type default 0 (unknown); see FAIL_TYPES in wecom/platform-enums.ts.
 */
export function sendFailure(
  world: World,
  opts: { msgid: string; openKfId?: string; failType?: number },
): WireItem {
  const sent = world.sent.find(
    (m) => m.msgid === opts.msgid && (opts.openKfId === undefined || m.openKfId === opts.openKfId),
  );
  if (!sent)
    throw new SimulatorUsageError('UNKNOWN_MESSAGE', `the bot sent no message with msgid ${opts.msgid}`);
  const event = {
    event_type: 'msg_send_fail',
    open_kfid: sent.openKfId,
    external_userid: sent.externalUserId,
    fail_msgid: sent.msgid,
    fail_type: opts.failType ?? 0,
  };
  const item = eventItem({ msgid: world.ids.eventMsgid(), sendTime: world.seconds(), event });
  world.append(sent.openKfId, item);
  return item;
}
