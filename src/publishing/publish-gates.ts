/**
 * What a rule set must pass before it is published: `kfbot validate` (errors block, warnings —
 * such as a new question as close to another item as to its own — are shown) and the rule set's
 * own conversation tests (tests/, as `kfbot test` runs them: a failing step blocks, with its
 * diff). Checked on a copy of the folder with the new files in it, so nothing live is touched.
 */
import { cpSync, existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import type { RulesFolder } from '../authoring/rules-folder.ts';
import { loadRules } from '../rules/load-rules.ts';
import type { RuleProblem } from '../rules/problems.ts';
import type { RuleSet } from '../rules/rule-model.ts';
import { formatFailure, readConversationTests, runConversationTest } from '../simulate/conversation-test.ts';
import { formatFailureZh } from '../simulate/conversation-test-zh.ts';
import type { FileWrites } from './write-rule-files.ts';

export interface GateResult {
  /** Validation errors: publishing is refused. */
  errors: RuleProblem[];
  /** Validation warnings: shown, not blocking. */
  warnings: RuleProblem[];
  /** Failing conversation-test steps (kfbot test's diff text), or unreadable tests. */
  testFailures: string[];
  /** The same, Chinese first with the English beside it: what the console shows. */
  testFailuresZh: string[];
  /** How many conversation tests ran and passed. */
  testsPassed: number;
  ruleSet?: RuleSet;
}

/** Runs the gates on the folder's files with `writes` applied. */
export async function checkCandidate(
  folder: RulesFolder,
  writes: FileWrites,
  opts: { tests?: boolean } = {},
): Promise<GateResult> {
  const tmp = mkdtempSync(join(tmpdir(), 'kfbot-candidate-'));
  try {
    // The whole folder (media files too, which replies name by relative path), then the new files.
    if (folder.single) {
      const text = writes[folder.single];
      if (text === undefined && existsSync(join(folder.root, folder.single)))
        cpSync(join(folder.root, folder.single), join(tmp, folder.single));
    } else if (existsSync(folder.root)) {
      cpSync(folder.root, tmp, { recursive: true, filter: (src) => !/[\\/]\.[^\\/]*$/.test(src) });
    }
    for (const [file, text] of Object.entries(writes)) {
      const path = join(tmp, ...file.split('/'));
      if (text === null) rmSync(path, { force: true });
      else {
        mkdirSync(dirname(path), { recursive: true });
        writeFileSync(path, text);
      }
    }
    // Relative to the copy: problems name the files as the editor knows them (faq.yaml:12:5).
    const loaded = loadRules(folder.single ?? '.', tmp);
    const errors = loaded.problems.filter((p) => p.severity === 'error');
    const warnings = loaded.problems.filter((p) => p.severity === 'warning');
    if (!loaded.ruleSet) return { errors, warnings, testFailures: [], testFailuresZh: [], testsPassed: 0 };
    const testsDir = join(tmp, 'tests');
    const testFailures: string[] = [];
    const testFailuresZh: string[] = [];
    let testsPassed = 0;
    if (opts.tests !== false && !folder.single && existsSync(testsDir)) {
      const { tests, problems } = readConversationTests(testsDir, tmp);
      for (const p of problems) {
        testFailures.push(`${p.file}:${p.line}: ${p.message}`);
        testFailuresZh.push(`${p.file}:${p.line}: 测试文件读不了 · ${p.message}`);
      }
      for (const test of tests) {
        const failures = await runConversationTest(loaded.ruleSet, test);
        if (failures.length === 0) testsPassed++;
        for (const f of failures) {
          testFailures.push(formatFailure(f).replaceAll(`${tmp}/`, ''));
          testFailuresZh.push(formatFailureZh(f).replaceAll(`${tmp}/`, ''));
        }
      }
    }
    return { errors, warnings, testFailures, testFailuresZh, testsPassed, ruleSet: loaded.ruleSet };
  } finally {
    rmSync(tmp, { recursive: true, force: true });
  }
}

/**
 * What the bot would answer `text` with under the candidate rules (the editor's 试一试): one
 * conversation step, a new customer, on a weekday at 10:00 (business hours), nothing sent anywhere.
 */
export async function tryCandidate(
  folder: RulesFolder,
  writes: FileWrites,
  text: string,
): Promise<{ errors: RuleProblem[]; reply?: string }> {
  const gates = await checkCandidate(folder, writes, { tests: false });
  if (!gates.ruleSet) return { errors: gates.errors };
  const step = { step: { type: 'say', text } as const, expect: [{ type: 'nothing' } as const], line: 1 };
  const at = Date.parse('2026-11-26T10:00:00+08:00');
  const failures = await runConversationTest(gates.ruleSet, {
    name: 'try',
    file: 'try',
    line: 1,
    at,
    steps: [step],
  });
  return { errors: [], reply: failures[0]?.got ?? 'nothing' };
}
