/**
 * What a person can do in the sandbox, as the customer (open the chat from a scene, type, click a
 * menu item) or as a servicer in the WeCom client (take the session from the queue, transfer it,
 * end it, write). Each goes through the simulator's driver, which produces exactly the items and
 * callbacks WeCom would; kfbot learns of them the way it would in production.
 */

import { parseDuration } from '../config/duration.ts';
import { SimulatorUsageError, type WeComSimulator } from '../simulator/index.ts';
import { isObject } from '../wecom/json-reader.ts';
import type { SandboxHub } from './sandbox-hub.ts';
import { MAX_SKIP_MS } from './sandbox-time.ts';

export type SandboxAction =
  | { type: 'new-customer'; openKfId: string }
  | { type: 'enter'; openKfId: string; externalUserId: string; scene?: string; sceneParam?: string }
  | { type: 'say'; openKfId: string; externalUserId: string; text: string }
  | { type: 'click'; openKfId: string; externalUserId: string; id: string }
  | { type: 'take'; openKfId: string; externalUserId: string; servicerUserId?: string }
  | { type: 'transfer'; openKfId: string; externalUserId: string; toServicerUserId: string }
  | { type: 'end'; openKfId: string; externalUserId: string }
  | { type: 'servicer-say'; openKfId: string; externalUserId: string; text: string; servicerUserId?: string }
  /** Skip the sandbox's clock ahead (sandbox-time.ts), e.g. "5m": performed by SandboxTime. */
  | { type: 'wait'; ms: number };

export class SandboxActionError extends Error {
  override readonly name = 'SandboxActionError';
}

const str = (o: Record<string, unknown>, k: string): string => {
  const v = o[k];
  if (typeof v !== 'string' || v === '') throw new SandboxActionError(`"${k}" is required`);
  return v;
};
const opt = (o: Record<string, unknown>, k: string): string | undefined =>
  typeof o[k] === 'string' && o[k] !== '' ? (o[k] as string) : undefined;

/** Checks an action sent by the page (untrusted JSON). */
export function parseAction(body: unknown): SandboxAction {
  if (!isObject(body)) throw new SandboxActionError('the action must be a JSON object');
  const type = body.type;
  if (type === 'wait') {
    // Missing or empty is the same mistake as a wrong one: say what a duration looks like.
    const duration = typeof body.duration === 'string' ? body.duration : '';
    const ms = parseDuration(duration);
    if (!ms || ms > MAX_SKIP_MS)
      throw new SandboxActionError(
        `wait takes a duration such as 30s, 5m, 2h or 1h30m, up to 168h (got ${JSON.stringify(duration)})`,
      );
    return { type, ms };
  }
  const openKfId = str(body, 'openKfId');
  if (type === 'new-customer') return { type, openKfId };
  const externalUserId = str(body, 'externalUserId');
  const base = { openKfId, externalUserId };
  switch (type) {
    case 'enter': {
      const scene = opt(body, 'scene');
      const sceneParam = opt(body, 'sceneParam');
      return { type, ...base, ...(scene && { scene }), ...(sceneParam && { sceneParam }) };
    }
    case 'say':
      return { type, ...base, text: str(body, 'text') };
    case 'click':
      return { type, ...base, id: str(body, 'id') };
    case 'take': {
      const servicerUserId = opt(body, 'servicerUserId');
      return { type, ...base, ...(servicerUserId && { servicerUserId }) };
    }
    case 'transfer':
      return { type, ...base, toServicerUserId: str(body, 'toServicerUserId') };
    case 'end':
      return { type, ...base };
    case 'servicer-say': {
      const servicerUserId = opt(body, 'servicerUserId');
      return { type, ...base, text: str(body, 'text'), ...(servicerUserId && { servicerUserId }) };
    }
    default:
      throw new SandboxActionError(`unknown action ${JSON.stringify(type)}`);
  }
}

/** Performs an action; a move the platform would not allow is a SandboxActionError saying why. */
export function performAction(
  sim: WeComSimulator,
  hub: SandboxHub,
  a: Exclude<SandboxAction, { type: 'wait' }>,
): { externalUserId: string } {
  try {
    switch (a.type) {
      case 'new-customer':
        return { externalUserId: hub.newCustomer(a.openKfId) };
      case 'enter':
        sim.customerEnters(a);
        break;
      case 'say':
        sim.customerSays(a);
        break;
      case 'click':
        sim.customerClicksMenu(a);
        break;
      case 'take': {
        const refusal = whyNotTake(sim, a.openKfId, a.externalUserId);
        if (refusal) throw new SandboxActionError(refusal);
        sim.servicerTakes(a);
        break;
      }
      case 'transfer':
        sim.servicerTransfers(a);
        break;
      case 'end':
        sim.servicerEnds(a);
        break;
      case 'servicer-say':
        sim.servicerSays(a);
        break;
    }
  } catch (err) {
    if (err instanceof SimulatorUsageError) throw new SandboxActionError(err.message);
    throw err;
  }
  return { externalUserId: a.externalUserId };
}

/**
 * Why a servicer cannot take this session now, in the sandbox user's terms (the simulator's own
 * message names API calls and state numbers). A servicer takes a session only from the queue.
 */
export function whyNotTake(
  sim: WeComSimulator,
  openKfId: string,
  externalUserId: string,
  /** How the user makes the customer open the chat, in this front end's words. */
  enter = '/enter, or 进入会话 on the page',
): string | undefined {
  const session = sim.world.findSession(openKfId, externalUserId);
  switch (session?.state) {
    case 2:
      return undefined;
    case undefined:
      return `the customer has not opened the chat yet: open it first (${enter})`;
    case 0:
    case 1:
      return 'nobody is waiting for a human: the bot is serving this customer, and a servicer takes a session only from the queue. Let the customer ask for one first (type 转人工 or click the handoff item in the menu), then take over';
    case 3:
      return `${session.servicerUserId ?? 'a servicer'} already has the session; transfer it to another servicer instead`;
    case 4:
      return `the session has ended: the customer opens a new one by writing again (or ${enter.split(',')[0]})`;
  }
}
