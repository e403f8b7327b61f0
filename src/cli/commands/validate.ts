/**
 * `kfbot validate [path]`: loads the rules, prints every problem with file:line:column and a
 * plain explanation, and exits 1 if any is an error (warnings alone exit 0).
 */
import { loadRulesAtStart } from '../../rules/load-rules-at-start.ts';
import { formatProblem, type RuleProblem } from '../../rules/problems.ts';
import { describeCounts, type RuleCounts, ruleCounts } from '../../rules/rule-counts.ts';
import type { RuleSet } from '../../rules/rule-model.ts';
import { resolveSemantic } from '../../semantic/semantic-config.ts';
import { type Command, type CommandIo, parseCommandLine, UsageError } from '../command.ts';
import { rulesTarget } from '../rules-target.ts';

const HELP = `Usage: kfbot validate [path | --rules PATH] [--json]

Checks rule files (a YAML file, or every *.yaml under a folder) and prints every problem
with its file:line:column. Exits 1 if there is any error, 0 otherwise (warnings only).

  path          rule file or folder (default: $KFBOT_RULES, else ./rules)
  --rules PATH  the same, spelt as every other command spells it
  --json        print {"ok", "problems": [...], "summary"} as JSON
  -h, --help    show this help
`;

const OPTIONS = { json: { type: 'boolean' }, rules: { type: 'string' } } as const;

export const validateCommand: Command = {
  name: 'validate',
  async run(argv, io) {
    const { values, positionals } = parseCommandLine(argv, OPTIONS, true);
    if (values.help) {
      io.stdout.write(HELP);
      return 0;
    }
    // `--rules PATH` as simulate, test, serve and doctor take it; the path alone as well.
    const paths = [...positionals, ...(values.rules === undefined ? [] : [values.rules])];
    if (paths.length > 1) throw new UsageError('give at most one rules path (a path, or --rules PATH)');
    const target = rulesTarget(paths[0], io);
    // As serve loads them at start: here, or an FAQ's costly part in a child process
    // (load-rules-at-start.ts), so validate reports what serve would refuse or accept.
    const loaded = await loadRulesAtStart(target, io.cwd);
    // The provider as serve would use it: the rules' setting with the environment's (and its key).
    loaded.problems.push(...semanticEnvProblems(loaded.ruleSet, io.env));
    const errors = loaded.problems.filter((p) => p.severity === 'error').length;
    const warnings = loaded.problems.length - errors;
    const set = loaded.ruleSet;
    const summary = set
      ? summarise(target, loaded.files.length, ruleCounts(set), set.faq !== undefined)
      : `${target}: ${count(errors, 'error')}${warnings ? `, ${count(warnings, 'warning')}` : ''}`;
    if (values.json) {
      io.stdout.write(
        `${JSON.stringify({ ok: errors === 0, problems: loaded.problems, summary }, null, 2)}\n`,
      );
    } else {
      for (const p of loaded.problems) io.stdout.write(`${formatProblem(p)}\n`);
      io.stdout.write(
        errors === 0
          ? `✓ ${summary}${warnings ? ` (${warnings} warning${warnings === 1 ? '' : 's'})` : ''}\n`
          : `✗ ${summary}\n`,
      );
    }
    return errors === 0 ? 0 : 1;
  },
};

function summarise(target: string, files: number, c: RuleCounts, faq: boolean): string {
  return `${target}: ${count(files, 'file')}, ${describeCounts(c, faq)}`;
}

function semanticEnvProblems(set: RuleSet | undefined, env: CommandIo['env']): RuleProblem[] {
  if (!set?.faq) return [];
  const at = set.faq.at;
  return resolveSemantic(set.faq.semantic, env).problems.map((p) => ({
    ...at,
    severity: 'error' as const,
    message: `semantic provider (settings.faq.semantic, KFBOT_SEMANTIC_*): ${p.message}`,
  }));
}

function count(n: number, noun: string): string {
  return `${n} ${noun}${n === 1 ? '' : 's'}`;
}
