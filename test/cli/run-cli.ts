import { spawn } from 'node:child_process';
import { PassThrough } from 'node:stream';
import { fileURLToPath } from 'node:url';
import { main } from '../../src/cli/main.ts';

export const KFBOT = fileURLToPath(new URL('../../bin/kfbot.js', import.meta.url));
export const ROOT = fileURLToPath(new URL('../..', import.meta.url));

export interface CliResult {
  code: number | null;
  stdout: string;
  stderr: string;
}

/** Runs the real `kfbot` executable (bin/kfbot.js) and collects its output. */
export function runCli(
  args: string[],
  opts: {
    input?: string;
    env?: Record<string, string>;
    /** Run with exactly `env`, not this process's environment plus `env`. */
    replaceEnv?: boolean;
    cwd?: string;
  } = {},
): Promise<CliResult> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [KFBOT, ...args], {
      cwd: opts.cwd ?? ROOT,
      env: opts.replaceEnv ? opts.env : { ...process.env, ...opts.env },
      stdio: ['pipe', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => {
      stdout += d;
    });
    child.stderr.on('data', (d: Buffer) => {
      stderr += d;
    });
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, stdout, stderr }));
    child.stdin.end(opts.input ?? '');
  });
}

/** `kfbot …` in this process (a spawned one each time would be slow): its exit code and output. */
export async function runInProcess(
  argv: string[],
  env: NodeJS.ProcessEnv = {},
): Promise<{ code: number; stdout: string; stderr: string }> {
  const out = { stdout: '', stderr: '' };
  const stream = (key: 'stdout' | 'stderr') => {
    const s = new PassThrough();
    s.on('data', (d: Buffer) => {
      out[key] += d;
    });
    return s;
  };
  const stdin = new PassThrough();
  stdin.end();
  const code = await main(argv, {
    stdout: stream('stdout'),
    stderr: stream('stderr'),
    stdin,
    env,
    cwd: process.cwd(),
  });
  return { code, ...out };
}
