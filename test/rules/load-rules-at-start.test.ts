import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pino from 'pino';
import { describe, expect, it } from 'vitest';
import { ruleFile } from '../../bench/rule-file.ts';
import { startEarlyRulesChild } from '../../src/rules/early-rules-child.ts';
import { loadRules } from '../../src/rules/load-rules.ts';
import { listsQuestions, loadRulesAtStart } from '../../src/rules/load-rules-at-start.ts';
import { RulesError } from '../../src/rules/problems.ts';
import { readRuleSources } from '../../src/rules/rule-source.ts';
import { startSandbox } from '../../src/sandbox/start-sandbox.ts';

function rulesDir(files: Record<string, string>): string {
  const dir = mkdtempSync(join(tmpdir(), 'kfbot-at-start-'));
  for (const [name, text] of Object.entries(files)) writeFileSync(join(dir, name), text);
  return dir;
}

describe('loading rules at start', () => {
  it('tells rules with typed questions (faq:, or questions: on a menu item) from rules without', () => {
    expect(listsQuestions(readRuleSources('rules'))).toBe(true);
    const menu = rulesDir({
      'menu.yaml':
        'menus:\n  main:\n    items:\n      - { click: a, label: 退款, reply: 三天, questions: [退款多久] }\n',
    });
    expect(listsQuestions(readRuleSources(menu))).toBe(true);
    const thousand = rulesDir({ 'rules.yaml': ruleFile(1_000) });
    expect(listsQuestions(readRuleSources(thousand))).toBe(false);
  });

  it('gives 1,000 rules without an FAQ the same rules and problems as loadRules', async () => {
    const dir = rulesDir({ 'rules.yaml': ruleFile(1_000) });
    const here = loadRules(dir);
    const atStart = await loadRulesAtStart(dir);
    expect(atStart.problems).toEqual(here.problems);
    expect(atStart.files).toEqual(here.files);
    expect(atStart.ruleSet?.rules.map((r) => r.name)).toEqual(here.ruleSet?.rules.map((r) => r.name));
  });

  it('gives the default rules (an FAQ) the same problems and FAQ answers as loadRules', async () => {
    const here = loadRules('rules');
    const fellBack: unknown[] = [];
    const atStart = await loadRulesAtStart('rules', process.cwd(), (err) => fellBack.push(err));
    expect(fellBack).toEqual([]);
    expect(atStart.problems).toEqual(here.problems);
    expect(atStart.ruleSet?.faq?.calibration).toEqual(here.ruleSet?.faq?.calibration);
    for (const text of ['退款多久到账', '發票怎麼開', '随便问问'])
      expect(atStart.ruleSet?.faq?.index.match(text)).toEqual(here.ruleSet?.faq?.index.match(text));
  });

  it('uses the child serve started before reading the default rules: the same problems and FAQ answers', async () => {
    const early = startEarlyRulesChild('rules', process.cwd());
    expect(early).toBeDefined();
    const here = loadRules('rules');
    const fellBack: unknown[] = [];
    const atStart = await loadRulesAtStart('rules', process.cwd(), (err) => fellBack.push(err), early);
    expect(fellBack).toEqual([]);
    expect(atStart.problems).toEqual(here.problems);
    expect(atStart.ruleSet?.faq?.calibration).toEqual(here.ruleSet?.faq?.calibration);
    for (const text of ['退款多久到账', '發票怎麼開', '随便问问'])
      expect(atStart.ruleSet?.faq?.index.match(text)).toEqual(here.ruleSet?.faq?.index.match(text));
  });

  it('starts no early child for rules that never mention typed questions, and loads rules that only mention them here', async () => {
    expect(startEarlyRulesChild(rulesDir({ 'rules.yaml': ruleFile(1_000) }), process.cwd())).toBeUndefined();
    const english =
      'rules:\n  - { name: hi, when: { text: hi }, then: [ { reply: "Any questions? Ask away." } ] }\n';
    expect(startEarlyRulesChild(rulesDir({ 'rules.yaml': english }), process.cwd())).toBeUndefined();
    expect(startEarlyRulesChild(join(tmpdir(), 'kfbot-no-such-rules'), process.cwd())).toBeUndefined();
    // A comment about an FAQ to come: the guess starts a child, the parse finds no FAQ.
    const dir = rulesDir({ 'rules.yaml': `# faq: next week\n${ruleFile(10)}` });
    const early = startEarlyRulesChild(dir, process.cwd());
    expect(early).toBeDefined();
    const atStart = await loadRulesAtStart(dir, process.cwd(), undefined, early);
    const here = loadRules(dir);
    expect(atStart.problems).toEqual(here.problems);
    expect(atStart.ruleSet?.rules.map((r) => r.name)).toEqual(here.ruleSet?.rules.map((r) => r.name));
    expect(atStart.ruleSet?.faq).toBeUndefined();
  });

  it('refuses invalid rules with every problem listed, with or without an FAQ', async () => {
    const bad =
      'rules:\n  - { name: 坏的, when: { txt: 你好 }, then: [ { reply: x } ] }\n  - { name: 坏的, then: [ { rely: y } ] }\n';
    for (const dir of [
      rulesDir({ 'rules.yaml': bad }),
      rulesDir({
        'rules.yaml': `faq:\n  - { id: a, questions: [退款多久], reply: 三天 }\n  - { id: a, questions: [退货], reply: 七天 }\n${bad}`,
      }),
    ]) {
      for (const atStart of [
        await loadRulesAtStart(dir),
        await loadRulesAtStart(dir, process.cwd(), undefined, startEarlyRulesChild(dir, process.cwd())),
      ]) {
        expect(atStart.ruleSet).toBeUndefined();
        expect(atStart.problems).toEqual(loadRules(dir).problems);
        expect(atStart.problems.filter((p) => p.severity === 'error').length).toBeGreaterThanOrEqual(2);
        expect(atStart.problems.some((p) => p.message.includes('unknown fact "txt"'))).toBe(true);
      }
    }
  });
});

