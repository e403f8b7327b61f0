/** Rewrites every example's expected.txt from a fresh run. Review the diff before committing it. */
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { EXAMPLES_DIR, exampleNames, transcript } from './transcript.ts';

let changed = 0;
for (const name of exampleNames()) {
  const file = join(EXAMPLES_DIR, name, 'expected.txt');
  const fresh = await transcript(name);
  // Say only what changed, so the output matches the diff to review.
  if (existsSync(file) && readFileSync(file, 'utf8') === fresh) {
    console.log(`unchanged examples/${name}/expected.txt`);
    continue;
  }
  writeFileSync(file, fresh);
  changed++;
  console.log(`updated   examples/${name}/expected.txt`);
}
console.log(
  changed === 0 ? 'every expected.txt was already up to date' : `${changed} file(s) updated: review the diff`,
);
