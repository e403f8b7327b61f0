/**
 * Runs an example: every line of its runs.txt as `kfbot simulate --rules <example>/rules.yaml …`,
 * or its main.ts for a programmatic example, and returns the transcript that expected.txt holds.
 * The test suite compares; `npm run examples:update` rewrites expected.txt after a deliberate change.
 */
import { execFileSync } from 'node:child_process';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import type { Server } from 'node:http';
import { join, relative } from 'node:path';
import { PassThrough } from 'node:stream';
import { fileURLToPath } from 'node:url';
import { main } from '../src/cli/main.ts';

export const EXAMPLES_DIR = fileURLToPath(new URL('.', import.meta.url));
const ROOT = join(EXAMPLES_DIR, '..');

export function exampleNames(): string[] {
  return readdirSync(EXAMPLES_DIR, { withFileTypes: true })
    .filter((e) => e.isDirectory() && /^\d\d-/.test(e.name))
    .map((e) => e.name)
    .sort();
}

/** What an example's rules read with {{env.X}} (example 10's demo order API token). */
const EXAMPLE_ENV = { ORDER_API_TOKEN: 'demo-token' };

async function simulate(args: string[]): Promise<string> {
  const stdout = new PassThrough();
  let text = '';
  stdout.on('data', (d: Buffer) => {
    text += d;
  });
  const code = await main(['simulate', ...args], { stdout, stderr: stdout, cwd: ROOT, env: EXAMPLE_ENV });
  return `${text}[exit ${code}]\n`;
}

export async function transcript(name: string): Promise<string> {
  const dir = join(EXAMPLES_DIR, name);
  const programmatic = join(dir, 'main.ts');
  if (existsSync(programmatic)) {
    return execFileSync(process.execPath, ['--import', 'tsx', programmatic], { cwd: ROOT, encoding: 'utf8' });
  }
  const rules = relative(ROOT, join(dir, 'rules.yaml'));
  const runs = readFileSync(join(dir, 'runs.txt'), 'utf8')
    .split('\n')
    .map((l) => l.trim())
    .filter((l) => l && !l.startsWith('#'));
  const parts: string[] = [];
  // An example that calls a backend brings its own (example 10's demo order API), started here.
  const backendFile = join(dir, 'order-backend.ts');
  const backend = existsSync(backendFile)
    ? await ((await import(backendFile)) as { startOrderBackend: () => Promise<Server> }).startOrderBackend()
    : undefined;
  try {
    for (const line of runs) {
      const args = ['--rules', rules, ...line.split(/\s+/)];
      parts.push(`$ kfbot simulate ${args.join(' ')}\n${await simulate(args)}`);
    }
  } finally {
    await new Promise((r) => (backend ? backend.close(r) : r(undefined)));
  }
  return parts.join('\n');
}
