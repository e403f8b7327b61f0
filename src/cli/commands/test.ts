/**
 * `kfbot test [path]`: runs the conversation tests kept beside the rules (default: the tests/
 * folder of the rules) and prints a diff for each failing step; exits 1 on any failure.
 * `--faq FILE` instead measures typed-question matching over "phrasing → item id" lines.
 */
import { readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { measureAccuracy } from '../../rules/faq/faq-accuracy.ts';
import { parsePhrasings } from '../../rules/faq/phrasing-list.ts';
import { loadRules } from '../../rules/load-rules.ts';
import { formatProblem } from '../../rules/problems.ts';
import type { RuleSet } from '../../rules/rule-model.ts';
import { percentile, runSemantic, type SemanticRun } from '../../runtime/semantic-eval.ts';
import {
  formatFailure,
  readConversationTests,
  runConversationTest,
  type StepFailure,
} from '../../simulate/conversation-test.ts';
import { type Command, type CommandIo, parseCommandLine, UsageError } from '../command.ts';
import { cliSemantic } from '../faq-semantic.ts';
import { rulesTarget } from '../rules-target.ts';

const HELP = `Usage: kfbot test [path] [options]

Runs conversation tests: every *.yaml under path (default: the tests/ folder beside the rules,
e.g. rules/tests/). Each test is a list of steps — enter, say, click, servicer takes over/ends,
wait (time passes: idle rules fire) —
with the replies expected. Prints a diff for each failing step and exits 1 if any failed.

  --rules PATH              rule file or folder (default: $KFBOT_RULES, else ./rules)
  --json                    print {"ok", "passed", "failed", "failures": [...]} as JSON
  --faq FILE                instead: measure typed-question matching over lines of
                            "phrasing → item id" (→ none: no FAQ item may answer it);
                            prints accuracy and the confusions
  --min-accuracy N          with --faq: exit 1 if fewer than N % are answered right (default 0)
  --max-out-of-domain N     with --faq: exit 1 if more than N % of "none" lines are answered (default 100)
  --lexical                 with --faq: the embedded matcher alone, even when a semantic provider
                            is set (settings.faq.semantic or KFBOT_SEMANTIC_*; docs/semantic.md)
  -h, --help                show this help
`;

const OPTIONS = {
  rules: { type: 'string' },
  json: { type: 'boolean' },
  faq: { type: 'string' },
  'min-accuracy': { type: 'string' },
  'max-out-of-domain': { type: 'string' },
  lexical: { type: 'boolean' },
} as const;

function percent(text: string | undefined, fallback: number, name: string): number {
  if (text === undefined) return fallback;
  const n = Number(text);
  if (!Number.isFinite(n) || n < 0 || n > 100)
    throw new UsageError(`--${name} takes a percentage 0-100, not "${text}"`);
  return n;
}

async function runFaq(
  set: RuleSet,
  file: string,
  values: Record<string, unknown>,
  io: CommandIo,
): Promise<number> {
  const minAccuracy = percent(values['min-accuracy'] as string | undefined, 0, 'min-accuracy');
  const maxOut = percent(values['max-out-of-domain'] as string | undefined, 100, 'max-out-of-domain');
  if (!set.faq) {
    io.stderr.write(
      'kfbot test: these rules have no FAQ (no questions: on any click item and no faq: section)\n',
    );
    return 1;
  }
  let source: string;
  try {
    source = readFileSync(resolve(io.cwd, file), 'utf8');
  } catch {
    throw new UsageError(`cannot read the phrasing list "${file}"`);
  }
  const { phrasings, problems } = parsePhrasings(source);
  for (const p of problems) io.stderr.write(`${file}:${p.line}: ${p.message}\n`);
  if (problems.length) return 1;
  const unknown = phrasings.filter((p) => p.expected !== undefined && !set.faq?.labels.has(p.expected));
  for (const p of unknown) io.stderr.write(`${file}:${p.line}: no FAQ item has the id "${p.expected}"\n`);
  if (unknown.length) return 1;
  // With a provider: every phrasing is asked for as a customer's message would be (semantic-eval.ts).
  const matcher = values.lexical ? undefined : cliSemantic(set, io, 'kfbot test');
  if (matcher === 'invalid') return 1;
  let run: SemanticRun | undefined;
  try {
    run =
      matcher &&
      (await runSemantic(
        matcher,
        set.faq,
        phrasings.map((p) => p.text),
      ));
  } catch (err) {
    io.stderr.write(
      `kfbot test: the semantic provider could not embed the questions: ${(err as Error).message}\n`,
    );
    return 1;
  }
  const s = measureAccuracy(set.faq.index, phrasings, run?.decide);
  const ok = s.accuracy * 100 >= minAccuracy && s.falseAnswerRate * 100 <= maxOut;
  if (values.json) {
    io.stdout.write(
      `${JSON.stringify({ ok, ...s, ...(run && { semantic: { outcomes: run.outcomes, p50Ms: percentile(run.addedMs, 50), p95Ms: percentile(run.addedMs, 95) } }), results: s.results.map((r) => ({ text: r.phrasing.text, expected: r.phrasing.expected ?? 'none', got: r.got, verdict: r.verdict, score: r.topScore, suggested: r.suggested })) }, null, 2)}\n`,
    );
    return ok ? 0 : 1;
  }
  const pct = (n: number, of: number) => `${of === 0 ? '–' : ((n / of) * 100).toFixed(1)} %`;
  const out = [
    `${file}: ${s.inDomain} phrasings for FAQ items, ${s.outOfDomain} out of domain`,
    `  answered right (top-1)     ${pct(s.correct, s.inDomain)}  (${s.correct}/${s.inDomain})`,
    `  clarifying menu, right in  ${pct(s.clarified, s.inDomain)}`,
    `  wrong item                 ${pct(s.wrong, s.inDomain)}`,
    `  left to the rules          ${pct(s.missed, s.inDomain)}`,
    `    … right item suggested   ${pct(s.suggestedRight, s.inDomain)}  (in a suggest: menu, 猜你想问)`,
    `  out of domain answered     ${pct(s.falseAnswers, s.outOfDomain)}  (${s.falseAnswers}/${s.outOfDomain})`,
    `    … given suggestions      ${pct(s.outOfDomainSuggested, s.outOfDomain)}`,
  ];
  if (run && matcher) out.push(...describeRun(run, matcher.config.label, matcher.config.model));
  if (s.confusions.length) {
    out.push('', 'confusions (expected → got: count, e.g.):');
    for (const c of s.confusions) {
      const example = s.results.find(
        (r) => (r.phrasing.expected ?? 'none') === c.expected && r.got === c.got,
      );
      out.push(
        `  ${c.expected} → ${c.got}: ${c.count}  (${JSON.stringify(example?.phrasing.text)}, line ${example?.phrasing.line})`,
      );
    }
  }
  out.push(
    '',
    ok
      ? '✓ within the limits given'
      : `✗ below --min-accuracy ${minAccuracy} % or above --max-out-of-domain ${maxOut} %`,
  );
  io.stdout.write(`${out.join('\n')}\n`);
  return ok ? 0 : 1;
}

function describeRun(run: SemanticRun, label: string, model: string): string[] {
  const failed = Object.entries(run.outcomes)
    .filter(([o]) => o !== 'fused')
    .map(([o, n]) => `${o} ${n}`);
  return [
    `  semantic provider          ${label}, ${model}: ${run.outcomes.fused ?? 0} fused${failed.length ? `, lexical alone for ${failed.join(', ')}` : ''}`,
    `    … added latency          p50 ${percentile(run.addedMs, 50).toFixed(0)} ms, p95 ${percentile(run.addedMs, 95).toFixed(0)} ms`,
  ];
}

async function run(argv: string[], io: CommandIo): Promise<number> {
  const { values, positionals } = parseCommandLine(argv, OPTIONS, true);
  if (values.help) {
    io.stdout.write(HELP);
    return 0;
  }
  if (positionals.length > 1) throw new UsageError('give at most one test file or folder');
  const rules = rulesTarget(values.rules, io.env);
  const loaded = loadRules(rules, io.cwd);
  if (!loaded.ruleSet) {
    for (const p of loaded.problems) io.stderr.write(`${formatProblem(p)}\n`);
    io.stderr.write(
      `kfbot test: the rules in ${rules} have errors; fix them first (kfbot validate ${rules})\n`,
    );
    return 1;
  }
  if (values.faq !== undefined) return runFaq(loaded.ruleSet, values.faq, values, io);
  const target = resolve(io.cwd, positionals[0] ?? join(rules, 'tests'));
  const { tests, problems } = readConversationTests(target, io.cwd);
  for (const p of problems) io.stderr.write(`${p.file}:${p.line}: ${p.message}\n`);
  if (problems.length) return 1;
  if (tests.length === 0) {
    io.stderr.write(`kfbot test: no tests in ${target}\n`);
    return 1;
  }
  const failures: StepFailure[] = [];
  let passed = 0;
  for (const test of tests) {
    const f = await runConversationTest(loaded.ruleSet, test);
    if (f.length === 0) passed++;
    failures.push(...f);
  }
  const failed = tests.length - passed;
  if (values.json) {
    io.stdout.write(
      `${JSON.stringify(
        {
          ok: failed === 0,
          passed,
          failed,
          failures: failures.map((f) => ({
            test: f.test.name,
            at: `${f.test.file}:${f.step.line}`,
            step: f.index + 1,
            expected: f.expected,
            got: f.got,
          })),
        },
        null,
        2,
      )}\n`,
    );
  } else {
    for (const f of failures) io.stdout.write(`${formatFailure(f)}\n`);
    io.stdout.write(`${passed} passed, ${failed} failed\n`);
  }
  return failed === 0 ? 0 : 1;
}

export const testCommand: Command = {
  name: 'test',
  run,
};
