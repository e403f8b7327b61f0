// `npm run build`: compiles src/ to dist/ with tsc (relative .ts imports become .js) and copies
// the sandbox page's assets beside the compiled code that serves them. Plain JavaScript, because
// it runs before anything is compiled.
import { execFileSync } from 'node:child_process';
import { cpSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('..', import.meta.url));
const tsc = createRequire(import.meta.url).resolve('typescript/bin/tsc');
rmSync(`${root}dist`, { recursive: true, force: true });
execFileSync(process.execPath, [tsc, '-p', `${root}tsconfig.build.json`], { stdio: 'inherit', cwd: root });
cpSync(`${root}src/sandbox/public`, `${root}dist/sandbox/public`, { recursive: true });
// Tests that spawn the CLI rebuild first when a source is newer than this stamp.
writeFileSync(`${root}dist/.built`, `${new Date().toISOString()}\n`);
