/**
 * `kfbot wecom-simulator`: runs the built-in WeCom simulator as a standalone server, for trying a
 * kfbot (or any WeCom client) against it by hand. Prints the settings to point a client at it.
 */
import { randomBytes } from 'node:crypto';
import { corpIdProblem, encodingAesKeyProblem, tokenProblem } from '../../config/config.ts';
import { startSimulator, type WeComSimulator } from '../../simulator/index.ts';
import { generateEncodingAesKey } from '../../wecom/callback-crypto.ts';
import { formatRateLimits, parseRateLimits, type RateLimitSpec } from '../../wecom/rate-limit-spec.ts';
import { type Command, millisecondsFlag, parseCommandLine, UsageError, untilSignal } from '../command.ts';
import { listenProblem } from '../listen-problem.ts';
import { SIMULATOR_CONSOLE_HELP, SimulatorConsole } from '../simulator-console.ts';

const HELP = `Usage: kfbot wecom-simulator [options]

Runs kfbot's built-in simulator of the WeCom Customer Service API (gettoken, kf/sync_msg,
kf/send_msg, kf/send_msg_on_event, kf/service_state, kf/customer/batchget, kf/account/list,
media/upload) until interrupted.

  --host HOST          listen address (default 127.0.0.1)
  --port PORT          listen port (default 7070; 0 picks a free one)
  --corp-id ID         the simulated enterprise's CorpID (default: generated)
  --secret SECRET      the app secret gettoken accepts (default: generated)
  --callback-url URL   send signed, encrypted callbacks here when customers write
  --token TOKEN        callback Token (default: generated; printed)
  --aes-key KEY        43-character EncodingAESKey (default: generated; printed)
  --latency MS         round trip of every API call, e.g. 50 (a server in mainland China);
                       default 0
  --jitter MS          each round trip is drawn from MS ± this (default 0)
  --rate-limit SPEC    per-API frequency limits, CALLS/WINDOW,… (default 10000/1m,150000/1h,
                       WeCom's documented limit); past one the API answers 45009 for the window
  --max-concurrent N   calls of one API in flight before 45033 (default 50)
  -h, --help           show this help

${SIMULATOR_CONSOLE_HELP}`;

const OPTIONS = {
  host: { type: 'string' },
  port: { type: 'string' },
  'corp-id': { type: 'string' },
  secret: { type: 'string' },
  'callback-url': { type: 'string' },
  token: { type: 'string' },
  'aes-key': { type: 'string' },
  latency: { type: 'string' },
  jitter: { type: 'string' },
  'rate-limit': { type: 'string' },
  'max-concurrent': { type: 'string' },
} as const;

