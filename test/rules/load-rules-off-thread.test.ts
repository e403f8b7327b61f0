import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadRules } from '../../src/rules/load-rules.ts';
import { loadRulesOffThread } from '../../src/rules/load-rules-off-thread.ts';

const MESSAGES = ['退款多久到账', '發票怎麼開', '快递到哪了', '你们几点下班', '不满意', '随便问问'];

describe('loading rules in a child process', () => {
  it('gives the default rules the same problems, calibration and FAQ answers as loading on the event loop', async () => {
    const here = loadRules('rules');
    const fellBack: unknown[] = [];
    const there = await loadRulesOffThread('rules', process.cwd(), (err) => fellBack.push(err));
    expect(fellBack).toEqual([]);
    expect(there.problems).toEqual(here.problems);
    expect(there.files).toEqual(here.files);
    const [a, b] = [here.ruleSet?.faq, there.ruleSet?.faq];
    expect(b?.calibration).toEqual(a?.calibration);
    for (const text of MESSAGES) expect(b?.index.match(text)).toEqual(a?.index.match(text));
    expect(there.ruleSet?.rules.map((r) => r.name)).toEqual(here.ruleSet?.rules.map((r) => r.name));
  });

  it('reports every problem of invalid rules, with no rule set', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'kfbot-off-thread-'));
    writeFileSync(
      join(dir, 'rules.yaml'),
      'faq:\n  - { id: a, questions: [退款多久], reply: 三天 }\n  - { id: a, questions: [退货], reply: 七天 }\nrules:\n  - { name: 坏的, when: { txt: 你好 }, then: [ { reply: x } ] }\n',
    );
    const there = await loadRulesOffThread(dir);
    expect(there.ruleSet).toBeUndefined();
    expect(there.problems).toEqual(loadRules(dir).problems);
    expect(there.problems.some((p) => p.message.includes('unknown fact "txt"'))).toBe(true);
  });
});
