/**
 * vitest globalSetup: the CLI tests and the end-to-end tests spawn bin/kfbot.js, which runs the
 * compiled dist/. Build it when it is missing or older than any source, so `npm test` on a fresh
 * clone (or after an edit) tests the code as it is.
 */
import { execFileSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';

export default function setup(): void {
  const script = fileURLToPath(new URL('../../scripts/build.mjs', import.meta.url));
  execFileSync(process.execPath, [script, '--if-stale'], { stdio: 'inherit' });
}