export const wecomSimulatorCommand: Command = {
  name: 'wecom-simulator',
  async run(argv, io) {
    const { values } = parseCommandLine(argv, OPTIONS);
    if (values.help) {
      io.stdout.write(HELP);
      return 0;
    }
    const port = Number(values.port ?? 7070);
    if (!Number.isInteger(port) || port < 0 || port > 65535)
      throw new UsageError(`--port must be 0-65535, not "${values.port}"`);
    const latencyMs = millisecondsFlag('latency', values.latency);
    const latencyJitterMs = millisecondsFlag('jitter', values.jitter);
    let rateLimits: RateLimitSpec[] | undefined;
    if (values['rate-limit'] !== undefined) {
      const parsed = parseRateLimits(values['rate-limit']);
      if ('error' in parsed) throw new UsageError(`--rate-limit: ${parsed.error}`);
      rateLimits = parsed.limits;
    }
    const maxConcurrent = values['max-concurrent'];
    if (maxConcurrent !== undefined && !/^[1-9]\d*$/.test(maxConcurrent))
      throw new UsageError(`--max-concurrent must be a whole number ≥ 1, not "${maxConcurrent}"`);
    // What serve would refuse, the simulator refuses too: a client configured from its output must start.
    const given: [string, string | undefined, (v: string) => string | undefined, string][] = [
      ['corp-id', values['corp-id'], corpIdProblem, 'WECOM_CORP_ID'],
      ['token', values.token, tokenProblem, 'WECOM_TOKEN'],
      ['aes-key', values['aes-key'], encodingAesKeyProblem, 'WECOM_ENCODING_AES_KEY'],
    ];
    for (const [flag, value, problem, env] of given) {
      const wrong = value === undefined ? undefined : problem(value.trim());
      if (wrong) throw new UsageError(`${wrong.replaceAll(env, `--${flag}`)} (kfbot serve refuses it too)`);
    }
    const callbackUrl = values['callback-url'];
    if (callbackUrl !== undefined && !/^https?:\/\/[^\s/]+/.test(callbackUrl))
      throw new UsageError(
        `--callback-url "${callbackUrl}" is not an http(s) URL; e.g. http://127.0.0.1:8080/callback`,
      );
    const token = values.token ?? randomBytes(12).toString('hex');
    const encodingAesKey = values['aes-key'] ?? generateEncodingAesKey();
    const host = values.host ?? '127.0.0.1';
    let sim: WeComSimulator;
    try {
      sim = await startSimulator({
        host,
        port,
        ...(values['corp-id'] && { corpId: values['corp-id'] }),
        ...(values.secret && { secret: values.secret }),
        ...(callbackUrl && { callback: { url: callbackUrl, token, encodingAesKey } }),
        settings: {
          ...(latencyMs !== undefined && { latencyMs }),
          ...(latencyJitterMs !== undefined && { latencyJitterMs }),
          ...(rateLimits && { rateLimits }),
          ...(maxConcurrent !== undefined && { maxConcurrentCalls: Number(maxConcurrent) }),
        },
      });
    } catch (err) {
      const problem = listenProblem(err, {
        host,
        port: String(port),
        portSetting: '--port (0 picks a free one)',
        hostSetting: '--host',
      });
      if (problem === undefined) throw err;
      io.stderr.write(`kfbot wecom-simulator: cannot start: ${problem}\n`);
      return 1;
    }
    io.stdout.write(
      [
        `WeCom simulator listening on ${sim.url}`,
        `  accounts: ${sim.accounts.map((a) => `${a.openKfId} (${a.name})`).join(', ')}`,
        '  point a client at it with:',
        `    WECOM_API_BASE=${sim.url}`,
        `    WECOM_CORP_ID=${sim.corpId}`,
        `    WECOM_SECRET=${sim.secret}`,
        `    WECOM_TOKEN=${token}`,
        `    WECOM_ENCODING_AES_KEY=${encodingAesKey}`,
        callbackUrl
          ? `  callbacks go to ${callbackUrl} (a failed one is reported here)`
          : '  callbacks: off (pass --callback-url)',
        `  pace: ${sim.settings.latencyMs} ms ± ${sim.settings.latencyJitterMs} ms per call; limits per API ${formatRateLimits(sim.settings.rateLimits)}, ${sim.settings.maxConcurrentCalls} concurrent`,
        '  type "help" for the commands that make a customer write',
        '',
      ].join('\n'),
    );
    const driver = new SimulatorConsole(sim, (text) => io.stdout.write(text));
    // A callback that failed is what a user most needs to see: nothing else would tell them.
    sim.callbacks.onDelivery((d) => {
      const last = d.attempts.at(-1);
      if (d.state !== 'failed' || last === undefined) return;
      io.stdout.write(
        `✗ the callback to ${callbackUrl} failed ${d.attempts.length} times (${last.error ?? `HTTP ${last.status}`}); is the client listening there?\n`,
      );
    });
    void driver.run(io.stdin);
    await untilSignal();
    driver.close();
    await sim.close();
    io.stdout.write('WeCom simulator stopped\n');
    return 0;
  },
};
