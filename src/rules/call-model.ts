/**
 * The compiled form of a rule's `call:` action (查订单 → the shop's API → a reply with the result)
 * and what kfbot records about one call. Nothing here talks HTTP: the request is rendered by
 * call-request.ts and made by runtime/call-runner.ts.
 */
import type { SourcePosition } from './problems.ts';
import type { Action } from './rule-model.ts';
import type { Template } from './template.ts';

export const CALL_METHODS = ['GET', 'POST', 'PUT', 'PATCH', 'DELETE'] as const;
export type CallMethod = (typeof CALL_METHODS)[number];

/** The longest timeout a call may have: the customer is waiting for the answer. */
export const MAX_CALL_TIMEOUT_MS = 30_000;
export const DEFAULT_CALL_TIMEOUT_MS = 3_000;
/** Calls in flight at once in one process, unless settings.calls.concurrency says otherwise. */
export const DEFAULT_CALL_CONCURRENCY = 16;
export const MAX_CALL_RETRIES = 5;
/** The largest answer kfbot reads; a bigger one is refused (`too_large`). */
export const MAX_ANSWER_BYTES = 1024 * 1024;
/** A saved value longer than this is cut (on a character boundary) and ends with "…". */
export const MAX_SAVED_CHARS = 500;

/** settings.calls */
export interface CallSettings {
  /** host or host:port entries, lower case. */
  allow: readonly string[];
  timeoutMs: number;
  concurrency: number;
}

export function defaultCallSettings(): CallSettings {
  return { allow: [], timeoutMs: DEFAULT_CALL_TIMEOUT_MS, concurrency: DEFAULT_CALL_CONCURRENCY };
}

/** A request body as written: JSON whose strings are templates. */
export type BodyNode =
  | { kind: 'value'; value: null | boolean | number }
  | { kind: 'text'; text: Template }
  | { kind: 'list'; items: BodyNode[] }
  | { kind: 'map'; entries: [string, BodyNode][] };

export interface CallModel {
  name: string;
  method: CallMethod;
  /** Its scheme, host and port are literal (checked against the allow-list when the rules load). */
  url: Template;
  headers: [string, Template][];
  body?: BodyNode;
  timeoutMs: number;
  retries: number;
  /** Variable name → path of keys into the JSON answer. */
  save: [string, string[]][];
  /** Status code → the actions that run instead of the rule's remaining ones. */
  onStatus: ReadonlyMap<number, Action[]>;
  /** Runs instead of the remaining actions on any other outcome; absent: they are skipped. */
  onError?: Action[];
  at: SourcePosition;
}

/** Why a call did not give an answer the rule can use. Stable: tests, metrics and docs name them. */
export const CALL_ERRORS = {
  timeout: 'no answer within the timeout (waiting for a free call slot included)',
  refused: 'the connection failed (refused, reset, DNS, TLS)',
  status: 'the backend answered with a status the rule does not list',
  not_json: 'the answer is not JSON, and save: needs it',
  too_large: 'the answer is larger than 1 MB',
  redirect: 'the backend redirected to a host not in settings.calls.allow',
  host_not_allowed: 'the host is not in settings.calls.allow, or resolves to a private address not listed',
  env_missing: 'an {{env.X}} the call uses is not set in kfbot’s environment',
  interrupted: 'kfbot stopped during the call and the method may not be repeated (retries: 0)',
} as const;
export type CallErrorCode = keyof typeof CALL_ERRORS;

/** What one call came to, recorded durably before any reply that depends on it is planned. */
export interface CallOutcome {
  /** The backend's HTTP status, when it answered. */
  status?: number;
  /** The `save:` values found (a missing path is absent). */
  saved?: Record<string, string>;
  error?: CallErrorCode;
  /** Detail for logs and explain (never contains an env value). */
  detail?: string;
  attempts: number;
  durationMs: number;
}

/** Which actions ran after a call: the rule's remaining ones, an on_status entry, or on_error. */
export type CallBranch = 'rest' | `on_status ${number}` | 'on_error' | 'skipped';

/** The key of a call in a decision's outcomes: rule and call name (validate keeps names unique in a rule). */
export function callKey(rule: string, call: string): string {
  return `${rule}\u0000${call}`;
}