describe('the sandbox (npm start with no credentials) loading its rules with the early child', () => {
  const startOn = (rules: string, rulesChild: ReturnType<typeof startEarlyRulesChild>) =>
    startSandbox({
      env: { KFBOT_PORT: '0', KFBOT_HOST: '127.0.0.1' },
      flags: { rules },
      cwd: process.cwd(),
      logger: pino({ level: 'silent' }),
      watchRules: false,
      ...(rulesChild && { rulesChild }),
    });

  it('serves the default rules with the same FAQ answers as loadRules', async () => {
    const sandbox = await startOn('rules', startEarlyRulesChild('rules', process.cwd()));
    try {
      const here = loadRules('rules');
      const faq = sandbox.app.rules.current?.ruleSet.faq;
      expect(faq?.calibration).toEqual(here.ruleSet?.faq?.calibration);
      for (const text of ['退款多久到账', '發票怎麼開', '随便问问'])
        expect(faq?.index.match(text)).toEqual(here.ruleSet?.faq?.index.match(text));
    } finally {
      await sandbox.close();
    }
  });

  it('serves rules that only mention an FAQ in a comment, without one', async () => {
    const dir = rulesDir({ 'rules.yaml': `# faq: next week\n${ruleFile(10)}` });
    const early = startEarlyRulesChild(dir, process.cwd());
    expect(early).toBeDefined();
    const sandbox = await startOn(dir, early);
    try {
      const current = sandbox.app.rules.current?.ruleSet;
      expect(current?.rules.map((r) => r.name)).toEqual(loadRules(dir).ruleSet?.rules.map((r) => r.name));
      expect(current?.faq).toBeUndefined();
    } finally {
      await sandbox.close();
    }
  });

  it('refuses invalid rules with an FAQ with every problem listed', async () => {
    const dir = rulesDir({
      'rules.yaml':
        'faq:\n  - { id: a, questions: [退款多久], reply: 三天 }\n  - { id: a, questions: [退货], reply: 七天 }\nrules:\n  - { name: 坏的, when: { txt: 你好 }, then: [ { reply: x } ] }\n',
    });
    const refused = await startOn(dir, startEarlyRulesChild(dir, process.cwd())).catch((err: unknown) => err);
    expect(refused).toBeInstanceOf(RulesError);
    const problems = (refused as RulesError).problems;
    expect(problems).toEqual(loadRules(dir).problems);
    expect(problems.some((p) => p.message.includes('unknown fact "txt"'))).toBe(true);
  });
});
