/** Rewrites every example's expected.txt from a fresh run. Review the diff before committing it. */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { EXAMPLES_DIR, exampleNames, transcript } from './transcript.ts';

for (const name of exampleNames()) {
  writeFileSync(join(EXAMPLES_DIR, name, 'expected.txt'), await transcript(name));
  console.log(`updated examples/${name}/expected.txt`);
}
