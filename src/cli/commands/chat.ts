/**
 * `kfbot chat`: the sandbox in a terminal. Starts kfbot and the built-in WeCom simulator in this
 * process (like `kfbot serve --sandbox`) and lets you talk to your rules line by line.
 */
import pino from 'pino';
import { LOG_LEVELS } from '../../config/config.ts';
import { withEarlyRulesChild } from '../../rules/early-rules-child.ts';
import { createLogger } from '../../runtime/logger.ts';
import { type Sandbox, SandboxConfigError, startSandbox } from '../../sandbox/start-sandbox.ts';
import { CHAT_HELP, TerminalChat } from '../../sandbox/terminal-chat.ts';
import {
  type Command,
  millisecondsFlag,
  parseCommandLine,
  reportRulesError,
  UsageError,
} from '../command.ts';
import { listenProblem } from '../listen-problem.ts';
import { rulesTarget } from '../rules-target.ts';

const HELP = `Usage: kfbot chat [--rules PATH] [--port N] [--latency MS] [--log-level L]

Talk to your rules in the terminal, as a customer and as a servicer, against the built-in
WeCom simulator — kfbot's real pipeline, no WeCom account needed. kfbot also listens on
--port (default: any free port) with the sandbox page at /sandbox.

${CHAT_HELP}
  --rules PATH      rule file or folder (KFBOT_RULES, default ./rules)
  --port N          HTTP port (default: any free port)
  --latency MS      the simulated WeCom's round trip per API call (± a fifth), e.g. 50 for WeCom's
                    pace from a server in mainland China (default 0; at most 6666 with the
                    default KFBOT_API_TIMEOUT of 10 s, beyond which every call would time out)
  --log-level L     kfbot's own log lines, on stderr (default error: what the log would warn
                    about, such as a reply WeCom would refuse, the chat says in its own words)
`;

const OPTIONS = {
  rules: { type: 'string' },
  port: { type: 'string' },
  latency: { type: 'string' },
  'log-level': { type: 'string' },
} as const;

export const chatCommand: Command = {
  name: 'chat',
  async run(argv, io) {
    const { values } = parseCommandLine(argv, OPTIONS);
    if (values.help) {
      io.stdout.write(HELP);
      return 0;
    }
    const level = (values['log-level'] ?? 'error').trim().toLowerCase();
    if (!LOG_LEVELS.includes(level))
      throw new UsageError(`--log-level "${values['log-level']}" is not one of ${LOG_LEVELS.join(', ')}`);
    const latencyMs = millisecondsFlag('latency', values.latency);
    const rules = rulesTarget(values.rules, io);
    let sandbox: Sandbox;
    try {
      // As for `kfbot serve`: the FAQ's rules child starts first and loads while the sandbox starts.
      sandbox = await withEarlyRulesChild(rules, io.cwd, (rulesChild) =>
        startSandbox({
          env: { ...io.env, KFBOT_HOST: '127.0.0.1' },
          flags: {
            port: values.port ?? '0',
            'log-level': level,
            ...(values.rules && { rules: values.rules }),
          },
          cwd: io.cwd,
          // The chat owns stdout; kfbot's log lines go to stderr.
          logger: createLogger(level, pino.destination(2)),
          ...(latencyMs !== undefined && { latencyMs }),
          ...(rulesChild && { rulesChild }),
        }),
      );
    } catch (err) {
      if (reportRulesError(err, rules, io, 'chat')) return 1;
      if (err instanceof SandboxConfigError) {
        io.stderr.write(`kfbot chat: ${err.message}\n`);
        return 1;
      }
      const port = values.port ?? '0';
      const problem = listenProblem(err, {
        host: '127.0.0.1',
        port,
        portSetting: '--port',
        hostSetting: '--host',
      });
      if (problem === undefined) throw err;
      io.stderr.write(`kfbot chat: cannot start: ${problem}\n`);
      return 1;
    }
    const chat = new TerminalChat(sandbox, (text) => io.stdout.write(text));
    chat.start();
    const { latencyMs: pace, latencyJitterMs: jitter } = sandbox.sim.settings;
    if (pace > 0) io.stdout.write(`The simulated WeCom answers each API call in ${pace} ms ± ${jitter}.\n`);
    await chat.run(io.stdin, () => io.stdout.write('> '));
    await sandbox.close();
    io.stdout.write('\nbye\n');
    return 0;
  },
};
