/**
 * Reading request fields the way WeCom validates them: a wrong type or an out-of-range value is
 * 40058 "invalid parameter" (§8: "bad JSON, too long, array too big, required field empty").
 */
import type { JsonObject } from '../../wecom/json-reader.ts';

export const INVALID_PARAMETER = 40058;

export class FieldError extends Error {
  constructor(
    readonly errcode: number,
    readonly field: string,
    message: string,
  ) {
    super(message);
  }
}

export function requiredString(body: JsonObject, key: string, maxBytes?: number): string {
  const v = body[key];
  if (typeof v !== 'string' || v === '')
    throw new FieldError(INVALID_PARAMETER, key, `${key} is required (a non-empty string)`);
  if (maxBytes !== undefined && Buffer.byteLength(v) > maxBytes) {
    throw new FieldError(INVALID_PARAMETER, key, `${key} is longer than ${maxBytes} bytes`);
  }
  return v;
}

/** An optional string; "" counts as absent. */
export function optionalString(body: JsonObject, key: string, maxBytes?: number): string | undefined {
  const v = body[key];
  if (v === undefined || v === null || v === '') return undefined;
  if (typeof v !== 'string') throw new FieldError(INVALID_PARAMETER, key, `${key} must be a string`);
  if (maxBytes !== undefined && Buffer.byteLength(v) > maxBytes) {
    throw new FieldError(INVALID_PARAMETER, key, `${key} is longer than ${maxBytes} bytes`);
  }
  return v;
}

/** An optional unsigned integer in [min, max]; absent (or 0 when zeroIsDefault) gives `dflt`. */
export function optionalUint(
  body: JsonObject,
  key: string,
  range: { min: number; max: number; dflt: number; zeroIsDefault?: boolean },
): number {
  const v = body[key];
  if (v === undefined || v === null) return range.dflt;
  if (typeof v !== 'number' || !Number.isInteger(v))
    throw new FieldError(INVALID_PARAMETER, key, `${key} must be an integer`);
  if (v === 0 && range.zeroIsDefault) return range.dflt;
  if (v < range.min || v > range.max) {
    throw new FieldError(INVALID_PARAMETER, key, `${key} must be between ${range.min} and ${range.max}`);
  }
  return v;
}
