/**
 * The JSON kfbot stores and reads back later — a message's planned calls, a customer's
 * conversation — written with a format version and read through validating decoders, never
 * `JSON.parse(...) as T`. A record written before versioning (no `v`) is format 0, the same shape
 * as format 1. What a decoder cannot read is an error naming the record's key; a record from a
 * newer kfbot is its own error, so it is left alone for a kfbot that understands it.
 */

import type { StepLookups } from '../conversation/conversation-step.ts';
import type { CallOutcome } from '../rules/call-model.ts';
import type { CallRequest } from '../rules/call-request.ts';
import type { ConversationState } from '../rules/conversation-state.ts';
import type { Plan, PlannedCall } from '../rules/plan-calls.ts';
import { isObject, type JsonObject } from '../wecom/json-reader.ts';
import type { Conversation, MessageRecord } from './store.ts';

/** The format version written into every stored plan and conversation. */
export const RECORD_FORMAT = 1;

/** A message's planned calls and dropped actions, as recorded before the calls are made. */
export interface StoredPlan {
  calls: PlannedCall[];
  dropped: Plan['dropped'];
  /** A backend call to make after `calls`, and what is needed to decide the rest from its outcome. */
  pending?: PendingCall;
}

/**
 * A `call:` the decision stopped at. The rest of the message is decided again from the same
 * inputs plus the outcomes, so `resume` keeps what the first decision saw.
 */
export interface PendingCall {
  request: CallRequest;
  resume: {
    /** The customer's conversation before this message. */
    conversation: Conversation;
    now: number;
    decideAt?: number;
    lookups: StepLookups;
    /** Outcomes of this message's earlier calls, by callKey. */
    outcomes: Record<string, CallOutcome>;
  };
}

/** A stored record this kfbot cannot read: corrupt, or not the shape any version wrote. */
export class UnreadableRecordError extends Error {
  override readonly name = 'UnreadableRecordError';
  readonly code = 'UNREADABLE_RECORD';
  /** The stored text, to keep aside; not in the message, which may reach a log. */
  raw = '';
  constructor(
    readonly key: string,
    readonly reason: string,
  ) {
    super(`the stored record ${key} cannot be read: ${reason}`);
  }
}

/** A stored record written by a newer kfbot (a higher format version). */
export class NewerRecordError extends Error {
  override readonly name = 'NewerRecordError';
  readonly code = 'NEWER_RECORD';
  constructor(
    readonly key: string,
    readonly version: number,
  ) {
    super(
      `the stored record ${key} has format ${version}, newer than this kfbot's ${RECORD_FORMAT}: a newer kfbot wrote it; upgrade this replica`,
    );
  }
}

const API_NAMES = new Set<string>(['kf/send_msg', 'kf/send_msg_on_event', 'kf/service_state/trans']);
const SERVICE_STATES = new Set([0, 1, 2, 3, 4]);

/** Parses JSON and checks its format version; returns the object. */
function open(key: string, json: string): JsonObject {
  let value: unknown;
  try {
    value = JSON.parse(json);
  } catch {
    throw new UnreadableRecordError(key, 'it is not JSON');
  }
  if (!isObject(value)) throw new UnreadableRecordError(key, 'it is not a JSON object');
  const v = value.v ?? 0;
  if (typeof v !== 'number' || !Number.isInteger(v) || v < 0) {
    throw new UnreadableRecordError(key, `its format version ${JSON.stringify(v)} is not a number`);
  }
  if (v > RECORD_FORMAT) throw new NewerRecordError(key, v);
  return value;
}

export function encodePlan(plan: StoredPlan): string {
  return JSON.stringify({
    v: RECORD_FORMAT,
    calls: plan.calls,
    dropped: plan.dropped,
    ...(plan.pending && { pending: plan.pending }),
  });
}

/** Runs a decoder, attaching the stored text to an UnreadableRecordError so it can be kept aside. */
function decoding<T>(json: string, decode: () => T): T {
  try {
    return decode();
  } catch (err) {
    if (err instanceof UnreadableRecordError) err.raw = json;
    throw err;
  }
}

export function decodePlan(key: string, json: string): StoredPlan {
  return decoding(json, () => readPlan(key, json));
}

function readPlan(key: string, json: string): StoredPlan {
  const o = open(key, json);
  const { calls, dropped } = o;
  if (!Array.isArray(calls)) throw new UnreadableRecordError(key, 'calls is not a list');
  if (!Array.isArray(dropped)) throw new UnreadableRecordError(key, 'dropped is not a list');
  calls.forEach((c, i) => {
    const bad = (what: string) => new UnreadableRecordError(key, `call ${i} ${what}`);
    if (!isObject(c)) throw bad('is not an object');
    if (typeof c.api !== 'string' || !API_NAMES.has(c.api)) throw bad(`has an unknown api ${String(c.api)}`);
    if (typeof c.step !== 'number' || !Number.isInteger(c.step)) throw bad('has no step number');
    if (typeof c.rule !== 'string') throw bad('has no rule name');
    if (!isObject(c.body)) throw bad('has no body');
  });
  dropped.forEach((d, i) => {
    if (!isObject(d) || typeof d.rule !== 'string' || typeof d.reason !== 'string') {
      throw new UnreadableRecordError(key, `dropped entry ${i} is not {step, rule, reason}`);
    }
  });
  // Each call's body was built by plan-calls.ts and checked against WeCom's limits before it was
  // stored; the checks above establish it is that shape, so the cast is to what was written.
  const plan: StoredPlan = {
    calls: calls as unknown as PlannedCall[],
    dropped: dropped as unknown as Plan['dropped'],
  };
  if (o.pending !== undefined) plan.pending = readPending(key, o.pending);
  return plan;
}

