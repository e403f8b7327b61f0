/**
 * pino, with every field that could carry a credential redacted wherever it appears, so a secret
 * cannot reach a log line by accident (kfbot never logs them on purpose either). Errors are logged
 * whole under `err` (type, message, code, stack, cause) by a serializer that scrubs credentials
 * out of their text: a stack or an undici message may quote a URL with its access_token.
 */
import pino, { type DestinationStream, type Logger } from 'pino';
import { redactSecrets } from '../wecom/redact-secrets.ts';

export const REDACTED_FIELDS = [
  'secret',
  'token',
  'access_token',
  'encodingAesKey',
  'corpsecret',
  '*.secret',
  '*.token',
  '*.access_token',
  '*.encodingAesKey',
  '*.corpsecret',
];

const SECRET_KEYS = new Set(['secret', 'token', 'access_token', 'encodingAesKey', 'corpsecret', 'password']);

/** Credentials in text: URL query parameters, and the password of a redis://user:pass@host URL. */
function scrub(text: string): string {
  return redactSecrets(text).replace(/(\w+:\/\/[^:/\s@]*:)[^@\s/]+@/g, '$1[redacted]@');
}

function scrubValue(value: unknown, depth: number): unknown {
  if (typeof value === 'string') return scrub(value);
  if (value === null || typeof value !== 'object' || depth > 4) return value;
  if (Array.isArray(value)) return value.map((v) => scrubValue(v, depth + 1));
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(value))
    out[k] = SECRET_KEYS.has(k) ? '[redacted]' : scrubValue(v, depth + 1);
  return out;
}

/** pino's error serializer (type, message, stack, cause chain, own fields), credentials scrubbed. */
export function serializeError(err: unknown): unknown {
  if (!(err instanceof Error)) return scrubValue(err, 0);
  return scrubValue(pino.stdSerializers.err(err), 0);
}

export function createLogger(level: string, destination?: DestinationStream): Logger {
  return pino(
    {
      level,
      base: { service: 'kfbot' },
      redact: { paths: REDACTED_FIELDS, censor: '[redacted]' },
      serializers: { err: serializeError },
      timestamp: pino.stdTimeFunctions.isoTime,
    },
    destination,
  );
}
