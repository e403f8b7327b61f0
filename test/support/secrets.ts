import { expect } from 'vitest';
import type { WeComSimulator } from '../../src/simulator/index.ts';

/**
 * Fails if any of `lines` contains a credential: the app secret, the callback token, the
 * EncodingAESKey, or any access token the simulator issued (docs/security.md).
 */
export function expectNoSecrets(
  lines: readonly string[],
  sim: WeComSimulator,
  extra: readonly string[] = [],
): void {
  const secrets = [sim.secret, ...sim.world.accessTokens.issued, ...extra].filter((s) => s.length >= 8);
  const leaks = lines.flatMap((line) => secrets.filter((s) => line.includes(s)).map(() => line));
  expect(leaks, 'log lines that contain a credential').toEqual([]);
}
