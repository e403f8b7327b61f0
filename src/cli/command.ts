/** What every `kfbot <command>` gets and returns, and the small helpers they share. */
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { type ParseArgsConfig, parseArgs } from 'node:util';
import { formatProblem, RulesError } from '../rules/problems.ts';
import { unreadable } from '../rules/unreadable.ts';

/** I/O is passed in so tests can run commands in-process. */
export interface CommandIo {
  stdout: NodeJS.WritableStream;
  stderr: NodeJS.WritableStream;
  stdin: NodeJS.ReadableStream;
  env: NodeJS.ProcessEnv;
  cwd: string;
}

export interface Command {
  name: string;
  /** Resolves to the process exit code. */
  run(argv: string[], io: CommandIo): Promise<number>;
}

/** A usage mistake: printed with the command's help hint, exit code 2. */
export class UsageError extends Error {
  override readonly name = 'UsageError';
  /** The command whose --help answers it, when narrower than the top one ("report unanswered"). */
  helpFor: string | undefined;
  constructor(message: string, helpFor?: string) {
    super(message);
    this.helpFor = helpFor;
  }
}

/** Runs a subcommand so that its usage errors point at its own --help ("kfbot report rules --help"). */
export async function runSubcommand(path: string, run: () => Promise<number>): Promise<number> {
  try {
    return await run();
  } catch (err) {
    if (err instanceof UsageError && err.helpFor === undefined) throw new UsageError(err.message, path);
    throw err;
  }
}

/** Bad input the command cannot work with (a missing file, invalid JSON): one line, exit code 1. */
/** `--latency MS` (and the like): a number of milliseconds ≥ 0, or a usage error naming the flag. */
export function millisecondsFlag(flag: string, value: string | undefined): number | undefined {
  if (value === undefined) return undefined;
  const n = Number(value);
  if (!(n >= 0) || value.trim() === '')
    throw new UsageError(`--${flag} must be a number of ms ≥ 0, not "${value}"`);
  return n;
}

export class InputError extends Error {
  override readonly name = 'InputError';
}

/** Reads a file a command was given, or says in one line why it cannot. */
export function readInputFile(path: string, cwd: string, what: string): string {
  const full = resolve(cwd, path);
  try {
    return readFileSync(full, 'utf8');
  } catch (err) {
    throw new InputError(`cannot read ${what} "${path}": ${unreadable(full, err)}`);
  }
}

/** Parses JSON a command was given, or says in one line where it is broken. */
export function parseInputJson(text: string, what: string): unknown {
  try {
    return JSON.parse(text);
  } catch (err) {
    throw new InputError(`${what} is not valid JSON: ${(err as Error).message}`);
  }
}

type Options = NonNullable<ParseArgsConfig['options']>;
const HELP_OPTION = { help: { type: 'boolean', short: 'h' } } as const;

/** node:util parseArgs with `-h/--help` added; a mistake on the command line is a UsageError. */
export function parseCommandLine<const O extends Options>(
  argv: string[],
  options: O,
  allowPositionals = false,
) {
  try {
    return parseArgs({ args: argv, options: { ...options, ...HELP_OPTION }, allowPositionals, strict: true });
  } catch (err) {
    // Node's own sentence goes on about positionals after '--'; a user wants the options there are.
    const unknown = /^Unknown option '([^']+)'/.exec((err as Error).message)?.[1];
    if (unknown === undefined) throw new UsageError((err as Error).message);
    const known = Object.keys(options).map((name) => `--${name}`);
    throw new UsageError(
      `unknown option ${unknown}${known.length > 0 ? `; the options are ${known.join(', ')}` : ''}`,
    );
  }
}

/** Resolves on SIGINT or SIGTERM: long-running commands shut down gracefully on either. */
export function untilSignal(): Promise<void> {
  return new Promise<void>((resolve) => {
    process.once('SIGINT', resolve);
    process.once('SIGTERM', resolve);
  });
}

/** Prints why rules stopped a command from starting; false if `err` is something else. */
export function reportRulesError(err: unknown, rules: string, io: CommandIo, command: string): boolean {
  if (!(err instanceof RulesError)) return false;
  for (const p of err.problems) io.stderr.write(`${formatProblem(p)}\n`);
  io.stderr.write(
    `kfbot ${command}: cannot start, the rules in ${rules} have errors (kfbot validate ${rules})\n`,
  );
  return true;
}
