/**
 * `kfbot`: the command line. One file per subcommand under commands/ (Probot's layout); this file
 * only dispatches and prints the top-level help.
 */
import { createRequire } from 'node:module';
import type { Command, CommandIo } from './command.ts';
import { InputError, UsageError } from './command.ts';

/**
 * Every command, loaded only when it runs: `kfbot --version` or `kfbot validate` never loads
 * the server, SQLite, Redis or the simulator.
 */
const COMMANDS: readonly { name: string; summary: string; load: () => Promise<Command> }[] = [
  {
    name: 'serve',
    summary: 'run the bot (sandbox mode with the chat page when no WeCom credentials are set)',
    load: async () => (await import('./commands/serve.ts')).serveCommand,
  },
  {
    name: 'validate',
    summary: 'check rule files and list every problem with file:line:column',
    load: async () => (await import('./commands/validate.ts')).validateCommand,
  },
  {
    name: 'simulate',
    summary: 'dry-run one message against the rules: matches, API requests, and what WeCom would say',
    load: async () => (await import('./commands/simulate.ts')).simulateCommand,
  },
  {
    name: 'test',
    summary: 'run conversation tests beside the rules (rules/tests/*.yaml), or measure FAQ accuracy',
    load: async () => (await import('./commands/test.ts')).testCommand,
  },
  {
    name: 'faq',
    summary:
      'typed-question FAQ tools: calibrate (the decision values chosen), expand (more 相似问法 from a chat model), review',
    load: async () => (await import('./commands/faq.ts')).faqCommand,
  },
  {
    name: 'report',
    summary: 'reports from the store: unanswered questions, rules (hits and misses), satisfaction, sessions',
    load: async () => (await import('./commands/report.ts')).reportCommand,
  },
  {
    name: 'doctor',
    summary:
      'check a real deployment: settings, gettoken, kf accounts, store, clock, the public callback URL',
    load: async () => (await import('./commands/doctor.ts')).doctorCommand,
  },
  {
    name: 'forget',
    summary: 'erase everything kfbot keeps about one customer (PIPL): kfbot forget <external_userid>',
    load: async () => (await import('./commands/forget.ts')).forgetCommand,
  },
  {
    name: 'rules',
    summary: 'published rule versions: list, export to a folder (git), import from one, roll back',
    load: async () => (await import('./commands/rules.ts')).rulesCommand,
  },
  {
    name: 'chat',
    summary: 'talk to your rules in the terminal, against the built-in WeCom simulator',
    load: async () => (await import('./commands/chat.ts')).chatCommand,
  },
  {
    name: 'wecom-simulator',
    summary: 'run the built-in WeCom API simulator (for trying kfbot without a WeCom account)',
    load: async () => (await import('./commands/wecom-simulator.ts')).wecomSimulatorCommand,
  },
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
  const entry = COMMANDS.find((c) => c.name === name);
  if (!entry) {
    full.stderr.write(`kfbot: unknown command "${name}". Run "kfbot --help" for the list of commands.\n`);
    return 2;
  }
  const command = await entry.load();
  try {
    return await command.run(rest, full);
  } catch (err) {
    if (err instanceof UsageError) {
      full.stderr.write(
        `kfbot ${command.name}: ${err.message}\nRun "kfbot ${err.helpFor ?? command.name} --help" for usage.\n`,
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
