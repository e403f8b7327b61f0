/**
 * `npm test`'s pretest step: installs what the run needs and is missing, or stops the run before
 * the typecheck with one line saying what is missing and how to fix it (see test-machine.ts).
 */
import { MachineNotReady, preparePackages, prepareRedis } from './test-machine.ts';

const log = (line: string) => process.stderr.write(`kfbot tests: ${line}\n`);
try {
  preparePackages(log);
  await prepareRedis(log);
} catch (err) {
  if (!(err instanceof MachineNotReady)) throw err;
  process.stderr.write(`${err.message}\n`);
  process.exit(1);
}
