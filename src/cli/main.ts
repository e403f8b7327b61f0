/**
 * `kfbot`: the command line. One file per subcommand under commands/ (Probot's layout); this file
 * only dispatches and prints the top-level help.
 */
import { createRequire } from 'node:module';
import type { Command, CommandIo } from './command.ts';
import { InputError, UsageError } from './command.ts';
import { chatCommand } from './commands/chat.ts';
import { serveCommand } from './commands/serve.ts';
import { simulateCommand } from './commands/simulate.ts';
import { validateCommand } from './commands/validate.ts';
import { wecomSimulatorCommand } from './commands/wecom-simulator.ts';

const COMMANDS: readonly Command[] = [
  serveCommand,
  validateCommand,
  simulateCommand,
  chatCommand,
  wecomSimulatorCommand,
];

function version(): string {
  const pkg = createRequire(import.meta.url)('../../package.json') as { version: string };
  return pkg.version;
}

function help(): string {
  const width = Math.max(...COMMANDS.map((c) => c.name.length));
  return [
    'kfbot — rule-based auto-reply for WeCom Customer Service (微信客服)',
    '',
    'Usage: kfbot <command> [options]',
    '',
    'Commands:',
    ...COMMANDS.map((c) => `  ${c.name.padEnd(width)}  ${c.summary}`),
    '',
    'Options:',
    '  -h, --help     show help (also: kfbot <command> --help)',
    '  -v, --version  print the version',
    '',
  ].join('\n');
}

export async function main(argv: string[], io: Partial<CommandIo> = {}): Promise<number> {
  const full: CommandIo = {
    stdout: io.stdout ?? process.stdout,
    stderr: io.stderr ?? process.stderr,
    stdin: io.stdin ?? process.stdin,
    env: io.env ?? process.env,
    cwd: io.cwd ?? process.cwd(),
  };
  const [name, ...rest] = argv;
  if (name === undefined || name === '-h' || name === '--help' || name === 'help') {
    full.stdout.write(help());
    return name === undefined ? 2 : 0;
  }
  if (name === '-v' || name === '--version') {
    full.stdout.write(`${version()}\n`);
    return 0;
  }
  const command = COMMANDS.find((c) => c.name === name);
  if (!command) {
    full.stderr.write(`kfbot: unknown command "${name}". Run "kfbot --help" for the list of commands.\n`);
    return 2;
  }
  try {
    return await command.run(rest, full);
  } catch (err) {
    if (err instanceof UsageError) {
      full.stderr.write(
        `kfbot ${command.name}: ${err.message}\nRun "kfbot ${command.name} --help" for usage.\n`,
      );
      return 2;
    }
    if (err instanceof InputError) {
      full.stderr.write(`kfbot ${command.name}: ${err.message}\n`);
      return 1;
    }
    throw err;
  }
}
