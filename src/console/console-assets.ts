/**
 * The console's page code, served from the package: its own files (console-public/, copied beside
 * the bundle by scripts/build.mjs) and the charting library, uPlot, taken from npm at build time
 * (dist/cli/console-public/vendor/) or, running from source, from node_modules. Nothing comes from
 * a CDN; the browser talks to kfbot only.
 */
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { extname, join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';

const TYPES: Record<string, string> = {
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.png': 'image/png',
  '.svg': 'image/svg+xml',
};

/** The vendored files: served name → file in the npm package. */
export const VENDOR: Readonly<Record<string, string>> = {
  'vendor/uPlot.esm.js': 'uplot/dist/uPlot.esm.js',
  'vendor/uPlot.min.css': 'uplot/dist/uPlot.min.css',
};

/** What a signed-out browser may load: the login page's style sheet. */
export const PUBLIC_ASSETS: ReadonlySet<string> = new Set(['console.css']);

export interface Asset {
  type: string;
  body: Buffer;
}

function listFiles(dir: string): string[] {
  if (!existsSync(dir)) return [];
  return readdirSync(dir, { recursive: true, withFileTypes: true })
    .filter((e) => e.isFile())
    .map((e) => relative(dir, join(e.parentPath, e.name)).split('\\').join('/'));
}

export class ConsoleAssets {
  readonly #files = new Map<string, string>();

  constructor(publicDir = fileURLToPath(new URL('./console-public/', import.meta.url))) {
    for (const name of listFiles(publicDir)) {
      if (TYPES[extname(name)]) this.#files.set(name, join(publicDir, name));
    }
    const require = createRequire(import.meta.url);
    for (const [name, source] of Object.entries(VENDOR)) {
      if (!this.#files.has(name)) this.#files.set(name, require.resolve(source));
    }
  }

  /** The asset of that name (relative to /console/assets/), read on each request: they are small. */
  get(name: string): Asset | undefined {
    const path = this.#files.get(name);
    if (!path) return undefined;
    return { type: TYPES[extname(name)] ?? 'application/octet-stream', body: readFileSync(path) };
  }
}
