/**
 * The placeholders the editor lists beside a text are exactly what validate accepts there: each
 * one listed, written into that rule's text, loads without a problem, and one it leaves out
 * ({{env.X}}, a regex group the rule lacks) does not.
 */
import { describe, expect, it } from 'vitest';
import { textPlaceholders } from '../../src/authoring/text-placeholders.ts';
import { loadRules } from '../../src/rules/load-rules.ts';
import { ruleDir } from '../rules/helpers.ts';

const WHEN = '{ all: [ { kind: text }, { text: { regex: "^(?<order>\\\\d{6})$" } } ] }';
const problemsOf = (text: string) =>
  loadRules(
    '.',
    ruleDir({ 'r.yaml': `rules:\n  - { name: r, when: ${WHEN}, then: [ { reply: "${text}" } ] }\n` }),
  ).problems.filter((p) => p.severity === 'error');

describe("a text's placeholders as the editor lists them", () => {
  const listed = textPlaceholders({ all: [{ kind: 'text' }, { text: { regex: '^(?<order>\\d{6})$' } }] });

  it("names the rule's own regex group and every name validate knows, each with a meaning", () => {
    const names = listed.map((p) => p.name);
    expect(names).toContain('match.order');
    expect(names).toContain('nickname');
    expect(names).toContain('var.<名称>');
    expect(names.some((n) => n.startsWith('env.'))).toBe(false);
    for (const p of listed) expect(p.zh).not.toBe('');
  });

  it('lists only names that load in that text', () => {
    for (const { name } of listed) {
      const written = name.replace('<名称>', 'order_no');
      expect(problemsOf(`好的 {{${written}}}`), written).toEqual([]);
    }
  });

  it('leaves out names validate refuses there', () => {
    expect(problemsOf('{{env.SHOP_TOKEN}}')).not.toEqual([]);
    expect(problemsOf('{{match.city}}')).not.toEqual([]);
    expect(textPlaceholders({ text: 'hi' }).some((p) => p.name.startsWith('match.'))).toBe(false);
  });
});
