/**
 * `kfbot test [path]`: runs the conversation tests kept beside the rules (default: the tests/
 * folder of the rules) and prints a diff for each failing step; exits 1 on any failure.
 * `--faq FILE` instead measures typed-question matching over "phrasing → item id" lines.
 */
import { readFileSync, statSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
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
} from '../../simulate/conversation-test.ts';
import type { StepFailure } from '../../simulate/conversation-test-model.ts';
import { type Command, type CommandIo, parseCommandLine, UsageError } from '../command.ts';
import { cliSemantic } from '../faq-semantic.ts';
import { rulesTarget } from '../rules-target.ts';

const HELP = `Usage: kfbot test [path] [options]

Runs conversation tests: every *.yaml under path (default: the tests/ folder of the rules —
rules/tests/ for a folder, the tests/ folder beside a rules file). Each test is a list of steps — enter, say, click, servicer takes over/ends,
wait (time passes: idle rules fire) —
with the replies expected. Prints a diff for each failing step and exits 1 if any failed.

  --rules PATH              rule file or folder (default: $KFBOT_RULES, else ./rules)
  --json                    print {"ok", "passed", "failed", "failures": [...]} as JSON
  --faq FILE                instead: measure typed-question matching over lines of
                            "phrasing → item id" (→ none: no FAQ item may answer it);
                            prints accuracy and the confusions
  --min-accuracy N          with --faq: exit 1 if fewer than N % are answered right (90 or 90%;
                            default 0)
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

/** `90`, `90%` or `92.5 %`: a percentage 0-100; anything else (`""` too) is a usage error. */
function percent(text: string | undefined, fallback: number, name: string): number {
  if (text === undefined) return fallback;
  const bare = text.trim().replace(/\s*%$/, '');
  const n = Number(bare);
  if (bare === '' || !Number.isFinite(n) || n < 0 || n > 100)
    throw new UsageError(`--${name} takes a percentage 0-100 such as 90 or 90%, not "${text}"`);
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
  if (phrasings.length === 0) {
    io.stderr.write(
      `kfbot test: ${file} has no phrasings (lines of "phrasing → item id"); nothing was measured\n`,
    );
    return 1;
  }
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
  const below = s.accuracy * 100 < minAccuracy;
  const above = s.falseAnswerRate * 100 > maxOut;
  const ok = !below && !above;
  if (values.json) {
    io.stdout.write(
      `${JSON.stringify({ ok, ...s, ...(run && { semantic: { outcomes: run.outcomes, p50Ms: percentile(run.addedMs, 50), p95Ms: percentile(run.addedMs, 95) } }), results: s.results.map((r) => ({ text: r.phrasing.text, expected: r.phrasing.expected ?? 'none', got: r.got, verdict: r.verdict, score: r.topScore, suggested: r.suggested })) }, null, 2)}\n`,
    );
    return ok ? 0 : 1;
  }
  const pct = (n: number, of: number) => `${of === 0 ? '–' : ((n / of) * 100).toFixed(1)} %`;
  const out = [
    `${file}: ${s.inDomain} phrasings for FAQ items, ${s.outOfDomain} out of domain · ${s.inDomain} 条常见问题问法，${s.outOfDomain} 条域外问题`,
    `  answered right (top-1)     ${pct(s.correct, s.inDomain)}  (${s.correct}/${s.inDomain})  答对`,
    `  clarifying menu, right in  ${pct(s.clarified, s.inDomain)}  反问菜单，含正确项`,
    `  wrong item                 ${pct(s.wrong, s.inDomain)}  答错`,
    `  left to the rules          ${pct(s.missed, s.inDomain)}  未答，交给其他规则`,
    `    … right item suggested   ${pct(s.suggestedRight, s.inDomain)}  (in a suggest: menu, 猜你想问，含正确项)`,
    `  out of domain answered     ${pct(s.falseAnswers, s.outOfDomain)}  (${s.falseAnswers}/${s.outOfDomain})  域外问题被误答`,
    `    … given suggestions      ${pct(s.outOfDomainSuggested, s.outOfDomain)}  域外问题给出猜你想问`,
    `  right within one click     ${pct(s.withinOneClick, s.inDomain)}  (answered, or offered by a clarifying menu or 猜你想问)  一次点击内答对`,
    `  right item ranked first    ${pct(s.rankedFirst, s.inDomain)}, in the top three ${pct(s.rankedTopThree, s.inDomain)}  正确项排第一／前三`,
    `  decided with threshold ${set.faq.index.decision.threshold}, margin ${set.faq.index.decision.margin} (kfbot faq calibrate shows why)`,
  ];
  if (run && matcher) out.push(...describeRun(run, matcher.config.label, matcher.config.model));
  if (s.confusions.length) {
    out.push('', 'confusions (expected → got: count, e.g.) · 混淆（应答 → 实答：次数，例）:');
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
      ? '✓ within the limits given · 在设定范围内'
      : [
          below &&
            `✗ answered right ${(s.accuracy * 100).toFixed(1)} % is below --min-accuracy ${minAccuracy} % · 答对率低于下限`,
          above &&
            `✗ out of domain answered ${(s.falseAnswerRate * 100).toFixed(1)} % is above --max-out-of-domain ${maxOut} % · 误答率高于上限`,
        ]
          .filter(Boolean)
          .join('\n'),
  );
  io.stdout.write(`${out.join('\n')}\n`);
  return ok ? 0 : 1;
}

function isRulesFile(path: string): boolean {
  try {
    return statSync(path).isFile();
  } catch {
    return false;
  }
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
  const rules = rulesTarget(values.rules, io);
  const loaded = loadRules(rules, io.cwd);
  if (!loaded.ruleSet) {
    for (const p of loaded.problems) io.stderr.write(`${formatProblem(p)}\n`);
    io.stderr.write(
      `kfbot test: the rules in ${rules} have errors; fix them first (kfbot validate ${rules})\n`,
    );
    return 1;
  }
  if (values.faq !== undefined) return runFaq(loaded.ruleSet, values.faq, values, io);
  for (const flag of ['min-accuracy', 'max-out-of-domain'] as const)
    if (values[flag] !== undefined)
      throw new UsageError(`--${flag} is a limit of --faq FILE; give the phrasing list with --faq`);
  // The tests live beside the rules: rules/tests for a folder, the folder of a rules file.
  const rulesDir = isRulesFile(resolve(io.cwd, rules)) ? dirname(rules) : rules;
  const target = resolve(io.cwd, positionals[0] ?? join(rulesDir, 'tests'));
  const { tests, problems } = readConversationTests(target, io.cwd);
  for (const p of problems) io.stderr.write(`${p.file}:${p.line}: ${p.message}\n`);
  if (problems.length) {
    // --json promises JSON on stdout, also when the tests cannot be read.
    if (values.json)
      io.stdout.write(
        `${JSON.stringify({ ok: false, passed: 0, failed: 0, problems, failures: [] }, null, 2)}\n`,
      );
    return 1;
  }
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