const METHODS = new Set(['GET', 'POST', 'PUT', 'PATCH', 'DELETE']);

function readPending(key: string, p: unknown): PendingCall {
  const bad = (what: string) => new UnreadableRecordError(key, `pending call ${what}`);
  if (!isObject(p) || !isObject(p.request) || !isObject(p.resume)) throw bad('is not { request, resume }');
  const r = p.request;
  for (const name of ['rule', 'name', 'key', 'urlPrefix'])
    if (typeof r[name] !== 'string') throw bad(`${name} is not a string`);
  for (const name of ['step', 'timeoutMs', 'retries'])
    if (typeof r[name] !== 'number') throw bad(`${name} is not a number`);
  if (typeof r.method !== 'string' || !METHODS.has(r.method)) throw bad('has no method');
  const parts = (v: unknown) =>
    Array.isArray(v) && v.every((x) => typeof x === 'string' || (isObject(x) && typeof x.env === 'string'));
  if (!parts(r.url)) throw bad('url is not a list of parts');
  if (r.body !== undefined && !parts(r.body)) throw bad('body is not a list of parts');
  if (
    !Array.isArray(r.headers) ||
    !r.headers.every((h) => Array.isArray(h) && typeof h[0] === 'string' && parts(h[1]))
  )
    throw bad('headers are not [name, parts] pairs');
  if (!Array.isArray(r.save)) throw bad('save is not a list');
  const resume = p.resume;
  if (typeof resume.now !== 'number' || !isObject(resume.lookups) || !isObject(resume.outcomes))
    throw bad('resume is not { conversation, now, lookups, outcomes }');
  const conversation = readConversation(key, JSON.stringify(resume.conversation ?? null));
  return {
    request: r as unknown as CallRequest,
    resume: { ...(resume as unknown as PendingCall['resume']), conversation },
  };
}

export function encodeConversation(conversation: Conversation): string {
  return JSON.stringify({ v: RECORD_FORMAT, ...conversation });
}

const optionalNumber = (o: JsonObject, name: string) => o[name] === undefined || typeof o[name] === 'number';
const optionalString = (o: JsonObject, name: string) => o[name] === undefined || typeof o[name] === 'string';

export function decodeConversation(key: string, json: string): Conversation {
  return decoding(json, () => readConversation(key, json));
}

function readConversation(key: string, json: string): Conversation {
  const o = open(key, json);
  const bad = (what: string) => new UnreadableRecordError(key, what);
  if (typeof o.quotaUsed !== 'number') throw bad('quotaUsed is not a number');
  for (const name of ['lastCustomerAt', 'nicknameAt', 'sessionStartedAt']) {
    if (!optionalNumber(o, name)) throw bad(`${name} is not a number`);
  }
  for (const name of ['quotaSince', 'nickname']) {
    if (!optionalString(o, name)) throw bad(`${name} is not a string`);
  }
  if (!optionalNumber(o, 'idleDueAt')) throw bad('idleDueAt is not a number');
  if (o.silence !== undefined) {
    const q = o.silence;
    if (
      !isObject(q) ||
      typeof q.since !== 'number' ||
      !Array.isArray(q.fired) ||
      !q.fired.every((f) => typeof f === 'string')
    )
      throw bad('silence is not { since, fired }');
  }
  const s = o.state;
  if (!isObject(s)) throw bad('state is not an object');
  if (!isObject(s.vars)) throw bad('state.vars is not an object');
  for (const [name, value] of Object.entries(s.vars)) {
    if (!['string', 'number', 'boolean'].includes(typeof value))
      throw bad(`variable ${name} is not a scalar`);
  }
  if (!isObject(s.counters) || !Object.values(s.counters).every((n) => typeof n === 'number')) {
    throw bad('state.counters is not an object of numbers');
  }
  if (typeof s.misses !== 'number') throw bad('state.misses is not a number');
  if (!optionalString(s, 'last_menu')) throw bad('state.last_menu is not a string');
  if (s.suggested !== undefined) {
    const g = s.suggested;
    if (
      !isObject(g) ||
      typeof g.text !== 'string' ||
      !Array.isArray(g.items) ||
      !g.items.every((i) => typeof i === 'string')
    )
      throw bad('state.suggested is not { text, items }');
  }
  if (s.service_state !== undefined && !SERVICE_STATES.has(s.service_state as number)) {
    throw bad(`state.service_state ${JSON.stringify(s.service_state)} is not 0-4`);
  }
  const { v: _v, ...fields } = o;
  return fields as unknown as Conversation & { state: ConversationState };
}

const MESSAGE_STATUSES = new Set(['planned', 'done', 'skipped']);

/** A message record as one JSON value (the Redis store; SQLite keeps it in columns). */
export function encodeMessage(message: MessageRecord): string {
  return JSON.stringify({ v: RECORD_FORMAT, ...message });
}

export function decodeMessage(key: string, json: string): MessageRecord {
  return decoding(json, () => {
    const o = open(key, json);
    const bad = (what: string) => new UnreadableRecordError(key, what);
    for (const name of ['msgid', 'openKfId', 'externalUserId']) {
      if (typeof o[name] !== 'string') throw bad(`${name} is not a string`);
    }
    if (typeof o.status !== 'string' || !MESSAGE_STATUSES.has(o.status))
      throw bad('status is not planned/done/skipped');
    if (typeof o.createdAt !== 'number') throw bad('createdAt is not a number');
    if (!optionalString(o, 'plan') || !optionalString(o, 'note')) throw bad('plan or note is not a string');
    const { v: _v, ...fields } = o;
    return fields as unknown as MessageRecord;
  });
}
