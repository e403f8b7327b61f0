/**
 * `kfbot faq <subcommand>`: tools for the typed-question FAQ. One entry per subcommand
 * in SUBCOMMANDS (a file each), as `kfbot report` does.
 */
import { type Command, runSubcommand, UsageError } from '../command.ts';
import { faqCalibrateCommand } from './faq-calibrate.ts';
import { faqExpandCommand } from './faq-expand.ts';
import { faqReviewCommand } from './faq-review.ts';

const SUBCOMMANDS: readonly (Command & { summary: string })[] = [
  {
    ...faqCalibrateCommand,
    summary: 'the decision values chosen for the rules at load, and what they are expected to do',
  },
  {
    ...faqExpandCommand,
    summary: 'ask a chat model for more 相似问法 per item, into a review file beside the rules',
  },
  { ...faqReviewCommand, summary: 'show which proposed questions collide with other items' },
];

function help(): string {
  const width = Math.max(...SUBCOMMANDS.map((c) => c.name.length));
  return [
    'Usage: kfbot faq <subcommand> [options]',
    '',
    ...SUBCOMMANDS.map((c) => `  ${c.name.padEnd(width)}  ${c.summary}`),
    '',
    'Run "kfbot faq <subcommand> --help" for its options.',
    '',
  ].join('\n');
}

export const faqCommand: Command = {
  name: 'faq',
  async run(argv, io) {
    const [name, ...rest] = argv;
    if (name === undefined || name === '-h' || name === '--help') {
      io.stdout.write(help());
      return name === undefined ? 2 : 0;
    }
    const sub = SUBCOMMANDS.find((c) => c.name === name);
    if (!sub)
      throw new UsageError(`unknown faq subcommand "${name}": ${SUBCOMMANDS.map((c) => c.name).join(', ')}`);
    return runSubcommand(`faq ${name}`, () => sub.run(rest, io));
  },
};
