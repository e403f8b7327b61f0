/** What every `kfbot <command>` gets and returns. I/O is passed in so tests can run commands in-process. */
export interface CommandIo {
  stdout: NodeJS.WritableStream;
  stderr: NodeJS.WritableStream;
  stdin: NodeJS.ReadableStream;
  env: NodeJS.ProcessEnv;
  cwd: string;
}

export interface Command {
  name: string;
  /** One line for `kfbot --help`. */
  summary: string;
  /** Resolves to the process exit code. */
  run(argv: string[], io: CommandIo): Promise<number>;
}

/** A usage mistake: printed with the command's help hint, exit code 2. */
export class UsageError extends Error {
  override readonly name = 'UsageError';
}
