/**
 * `kfbot faq calibrate`: prints the decision values chosen for a rule set at load
 * (faq-calibration.ts) and what they are expected to do.
 */
import { type Command, type CommandIo, parseCommandLine, UsageError } from '../command.ts';
import { loadFaqRules } from '../faq-rules.ts';

const HELP = `Usage: kfbot faq calibrate [path] [--json]

Prints the values the FAQ decides typed questions with — threshold and margin, calibrated when
the rules load from the rule set's own 相似问法 unless settings.faq pins them — and the expected
shares of direct answers, clarifying menus, 猜你想问 and fallbacks: each listed question typed
as a customer would (leave-one-out), and as a near miss (without its own item).

  path        rule file or folder (default: $KFBOT_RULES, else ./rules)
  --json      print the calibration as JSON
  -h, --help  show this help
`;

const OPTIONS = { json: { type: 'boolean' } } as const;

const pct = (x: number) => `${Math.round(x * 100)} %`;

export const faqCalibrateCommand: Command = {
  name: 'calibrate',
  run: calibrate,
};

async function calibrate(argv: string[], io: CommandIo): Promise<number> {
  const { values, positionals } = parseCommandLine(argv, OPTIONS, true);
  if (values.help) {
    io.stdout.write(HELP);
    return 0;
  }
  if (positionals.length > 1) throw new UsageError('give at most one rules path');
  const rules = loadFaqRules(positionals[0], io, 'kfbot faq calibrate');
  if (!rules) return 1;
  const { target, faq } = rules;
  const c = faq.calibration;
  if (values.json) {
    io.stdout.write(`${JSON.stringify(c, null, 2)}\n`);
    return 0;
  }
  const how = (key: 'threshold' | 'margin') =>
    c.pinned.includes(key) ? `pinned in settings.faq.${key}` : 'calibrated';
  const s = c.settings;
  const line = (x: typeof c.expected) =>
    `direct ${pct(x.direct)}, clarifying menu ${pct(x.clarify)}, 猜你想问 ${pct(x.suggest)}, fallback ${pct(x.fallback)}`;
  io.stdout.write(
    [
      `${target}: FAQ of ${faq.index.entries.length} items and ${faq.index.size} typed questions; ${c.samples} question forms tried (leave-one-out)`,
      `  threshold  ${s.threshold}  ${how('threshold')}`,
      `  margin     ${s.margin}  ${how('margin')}`,
      `  ratio      ${s.ratio}  (a best item this far ahead of the runner-up is answered from ${Math.round(s.threshold * 70) / 100})`,
      `  suggest    ${s.suggest}  (least score 猜你想问 offers; below ${s.outOfDomain} a text is out of domain)`,
      'expected, for a customer typing one of these questions in other words:',
      `  ${line(c.expected)}; of the direct answers ${pct(c.expectedWrong)} wrong`,
      'expected, for a question near the FAQ that no item answers (each question without its own item):',
      `  ${line(c.nearMisses)}`,
      'Pin a value by writing it under settings.faq (e.g. threshold: 0.6); measure with kfbot test --faq FILE.',
      '',
    ].join('\n'),
  );
  return 0;
}
