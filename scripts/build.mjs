// `npm run build`: compiles src/ to dist/ with tsc (relative .ts imports become .js) and copies
// the sandbox page's assets beside the compiled code that serves them. Plain JavaScript, because
// it runs before anything is compiled. `--if-stale` does nothing when dist/ is newer than every
// source (the tests, the soak run and the benches use it, so they always run the code as it is).
import { execFileSync } from 'node:child_process';
import { cpSync, readdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('..', import.meta.url));
const stamp = join(root, 'dist', '.built');

function newest(dir) {
  let latest = 0;
  for (const e of readdirSync(dir, { withFileTypes: true })) {
    const path = join(dir, e.name);
    latest = Math.max(latest, e.isDirectory() ? newest(path) : statSync(path).mtimeMs);
  }
  return latest;
}

function fresh() {
  try {
    const sources = Math.max(newest(join(root, 'src')), statSync(join(root, 'tsconfig.build.json')).mtimeMs);
    return statSync(stamp).mtimeMs > sources;
  } catch {
    return false;
  }
}

if (!(process.argv.includes('--if-stale') && fresh())) {
  const tsc = createRequire(import.meta.url).resolve('typescript/bin/tsc');
  rmSync(join(root, 'dist'), { recursive: true, force: true });
  execFileSync(process.execPath, [tsc, '-p', join(root, 'tsconfig.build.json')], {
    stdio: 'inherit',
    cwd: root,
  });
  cpSync(join(root, 'src/sandbox/public'), join(root, 'dist/sandbox/public'), { recursive: true });
  writeFileSync(stamp, `${new Date().toISOString()}\n`);
}
