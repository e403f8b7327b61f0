/**
 * `kfbot serve` (and `npm start`): the server a WeCom callback URL points at. Refuses to start,
 * listing every problem, when the configuration or the rules are wrong.
 */
import { parseArgs } from 'node:util';
import { CONFIG_KEYS, loadConfig } from '../../config/config.ts';
import { formatProblem, RulesError } from '../../rules/problems.ts';
import { startKfbot } from '../../runtime/kfbot-app.ts';
import { type Command, UsageError } from '../command.ts';

const HELP = `Usage: kfbot serve [options]

Runs kfbot: receives WeCom's callbacks on /callback, pulls the messages, answers them by the
rules, exactly once. Also serves /healthz, /readyz and /metrics.

Options (each overrides its environment variable; credentials come only from the environment
or a .env file in the working directory):
  --rules PATH      rule file or folder            (KFBOT_RULES, default ./rules)
  --port N          HTTP port                      (KFBOT_PORT, default 8080)
  --host ADDR       listen address                 (KFBOT_HOST, default 0.0.0.0)
  --store URL       sqlite:PATH                    (KFBOT_STORE, default sqlite:./data/kfbot.db)
  --log-level L     fatal … trace                  (LOG_LEVEL, default info)
  -h, --help        show this help

Environment:
${Object.values(CONFIG_KEYS)
  .map((k) => `  ${k.env.padEnd(24)}${k.doc}`)
  .join('\n')}
`;

function parse(argv: string[]) {
  return parseArgs({
    args: argv,
    options: {
      rules: { type: 'string' },
      port: { type: 'string' },
      host: { type: 'string' },
      store: { type: 'string' },
      'log-level': { type: 'string' },
      help: { type: 'boolean', short: 'h' },
    },
  });
}

export const serveCommand: Command = {
  name: 'serve',
  summary: 'run the bot: receive callbacks, answer by the rules, exactly once',
  async run(argv, io) {
    let values: ReturnType<typeof parse>['values'];
    try {
      values = parse(argv).values;
    } catch (err) {
      throw new UsageError((err as Error).message);
    }
    if (values.help) {
      io.stdout.write(HELP);
      return 0;
    }
    const { help: _help, ...flags } = values;
    const loaded = loadConfig({ env: io.env, flags, cwd: io.cwd });
    if (!loaded.config) {
      io.stderr.write(
        `kfbot serve: cannot start, the configuration has ${loaded.problems.length} problem(s):\n`,
      );
      for (const p of loaded.problems) io.stderr.write(`  - ${p.message}\n`);
      io.stderr.write(
        'Set them in the environment or in a .env file (see .env.example), then start again.\n',
      );
      return 1;
    }
    let app: Awaited<ReturnType<typeof startKfbot>>;
    try {
      app = await startKfbot({ config: loaded.config, cwd: io.cwd });
    } catch (err) {
      if (err instanceof RulesError) {
        for (const p of err.problems) io.stderr.write(`${formatProblem(p)}\n`);
        io.stderr.write(
          `kfbot serve: cannot start, the rules in ${loaded.config.rules} have errors (kfbot validate)\n`,
        );
        return 1;
      }
      const e = err as NodeJS.ErrnoException;
      if (e.code === 'EADDRINUSE') {
        io.stderr.write(`kfbot serve: port ${loaded.config.port} is in use; set KFBOT_PORT or --port\n`);
        return 1;
      }
      throw err;
    }
    app.log.info(
      { url: app.url, callback: `${app.url}/callback` },
      `kfbot listening on ${app.url} — point the WeCom callback URL at <public address>/callback`,
    );
    await new Promise<void>((resolve) => {
      process.once('SIGINT', resolve);
      process.once('SIGTERM', resolve);
    });
    app.log.info('shutting down: finishing in-flight work');
    await app.close();
    app.log.info('stopped');
    return 0;
  },
};
