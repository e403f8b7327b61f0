/**
 * What the customer sees of an accepted send: WeCom "accepts it but cuts the field" for the
 * truncated problems send-limits.ts reports (§5: link title ≤128 and desc ≤512 bytes, miniprogram
 * title ≤64 bytes).
 */
import { isObject, type JsonObject } from '../../wecom/json-reader.ts';
import type { SendProblem } from '../../wecom/send-limits.ts';

/** §5's truncating limits, in UTF-8 bytes, by field path (the same numbers send-limits.ts checks). */
const CUT_AT: Readonly<Record<string, number>> = {
  'link.title': 128,
  'link.desc': 512,
  'miniprogram.title': 64,
};

export function firstError(problems: readonly SendProblem[]): SendProblem | undefined {
  return problems.find((p) => p.severity === 'error');
}

/** Cuts `text` to at most `maxBytes` UTF-8 bytes without splitting a character. */
export function cutUtf8(text: string, maxBytes: number): string {
  let bytes = 0;
  let out = '';
  for (const ch of text) {
    bytes += Buffer.byteLength(ch);
    if (bytes > maxBytes) break;
    out += ch;
  }
  return out;
}

export function applyTruncations(
  msgtype: string,
  payload: JsonObject,
  problems: readonly SendProblem[],
): { content: JsonObject; truncated: string[] } {
  const cut: JsonObject = structuredClone(payload);
  const truncated: string[] = [];
  for (const p of problems) {
    if (p.severity !== 'truncated') continue;
    const max = CUT_AT[p.field];
    const [, key] = p.field.split('.');
    if (max === undefined || key === undefined || !p.field.startsWith(`${msgtype}.`)) {
      throw new Error(
        `simulator: send-limits reported a truncation of ${p.field}, which the simulator cannot apply`,
      );
    }
    const value = cut[key];
    if (typeof value === 'string') cut[key] = cutUtf8(value, max);
    truncated.push(p.field);
  }
  return { content: { msgtype, [msgtype]: isObject(cut) ? cut : {} }, truncated };
}
