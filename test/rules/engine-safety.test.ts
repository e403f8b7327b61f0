import { describe, expect, it } from 'vitest';
import { engineCondition, OperatorTables } from '../../src/rules/engine-conditions.ts';
import { loadRules, loadRulesOrThrow } from '../../src/rules/load-rules.ts';
import { ruleDir } from './helpers.ts';

describe("json-rules-engine's JSONPath and fact references are out of reach of rule files", () => {
  it.each([
    ['a fact reference as a value', '{ text: { equals: { fact: secret } } }'],
    ['a path key', '{ text: { equals: x, path: "$.a" } }'],
    ['a raw engine condition', '{ fact: text, operator: equal, value: x }'],
    ['a params key', '{ text: { params: { x: 1 } } }'],
  ])('refuses %s', (_name, when) => {
    const loaded = loadRules(
      ruleDir({ 'r.yaml': `rules:\n  - { name: a, when: ${when}, then: [ { nothing: x } ] }\n` }),
    );
    expect(loaded.ruleSet).toBeUndefined();
    expect(loaded.problems[0]?.severity).toBe('error');
  });

  it('builds engine conditions with no path and only plain values', () => {
    const set = loadRulesOrThrow('rules');
    const tables = new OperatorTables(set.settings.schedules);
    const walk = (c: unknown): void => {
      if (Array.isArray(c)) {
        for (const x of c) walk(x);
        return;
      }
      if (typeof c !== 'object' || c === null) return;
      const o = c as Record<string, unknown>;
      expect(o).not.toHaveProperty('path');
      expect(o).not.toHaveProperty('params');
      if ('value' in o)
        expect(typeof o.value === 'object' && o.value !== null && !Array.isArray(o.value)).toBe(false);
      for (const v of Object.values(o)) walk(v);
    };
    for (const rule of set.rules) walk(engineCondition(rule.condition, tables));
  });
});
