import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ruleFile } from '../../bench/rule-file.ts';
import { readFullYaml } from '../../src/rules/full-yaml.ts';
import { readPlainYaml } from '../../src/rules/plain-yaml.ts';
import { readYamlFile } from '../../src/rules/read-yaml-file.ts';
import type { YamlFile, YamlPath } from '../../src/rules/yaml-file.ts';
import { seededRandom } from '../../src/simulator/random-ids.ts';
import { randomRuleYaml } from './random-yaml.ts';

/** Every path into `data`, and a few that go past its ends (those point at their deepest node). */
function pathsOf(data: unknown, path: YamlPath = [], out: YamlPath[] = []): YamlPath[] {
  out.push(path, [...path, 'missing'], [...path, 99]);
  if (Array.isArray(data)) {
    for (const [i, v] of data.entries()) pathsOf(v, [...path, i], out);
  } else if (data !== null && typeof data === 'object')
    for (const k of Object.getOwnPropertyNames(data))
      pathsOf((data as Record<string, unknown>)[k], [...path, k], out);
  return out;
}

/** The fast reader, where it reads a file at all, must read it exactly as the `yaml` package does. */
function expectSameReading(source: string, plain: YamlFile): void {
  const full = readFullYaml(source);
  const context = JSON.stringify(source);
  expect(full.issues, context).toEqual([]);
  expect(plain.data, context).toStrictEqual(full.data);
  // Key order, and own keys such as __proto__, count too.
  expect(JSON.stringify(plain.data, spelled), context).toBe(JSON.stringify(full.data, spelled));
  for (const path of pathsOf(full.data)) {
    for (const key of [false, true])
      expect(plain.offsetOf(path, key), `${context} at ${JSON.stringify(path)}`).toBe(
        full.offsetOf(path, key),
      );
  }
  for (let offset = 0; offset <= source.length; offset++)
    expect(plain.linePos(offset), context).toEqual(full.linePos(offset));
}

/** JSON with -0, NaN and the infinities spelled out, and every own key (__proto__ too) kept in order. */
function spelled(_key: string, value: unknown): unknown {
  if (typeof value === 'number' && (Object.is(value, -0) || !Number.isFinite(value)))
    return `number ${value}`;
  if (value !== null && typeof value === 'object' && !Array.isArray(value))
    return Object.fromEntries(Object.getOwnPropertyNames(value).map((k) => [` ${k}`, (value as never)[k]]));
  return value;
}

describe('the fast YAML reader', () => {
  it('reads random rule-like YAML exactly as the yaml package, or leaves it to it', () => {
    let read = 0;
    for (let seed = 1; seed <= 600; seed++) {
      const source = randomRuleYaml(seededRandom(seed));
      const plain = readPlainYaml(source);
      if (!plain) continue;
      read++;
      expectSameReading(source, plain);
    }
    // The comparison means something only if the fast reader takes a good share of them.
    expect(read).toBeGreaterThan(200);
  });

  it('reads the shipped rules, the examples and a 1,000-rule file itself', () => {
    const files = [
      ...readdirSync('rules')
        .filter((f) => f.endsWith('.yaml'))
        .map((f) => join('rules', f)),
      ...readdirSync('examples')
        .map((e) => join('examples', e, 'rules.yaml'))
        .filter((f) => existsSync(f)),
    ];
    expect(files.length).toBeGreaterThan(10);
    for (const source of [...files.map((f) => readFileSync(f, 'utf8')), ruleFile(1000)]) {
      const plain = readPlainYaml(source);
      expect(plain, source.slice(0, 200)).toBeDefined();
      expectSameReading(source, plain as YamlFile);
    }
  });

  it.each([
    ['a tab', 'a:\tb\n'],
    ['an anchor and an alias', 'a: &x 1\nb: *x\n'],
    ['a tag', 'a: !!str 1\n'],
    ['a duplicate key', 'a: 1\na: 2\n'],
    ['a number as key', '1: a\n'],
    ['a second document', 'a: 1\n---\nb: 2\n'],
    ['a list at the top', '- a\n'],
    ['an explicit key', '? a\n: b\n'],
    ['a flow list closed at its key’s indent', 'a: [1,\n  2\n]\n'],
    ['a flow list with a line at its key’s indent', 'x:\n  a: [1,\n  2]\n'],
    ['a directive', '%YAML 1.2\n---\na: 1\n'],
  ])('leaves %s to the yaml package', (_what, source) => {
    expect(readPlainYaml(source)).toBeUndefined();
  });

  it('leaves the warnings, and the data that goes with them, to the yaml package', () => {
    const file = readYamlFile('a: !shout hi\n');
    expect(file.issues).toEqual([{ offset: 3, severity: 'warning', message: 'Unresolved tag: !shout' }]);
    expect(file.data).toEqual({ a: 'hi' });
  });
});
