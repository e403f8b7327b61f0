// `npm run build`: bundles src/ into dist/cli/ with esbuild and copies the sandbox page's assets
// beside the bundle. kfbot's own modules become a few files (each command, store backend and the
// sandbox stay a chunk of their own, loaded when used; packages stay in node_modules): Node loads
// ~90 small ES modules ~40 ms slower than the same code in one file, on every start. esbuild only
// strips the types, as tsx does for the tests; `npm run typecheck` checks them. Plain JavaScript,
// because it runs before anything is compiled. `--if-stale` does nothing when dist/ is newer than
// every source and this script (the tests, the soak run and the benches use it, so they always
// run the code as it is).
import { cpSync, readdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { buildSync } from 'esbuild';

const root = fileURLToPath(new URL('..', import.meta.url));
const out = join(root, 'dist');
const stamp = join(out, '.built');

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
    const sources = Math.max(newest(join(root, 'src')), statSync(fileURLToPath(import.meta.url)).mtimeMs);
    return statSync(stamp).mtimeMs > sources;
  } catch {
    return false;
  }
}

if (!(process.argv.includes('--if-stale') && fresh())) {
  rmSync(out, { recursive: true, force: true });
  buildSync({
    absWorkingDir: root,
    // The rules worker (load-rules-off-thread.ts) is its own entry, beside the chunks that start it.
    entryPoints: { main: 'src/cli/main.ts', 'load-rules-worker': 'src/rules/load-rules-worker.ts' },
    outdir: join(out, 'cli'),
    bundle: true,
    splitting: true,
    format: 'esm',
    platform: 'node',
    target: 'node20',
    packages: 'external',
    sourcemap: true,
    logLevel: 'warning',
  });
  // Every chunk sits in dist/cli/, so the sandbox's `new URL('./public/', import.meta.url)` looks there.
  cpSync(join(root, 'src/sandbox/public'), join(out, 'cli/public'), { recursive: true });
  // The console's page code beside the sandbox's, and uPlot from npm minified into its vendor/ (no CDN).
  cpSync(join(root, 'src/console/console-public'), join(out, 'cli/console-public'), { recursive: true });
  buildSync({
    absWorkingDir: root,
    entryPoints: { 'uPlot.esm': 'node_modules/uplot/dist/uPlot.esm.js' },
    outdir: join(out, 'cli/console-public/vendor'),
    format: 'esm',
    minify: true,
    logLevel: 'warning',
  });
  cpSync(
    join(root, 'node_modules/uplot/dist/uPlot.min.css'),
    join(out, 'cli/console-public/vendor/uPlot.min.css'),
  );
  writeFileSync(stamp, `${new Date().toISOString()}\n`);
}
