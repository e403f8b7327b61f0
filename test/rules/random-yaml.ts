/**
 * Random YAML shaped like rule files, written every way YAML allows and some ways it does not:
 * plain, quoted and block scalars, block and flow collections (some across lines), empty values,
 * comments, CRLF, and scalars that look like numbers, booleans, nulls or YAML syntax. For
 * comparing the two rule-file readers, which must agree on whatever the fast one accepts.
 */
import type { RandomSource } from '../../src/simulator/random-ids.ts';

const SCALARS = [
  ...['a', 'b c', '问题', '答案 一', 'é', '😀', 'ａ：ｂ', '=', '<<', '-', '--', '|', '>', 'a|b', 'a > b'],
  ...['0', '012', '-0', '+1', '0o17', '0x1F', '0x', '1.5', '1.', '.5', '1e3', '1E-2', '1_000', '1e400'],
  ...['.inf', '-.Inf', '.nan', '.NaN', 'null', 'Null', '~', '', 'true', 'False', 'TRUE', 'yes', 'on'],
  ...['9007199254740993', '2024-01-01', '09:00-18:00', '12:30', 'a: b', 'a:b', 'a #b', 'a#b', '#x'],
  ...['- a', '-a', '?a', '? a', ':a', 'a,b', '[a]', '{a}', 'a]', "it's", 'say "hi"', '\\n', 'tab\there'],
  ...[' lead', 'trail ', 'multi\nline', 'multi\n\nline', 'x\n', '@at', '`bt', '%p', '&anc', '*ali', '!tag'],
  ...['__proto__', 'constructor', 'toString', '---', '...', 'a ...', '"q"', "'q'", '\u2028', '\u0085'],
  // Written as they are, these are quoted scalars with escapes, folds and line breaks.
  '"\\x41\\u00e9\\U0001F600\\N\\_\\L\\P\\e\\0\\/\\ \\t\\a\\b\\v\\f\\r"',
  ...['"a\\\n  b"', '"a \\\n   b\n\n  c"', "'a\n  b\n\n  c '", '"\\""', '"\\\\"', "'x''y'", '"\\xZZ"'],
  ...['a\n  - b', 'x\n\n\n  y', '"a  \n   b"'],
];
const KEYS = [
  'name',
  'when',
  'then',
  'reply',
  'a',
  'b',
  'key with space',
  '问题',
  'x:y',
  '0',
  'true',
  'null',
];
const ODD_KEYS = ['__proto__', 'toString', '"q"', 'k#', 'longlonglong', '-k', '?k'];

type Tree = string | Tree[] | { [key: string]: Tree };

export function randomRuleYaml(random: RandomSource): string {
  const pick = <T>(xs: readonly T[]): T => xs[Math.floor(random() * xs.length)] as T;
  const chance = (p: number) => random() < p;
  const space = () => (chance(0.15) ? '  ' : ' ');
  const comment = () => (chance(0.08) ? ` # ${pick(['c', 'x: y', '- z', '#'])}` : '');

  const tree = (depth: number): Tree => {
    const r = random();
    if (depth > 3 || r < 0.45) return pick(SCALARS);
    if (r < 0.7) return Array.from({ length: Math.floor(random() * 4) }, () => tree(depth + 1));
    const map: Record<string, Tree> = {};
    for (let n = Math.floor(random() * 4); n > 0; n--)
      map[chance(0.05) ? pick(SCALARS) : chance(0.1) ? pick(ODD_KEYS) : pick(KEYS)] = tree(depth + 1);
    return map;
  };

  const scalar = (s: string, indent: number, inFlow: boolean): string => {
    const r = random();
    if (r < 0.45) return s; // plain, valid or not
    if (r < 0.5) return s.replace(/\n/g, `\n${' '.repeat(indent + 2)}`);
    if (r < 0.65) return `'${s.replace(/'/g, "''")}'`;
    if (r < 0.8) return JSON.stringify(s);
    if (r < 0.85) return `"${s.replace(/\n/g, `\n${' '.repeat(indent + 1)}`)}"`;
    if (inFlow) return JSON.stringify(s);
    const lines = s.split('\n').map((l) => (l ? ' '.repeat(indent + 2) + l : ''));
    return `${pick(['|', '>', '|-', '>+', '|2', '>-'])}${comment()}\n${lines.join('\n')}`;
  };

  const flow = (t: Tree, indent: number): string => {
    const br = () => (chance(0.1) ? `\n${' '.repeat(Math.floor(random() * (indent + 4)))}` : '');
    if (typeof t === 'string') return scalar(t, indent, true);
    if (Array.isArray(t))
      return `[${br()}${t.map((x) => space() + flow(x, indent) + br()).join(',')}${chance(0.1) ? ',' : ''}${space()}${br()}]`;
    const pairs = Object.entries(t).map(([k, v]) => {
      const value = chance(0.1) ? '' : `:${chance(0.1) ? '' : space() + flow(v, indent)}`;
      return `${space()}${scalar(k, indent, true)}${value}${br()}`;
    });
    return `{${pairs.join(',')}${space()}}`;
  };

  const block = (t: Tree, indent: number, lines: string[], lead: string): void => {
    const pad = ' '.repeat(indent);
    const inItem = lead.trim().startsWith('-');
    if (typeof t === 'string' || chance(0.2)) {
      lines.push(lead + (typeof t === 'string' ? scalar(t, indent, false) : flow(t, indent)) + comment());
      return;
    }
    const entries = Array.isArray(t) ? t : Object.entries(t);
    if (entries.length === 0) {
      lines.push(lead + (Array.isArray(t) ? '[]' : '{}'));
      return;
    }
    if (lead.trim() !== '' && !inItem) lines.push(lead + comment());
    if (Array.isArray(t)) {
      t.forEach((x, i) => {
        const dash = `${i === 0 && inItem ? lead : pad}- `;
        if (chance(0.05)) lines.push(`${pad}# c`);
        block(x, indent + 2, lines, chance(0.9) ? dash : `${dash}\n${pad}  `);
      });
      return;
    }
    Object.entries(t).forEach(([k, v], i) => {
      const first = i === 0 && inItem ? lead : pad;
      if (chance(0.05)) lines.push('');
      const key = scalar(k, indent, true);
      if (v === '' && chance(0.3)) lines.push(`${first}${key}:${chance(0.5) ? ' ' : ''}${comment()}`);
      else block(v, indent + 2, lines, `${first}${key}:${space()}`);
    });
  };

  const root: Record<string, Tree> = {};
  for (let n = 1 + Math.floor(random() * 4); n > 0; n--) root[pick(KEYS)] = tree(1);
  const lines = chance(0.1) ? ['---'] : [];
  block(root, 0, lines, '');
  const text = lines.join('\n') + (chance(0.9) ? '\n' : '');
  return chance(0.1) ? text.replace(/\n/g, '\r\n') : text;
}
