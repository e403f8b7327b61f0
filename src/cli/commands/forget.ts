/**
 * `kfbot forget <external_userid>`: erases everything kfbot keeps about one customer, on request
 * (个人信息保护法 PIPL; store/forget-customer.ts lists what), and says what it erased.
 */
import { CONFIG_KEYS } from '../../config/config.ts';
import { describeForget } from '../../store/forget-customer.ts';
import { type Command, parseCommandLine, UsageError } from '../command.ts';
import { openStore } from './define-report.ts';

const HELP = `Usage: kfbot forget <external_userid> [--store URL]

Erases everything kfbot keeps about one customer, on every account, as China's Personal
Information Protection Law (个人信息保护法) lets a person ask: their conversation state and idle
timers, their message and send records, their session records (what they wrote and what the bot
answered), the unanswered-question groups whose example is their text, and set-aside records that
name them. Their satisfaction scores and session ends stay in the reports' counts with an
anonymous id instead of theirs. Their next message is handled as a new customer's.

The customer's external_userid (wm…) is in the console's 会话 page and in kfbot's logs.

Options:
  --store URL   sqlite:PATH or redis://host:port/db (default: $${CONFIG_KEYS.store.env}, else ${CONFIG_KEYS.store.default})
  -h, --help    show this help
`;

export const forgetCommand: Command = {
  name: 'forget',
  async run(argv, io) {
    const { values, positionals } = parseCommandLine(argv, { store: { type: 'string' } }, true);
    if (values.help) {
      io.stdout.write(HELP);
      return 0;
    }
    const [customer, ...extra] = positionals;
    if (customer === undefined || extra.length > 0 || !/^[\w-]{1,128}$/.test(customer))
      throw new UsageError(
        customer === undefined
          ? 'name the customer: kfbot forget <external_userid> (wm…, from the console or the logs)'
          : `kfbot forget takes one external_userid (letters, digits, _ and -), not "${positionals.join(' ')}"`,
      );
    const url =
      (typeof values.store === 'string' ? values.store : io.env[CONFIG_KEYS.store.env]?.trim()) ||
      CONFIG_KEYS.store.default;
    const store = await openStore(url, io.cwd);
    try {
      const report = await store.forgetCustomer(customer);
      io.stdout.write(`erased customer ${customer}: ${describeForget(report)}\n`);
    } finally {
      await store.close();
    }
    return 0;
  },
};
