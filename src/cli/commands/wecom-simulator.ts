/**
 * `kfbot wecom-simulator`: runs the built-in WeCom simulator as a standalone server, for trying a
 * kfbot (or any WeCom client) against it by hand. Prints the settings to point a client at it.
 */
import { randomBytes } from 'node:crypto';
import { startSimulator } from '../../simulator/index.ts';
import { generateEncodingAesKey } from '../../wecom/callback-crypto.ts';
import { type Command, parseCommandLine, UsageError, untilSignal } from '../command.ts';
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
} as const;

export const wecomSimulatorCommand: Command = {
  name: 'wecom-simulator',
  summary: 'run the built-in WeCom API simulator (for trying kfbot without a WeCom account)',
  async run(argv, io) {
    const { values } = parseCommandLine(argv, OPTIONS);
    if (values.help) {
      io.stdout.write(HELP);
      return 0;
    }
    const port = Number(values.port ?? 7070);
    if (!Number.isInteger(port) || port < 0 || port > 65535)
      throw new UsageError(`--port must be 0-65535, not "${values.port}"`);
    const token = values.token ?? randomBytes(12).toString('hex');
    const encodingAesKey = values['aes-key'] ?? generateEncodingAesKey();
    const sim = await startSimulator({
      host: values.host ?? '127.0.0.1',
      port,
      ...(values['corp-id'] && { corpId: values['corp-id'] }),
      ...(values.secret && { secret: values.secret }),
      ...(values['callback-url'] && { callback: { url: values['callback-url'], token, encodingAesKey } }),
    });
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
        values['callback-url']
          ? `  callbacks go to ${values['callback-url']}`
          : '  callbacks: off (pass --callback-url)',
        '  type "help" for the commands that make a customer write',
        '',
      ].join('\n'),
    );
    const driver = new SimulatorConsole(sim, (text) => io.stdout.write(text));
    void driver.run(io.stdin);
    await untilSignal();
    driver.close();
    await sim.close();
    io.stdout.write('WeCom simulator stopped\n');
    return 0;
  },
};
