/**
 * pino, with every field that could carry a credential redacted wherever it appears, so a secret
 * cannot reach a log line by accident (kfbot never logs them on purpose either).
 */
import pino, { type DestinationStream, type Logger } from 'pino';

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

export function createLogger(level: string, destination?: DestinationStream): Logger {
  return pino(
    {
      level,
      base: { service: 'kfbot' },
      redact: { paths: REDACTED_FIELDS, censor: '[redacted]' },
      timestamp: pino.stdTimeFunctions.isoTime,
    },
    destination,
  );
}
