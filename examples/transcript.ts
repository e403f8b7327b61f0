/**
 * Runs an example: every line of its runs.txt as `kfbot simulate --rules <example>/rules.yaml …`,
 * or its main.ts for a programmatic example, and returns the transcript that expected.txt holds.
 * The test suite compares; `npm run examples:update` rewrites expected.txt after a deliberate change.
 */
import { execFileSync } from 'node:child_process';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
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

async function simulate(args: string[]): Promise<string> {
  const stdout = new PassThrough();
  let text = '';
  stdout.on('data', (d: Buffer) => {
    text += d;
  });
  const code = await main(['simulate', ...args], { stdout, stderr: stdout, cwd: ROOT, env: {} });
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
  for (const line of runs) {
    const args = ['--rules', rules, ...line.split(/\s+/)];
    parts.push(`$ kfbot simulate ${args.join(' ')}\n${await simulate(args)}`);
  }
  return parts.join('\n');
}
