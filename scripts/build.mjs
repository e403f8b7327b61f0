// `npm run build`: bundles src/ into dist/cli/ with esbuild and copies the sandbox page's assets
// beside the bundle. kfbot's own modules become a few files (each command, store backend and the
// sandbox stay a chunk of their own, loaded when used; packages stay in node_modules but for pino
// and prom-client, below): Node loads ~90 small ES modules ~40 ms slower than the same code in one
// file, on every start. esbuild only strips the types, as tsx does for the tests; `npm run
// typecheck` checks them. Plain JavaScript, because it runs before anything is compiled.
// `--if-stale` does nothing when dist/ is newer than every source and this script (the tests, the
// soak run and the benches use it, so they always run the code as it is).
import { cpSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { buildSync } from 'esbuild';

const root = fileURLToPath(new URL('..', import.meta.url));
const pkg = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8'));
/** Packages bundled into dist/ rather than loaded from node_modules (see the build below). */
const BUNDLED = ['pino', 'prom-client'];
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
    // Every package stays in node_modules except pino and prom-client: of the 70 CommonJS files
    // `kfbot serve` loaded before it listened, 52 were theirs, each looked up, read and compiled
    // apart (requiring pino alone: 17-72 ms in a fresh process, 7-16 ms bundled, on a busy
    // machine; docs/performance.md). Bundled, they are read once, in the chunk that uses them. Both
    // are plain JavaScript that looks nothing up beside itself at load (pino's transports would, in
    // a worker thread; kfbot uses none).
    external: Object.keys({ ...pkg.dependencies, ...pkg.devDependencies }).filter(
      (name) => !BUNDLED.includes(name),
    ),
    // The bundled CommonJS require()s Node's built-ins; an ES module has no require of its own.
    banner: {
      js: "import { createRequire as __kfbotRequire } from 'node:module';\nconst require = __kfbotRequire(import.meta.url);",
    },
    sourcemap: true,
    logLevel: 'warning',
  });
  // esbuild writes strings, regular expressions and names in ASCII (\u escapes) but keeps comments
  // as written, and one "§", "…" or "猜你想问" in a comment makes V8 hold that chunk's whole source
  // as two bytes a character for as long as kfbot runs (~0.7 MB of an idle serve, issue #28). The
  // same escapes in comments (and, should any other character be left, in code, where \uXXXX means
  // the same) keep every chunk one byte a character. Only comment lines change, so the source map's
  // columns for code stay right.
  for (const name of readdirSync(join(out, 'cli'))) {
    if (!name.endsWith('.js')) continue;
    const file = join(out, 'cli', name);
    const text = readFileSync(file, 'utf8');
    const ascii = text.replace(/[^\0-\x7f]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`);
    if (ascii !== text) writeFileSync(file, ascii);
  }
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
