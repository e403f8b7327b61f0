/**
 * A backend's answer → the call's outcome: the `save:` values from a 2xx JSON answer (a missing
 * path is left out; long values cut on a character boundary), `not_json` when save: needs JSON
 * and the answer is not. Pure: serve (runtime/call-runner.ts), `kfbot test` fixtures and
 * `kfbot simulate --call` all read answers through it, so they cannot disagree.
 */
import { type CallOutcome, MAX_SAVED_CHARS } from './call-model.ts';
import type { CallRequest } from './call-request.ts';

/** The value at a dotted path of the JSON answer, as text; undefined when the answer lacks it. */
export function savedValue(answer: unknown, path: readonly string[]): string | undefined {
  let v: unknown = answer;
  for (const key of path) {
    if (Array.isArray(v) && /^\d+$/.test(key)) v = v[Number(key)];
    else if (v !== null && typeof v === 'object' && Object.hasOwn(v, key))
      v = (v as Record<string, unknown>)[key];
    else return undefined;
  }
  if (v === null || v === undefined) return undefined;
  const text = typeof v === 'string' ? v : typeof v === 'object' ? JSON.stringify(v) : String(v);
  const chars = [...text];
  return chars.length > MAX_SAVED_CHARS ? `${chars.slice(0, MAX_SAVED_CHARS).join('')}…` : text;
}

export function answerOutcome(
  req: Pick<CallRequest, 'save'>,
  answer: { status: number; text: string },
  attempts: number,
  durationMs: number,
): CallOutcome {
  const base = { attempts, durationMs, status: answer.status };
  const ok = answer.status >= 200 && answer.status < 300;
  if (!ok || req.save.length === 0) return base;
  let parsed: unknown;
  try {
    parsed = JSON.parse(answer.text);
  } catch {
    return { ...base, error: 'not_json', detail: 'the answer is not JSON, and save: needs it' };
  }
  const saved: Record<string, string> = {};
  for (const [name, path] of req.save) {
    const v = savedValue(parsed, path);
    if (v !== undefined) saved[name] = v;
  }
  return { ...base, saved };
}
