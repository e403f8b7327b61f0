/**
 * `kfbot serve` (and `npm start`): the server a WeCom callback URL points at. With no WeCom
 * credentials at all it starts in sandbox mode, against the built-in WeCom simulator. Refuses to
 * start, listing every problem, when the configuration or the rules are wrong.
 */
import type { EventEmitter } from 'node:events';
import { CONFIG_KEYS, loadConfig, readDotEnv } from '../../config/config.ts';
import { withEarlyRulesChild } from '../../rules/early-rules-child.ts';
import type { RunningKfbot } from '../../runtime/kfbot-app.ts';
import type { Sandbox } from '../../sandbox/start-sandbox.ts';
import { SEMANTIC_ENV } from '../../semantic/semantic-config.ts';
import { StoreOpenError } from '../../store/store-open-error.ts';
import { NewerStoreError } from '../../store/store-version.ts';
import {
  type Command,
  type CommandIo,
  millisecondsFlag,
  parseCommandLine,
  reportRulesError,
  UsageError,
  untilSignal,
} from '../command.ts';
import { listenProblem } from '../listen-problem.ts';
import { rulesTarget } from '../rules-target.ts';
import { serveMode } from '../serve-mode.ts';

const HELP = `Usage: kfbot serve [options]

Runs kfbot: receives WeCom's callbacks on /callback, pulls the messages, answers them by the
rules, exactly once. Also serves /healthz, /readyz and /metrics.

With no WECOM_* credential set it starts in sandbox mode: the same pipeline against the built-in
WeCom simulator, with a chat page at /sandbox to play customer and servicer. The sandbox listens
on 127.0.0.1 unless --host is given. With NODE_ENV=production, or a --host/KFBOT_HOST that other
machines can reach, missing credentials are an error instead (unless --sandbox is given).

Options (each overrides its environment variable; credentials come only from the environment
or a .env file in the working directory):
  --rules PATH      rule file or folder            (KFBOT_RULES, default ./rules)
  --port N          HTTP port                      (KFBOT_PORT, default 8080)
  --host ADDR       listen address                 (KFBOT_HOST, default 0.0.0.0;
                                                    the sandbox's default is 127.0.0.1)
  --store URL       sqlite:PATH or redis://host:port/db (several replicas)
                                                    (KFBOT_STORE, default sqlite:./data/kfbot.db;
                                                    in sandbox mode a fresh in-memory store)
  --log-level L     fatal … trace                  (LOG_LEVEL, default info)
  --sandbox         sandbox mode even when credentials are set
  --latency MS      sandbox mode only: the simulated WeCom's round trip per API call (± a fifth),
                    e.g. 50 for WeCom's pace from a server in mainland China (default 0;
                    at most 6666 with the default KFBOT_API_TIMEOUT of 10 s)
  -h, --help        show this help

Environment:
${Object.values(CONFIG_KEYS)
  .map((k) => `  ${k.env.padEnd(24)}${k.doc}`)
  .join('\n')}

Optional semantic provider for typed questions (off while unset; docs/semantic.md):
${Object.values(SEMANTIC_ENV)
  .map((k) => `  ${k.env.padEnd(28)}${k.doc}`)
  .join('\n')}
`;

/**
 * Emitted on `process` once the server answers: bin/kfbot.js then turns V8's optimising compiler
 * back on and collects what starting left behind (see there; issue #28's idle memory).
 */
export const SERVING = 'kfbot:serving';

const OPTIONS = {
  rules: { type: 'string' },
  port: { type: 'string' },
  host: { type: 'string' },
  store: { type: 'string' },
  'log-level': { type: 'string' },
  sandbox: { type: 'boolean' },
  latency: { type: 'string' },
} as const;

function startFailed(
  err: unknown,
  where: { rules: string; host: string; port: string },
  io: CommandIo,
): number {
  if (reportRulesError(err, where.rules, io, 'serve')) return 1;
  const problem =
    err instanceof StoreOpenError || err instanceof NewerStoreError
      ? err.message
      : listenProblem(err, {
          ...where,
          portSetting: 'KFBOT_PORT or --port',
          hostSetting: 'KFBOT_HOST or --host',
        });
  if (problem) {
    io.stderr.write(`kfbot serve: cannot start: ${problem}\n`);
    return 1;
  }
  throw err;
}

