/**
 * `kfbot report <what>`: reports read from the store. One entry per report in REPORTS, so adding
 * one is a file (defineReport, define-report.ts) and a line here.
 */
import { type Command, runSubcommand, UsageError } from '../command.ts';
import type { Report } from './define-report.ts';
import { rulesReport } from './report-rules.ts';
import { satisfactionReport } from './report-satisfaction.ts';
import { sessionsReport } from './report-sessions.ts';
import { unansweredReport } from './report-unanswered.ts';

const REPORTS: readonly Report[] = [unansweredReport, rulesReport, satisfactionReport, sessionsReport];

function help(): string {
  const width = Math.max(...REPORTS.map((r) => r.name.length));
  return [
    'Usage: kfbot report <report> [options]',
    '',
    'Reports from what kfbot stored (KFBOT_STORE, or --store URL):',
    ...REPORTS.map((r) => `  ${r.name.padEnd(width)}  ${r.summary}`),
    '',
    'Run "kfbot report <report> --help" for its options.',
    '',
  ].join('\n');
}

export const reportCommand: Command = {
  name: 'report',
  async run(argv, io) {
    const [name, ...rest] = argv;
    if (name === undefined || name === '-h' || name === '--help') {
      io.stdout.write(help());
      return name === undefined ? 2 : 0;
    }
    const report = REPORTS.find((r) => r.name === name);
    if (!report)
      throw new UsageError(`unknown report "${name}"; reports: ${REPORTS.map((r) => r.name).join(', ')}`);
    return runSubcommand(`report ${name}`, () => report.run(rest, io));
  },
};
