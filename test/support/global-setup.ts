/**
 * Vitest's global setup: whatever way the tests are started (`npm test`, `npx vitest run some/dir`),
 * the machine has what they need — Chromium installed, a Redis answering (started for this run and
 * stopped after it when none was) — or the run stops at once with one line (see test-machine.ts).
 */
import { MachineNotReady, preparePackages, startRedisForRun } from './test-machine.ts';

const log = (line: string) => process.stderr.write(`kfbot tests: ${line}\n`);

export default async function setup(): Promise<() => Promise<void>> {
  try {
    preparePackages(log);
    return await startRedisForRun(log);
  } catch (err) {
    if (!(err instanceof MachineNotReady)) throw err;
    process.stderr.write(`${err.message}\n`);
    process.exit(1);
  }
}