async function runSandbox(
  flags: Partial<Record<string, string>>,
  io: CommandIo,
  why: 'no credentials' | '--sandbox',
  latencyMs: number | undefined,
): Promise<number> {
  // Loaded only in sandbox mode: a production server never loads the simulator.
  const sandboxCode = () => import('../../sandbox/start-sandbox.ts');
  const rules = rulesTarget(flags.rules, io);
  let sandbox: Sandbox;
  try {
    // As for a server with credentials: the FAQ's child starts before the sandbox's code loads.
    sandbox = await withEarlyRulesChild(rules, io.cwd, async (rulesChild) =>
      (await sandboxCode()).startSandbox({
        env: io.env,
        flags,
        cwd: io.cwd,
        ...(latencyMs !== undefined && { latencyMs }),
        ...(rulesChild && { rulesChild }),
      }),
    );
  } catch (err) {
    if (err instanceof (await sandboxCode()).SandboxConfigError) {
      io.stderr.write(
        `kfbot serve: cannot start the sandbox:\n${err.problems.map((p) => `  - ${p.message}\n`).join('')}`,
      );
      return 1;
    }
    return startFailed(
      err,
      {
        rules,
        host: flags.host ?? io.env.KFBOT_HOST ?? '0.0.0.0',
        port: flags.port ?? io.env.KFBOT_PORT ?? '8080',
      },
      io,
    );
  }
  const { app } = sandbox;
  app.log.info(
    {
      url: sandbox.url,
      listen: app.host,
      wecom: sandbox.sim.url,
      wecomLatencyMs: sandbox.sim.settings.latencyMs,
    },
    `sandbox mode (${why === '--sandbox' ? '--sandbox: the WeCom credentials set are not used' : 'no WeCom credentials'}): kfbot runs against its built-in WeCom simulator — open ${sandbox.url}`,
  );
  (process as EventEmitter).emit(SERVING);
  await untilSignal();
  app.log.info('shutting down the sandbox');
  await sandbox.close();
  app.log.info('stopped');
  return 0;
}

export const serveCommand: Command = {
  name: 'serve',
  async run(argv, io) {
    const { values } = parseCommandLine(argv, OPTIONS);
    if (values.help) {
      io.stdout.write(HELP);
      return 0;
    }
    const { help: _help, sandbox: forceSandbox, latency, ...flags } = values;
    const latencyMs = millisecondsFlag('latency', latency);
    const mode = serveMode({
      env: io.env,
      dotEnv: readDotEnv(io.cwd).values,
      flags,
      forceSandbox: forceSandbox === true,
    });
    if (mode.kind === 'sandbox') return runSandbox({ ...flags, host: mode.host }, io, mode.why, latencyMs);
    if (latencyMs !== undefined)
      throw new UsageError(
        "--latency sets the round trip of the sandbox's simulated WeCom; with WeCom credentials kfbot talks to WeCom itself (add --sandbox to use the simulator)",
      );

    const loaded = loadConfig({ env: io.env, flags, cwd: io.cwd });
    if (!loaded.config) {
      io.stderr.write(
        `kfbot serve: cannot start, the configuration has ${loaded.problems.length} problem(s):\n`,
      );
      for (const p of loaded.problems) io.stderr.write(`  - ${p.message}\n`);
      io.stderr.write(
        'Set them in the environment or in a .env file (see .env.example), then start again.\n',
      );
      if (mode.noSandbox) {
        io.stderr.write(
          `No sandbox: ${mode.noSandbox}. To run the sandbox on purpose: kfbot serve --sandbox\n`,
        );
      }
      return 1;
    }
    let app: RunningKfbot;
    try {
      // Rules with an FAQ load in a child at start; started first, it starts Node and builds the
      // FAQ while this process loads the server's code (early-rules-child.ts).
      app = await withEarlyRulesChild(loaded.config.rules, io.cwd, async (rulesChild) => {
        const { startKfbot } = await import('../../runtime/kfbot-app.ts');
        return startKfbot({
          config: loaded.config,
          cwd: io.cwd,
          env: { ...readDotEnv(io.cwd).values, ...io.env },
          ...(rulesChild && { rulesChild }),
        });
      });
    } catch (err) {
      const { rules, host, port } = loaded.config;
      return startFailed(err, { rules, host, port: String(port) }, io);
    }
    app.log.info(
      { url: app.url, listen: app.host, callback: `${app.url}/callback` },
      `kfbot listening on ${app.url} — point the WeCom callback URL at <public address>/callback`,
    );
    (process as EventEmitter).emit(SERVING);
    await untilSignal();
    app.log.info('shutting down: finishing in-flight work');
    await app.close();
    app.log.info('stopped');
    return 0;
  },
};
