/**
 * Stand-in answers for rules' `call:` actions, for `kfbot test` (a step's `calls:`) and
 * `kfbot simulate --call name=fixture.json`:
 *
 *   calls:
 *     order_status: { status: 200, body: { data: { status: 已发货, eta: 12月9日 } } }
 *     refund: timeout                        # or { error: refused } (any code of CALL_ERRORS)
 *
 * A fixture is read through the same function as a real answer (rules/call-answer.ts), so a
 * test's `save:` paths, not_json and on_status behave as they will against the backend.
 */
import { answerOutcome } from '../rules/call-answer.ts';
import { CALL_ERRORS, type CallErrorCode, type CallOutcome } from '../rules/call-model.ts';
import type { CallRequest } from '../rules/call-request.ts';

export type CallFixture = { status: number; body?: unknown } | { error: CallErrorCode };

export const FIXTURE_HELP =
  'a call fixture is { status: 200, body: {…} }, timeout, or { error: refused } (one of ' +
  `${Object.keys(CALL_ERRORS).join(', ')})`;

/** A fixture as written in YAML or JSON, or a one-line problem. */
export function readCallFixture(raw: unknown): CallFixture | string {
  if (raw === 'timeout') return { error: 'timeout' };
  if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) return FIXTURE_HELP;
  const o = raw as Record<string, unknown>;
  if (o.error !== undefined) {
    if (typeof o.error === 'string' && Object.hasOwn(CALL_ERRORS, o.error))
      return { error: o.error as CallErrorCode };
    return FIXTURE_HELP;
  }
  const extra = Object.keys(o).filter((k) => k !== 'status' && k !== 'body');
  if (
    typeof o.status !== 'number' ||
    !Number.isInteger(o.status) ||
    o.status < 100 ||
    o.status > 599 ||
    extra.length
  )
    return FIXTURE_HELP;
  return { status: o.status, ...(o.body !== undefined && { body: o.body }) };
}

export function fixtureOutcome(req: CallRequest, fixture: CallFixture): CallOutcome {
  if ('error' in fixture) {
    const attempts = fixture.error === 'timeout' || fixture.error === 'refused' ? 1 + req.retries : 1;
    return {
      error: fixture.error,
      detail: `fixture: ${CALL_ERRORS[fixture.error]}`,
      attempts,
      durationMs: fixture.error === 'timeout' ? req.timeoutMs * attempts : 0,
    };
  }
  const text =
    fixture.body === undefined
      ? ''
      : typeof fixture.body === 'string'
        ? fixture.body
        : JSON.stringify(fixture.body);
  return answerOutcome(req, { status: fixture.status, text }, 1, 0);
}

/** A call a test step made without a fixture for it: the test fails, it never reaches a backend. */
export class UnfixturedCallError extends Error {
  override readonly name = 'UnfixturedCallError';
  readonly code = 'UNFIXTURED_CALL';
  constructor(readonly call: string) {
    super(`call "${call}" has no fixture; add calls: { ${call}: { status: 200, body: {…} } } to the step`);
  }
}
