/**
 * `kfbot doctor`: checks a real deployment before WeCom is pointed at it — settings, rules,
 * store, gettoken, the kf accounts, the clock and (with --callback-url) the public callback URL —
 * and prints one line per check with the fix. Exit 1 if any check failed.
 */
import { formatChecklist } from '../../doctor/doctor-check.ts';
import { type Command, parseCommandLine, readInputFile, UsageError } from '../command.ts';

const HELP = `Usage: kfbot doctor [--callback-url URL] [--ca FILE] [--json] [--rules PATH] [--store URL]

Checks what kfbot serve needs to work with your WeCom corp, one line each, ✓ or ✗ with the fix
(修复) in Chinese and English. Reads the same settings as kfbot serve (environment, then .env in
the working directory). Exits 1 if any check failed.

  • WECOM_CORP_ID, WECOM_SECRET, WECOM_TOKEN, WECOM_ENCODING_AES_KEY present and well-formed
  • the rules valid; the store (SQLite writable; Redis reachable, persistent, ≥ 6.2, a primary)
  • gettoken: which of corp id and secret is wrong; 60020 names the IP to add to 企业可信IP
  • kf/account/list: the accounts the app manages, and the ones the rules scope to by open_kfid
  • this machine's clock against WeCom's (the Date header)
  • with --callback-url: WeCom's signed, encrypted URL verification sent to that URL, and the
    decrypted echo checked (DNS, TLS, the reverse proxy, the path, the Token and the key at once)

Options:
  --callback-url URL  the public callback URL to verify, e.g. https://kf.example.com/callback
  --ca FILE           trust only this CA (PEM) for the callback URL (a private or test CA)
  --rules PATH        rule file or folder  (KFBOT_RULES, default ./rules)
  --store URL         sqlite:PATH or redis://host:port/db  (KFBOT_STORE)
  --json              print {"ok", "checks": [{id, status, summary, fix}]} as JSON
  -h, --help          show this help
`;

const OPTIONS = {
  'callback-url': { type: 'string' },
  ca: { type: 'string' },
  rules: { type: 'string' },
  store: { type: 'string' },
  json: { type: 'boolean' },
} as const;

export const doctorCommand: Command = {
  name: 'doctor',
  async run(argv, io) {
    const { values } = parseCommandLine(argv, OPTIONS);
    if (values.help) {
      io.stdout.write(HELP);
      return 0;
    }
    const callbackUrl = values['callback-url'];
    if (callbackUrl !== undefined && !/^https?:\/\/[^\s/]+/.test(callbackUrl)) {
      throw new UsageError(
        `--callback-url "${callbackUrl}" is not an http(s) URL; give the URL set in WeCom, e.g. https://kf.example.com/callback`,
      );
    }
    const ca = values.ca === undefined ? undefined : readInputFile(values.ca, io.cwd, '--ca file');
    const { Agent } = await import('undici');
    const { runDoctor } = await import('../../doctor/run-doctor.ts');
    const apiDispatcher = new Agent();
    const callbackDispatcher = new Agent(ca === undefined ? {} : { connect: { ca } });
    try {
      const checks = await runDoctor({
        env: io.env,
        cwd: io.cwd,
        flags: {
          ...(values.rules !== undefined && { rules: values.rules }),
          ...(values.store !== undefined && { store: values.store }),
        },
        ...(callbackUrl !== undefined && { callbackUrl }),
        apiDispatcher,
        callbackDispatcher,
        customCa: ca !== undefined,
        now: Date.now,
      });
      const ok = checks.every((c) => c.status !== 'fail');
      io.stdout.write(values.json ? `${JSON.stringify({ ok, checks }, null, 2)}\n` : formatChecklist(checks));
      return ok ? 0 : 1;
    } finally {
      await Promise.all([apiDispatcher.close(), callbackDispatcher.close()]);
    }
  },
};
