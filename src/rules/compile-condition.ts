/**
 * `when:` in YAML → the Condition tree of rule-model.ts.
 *
 *   when:                       # a mapping: all of its entries
 *     text: { any: [退款, 退货] }  # fact: { operator: value }
 *     service_state: [new, bot] # a list means "in"
 *     any:                      # all / any / not compose
 *       - time: business_hours
 *       - var.vip: true
 */
import { type CompileContext, describeValue, isRecord } from './compile-context.ts';
import { didYouMean } from './did-you-mean.ts';
import { FACT_NAMES, type FactType, factSpec } from './fact-catalogue.ts';
import { FAQ_MENUS } from './faq-menu-names.ts';
import { normalizeText } from './normalize-text.ts';
import type { Condition, ConditionOperator, LeafCondition, Scalar } from './rule-model.ts';
import type { YamlPath } from './rule-source.ts';
import { parseSchedule } from './schedule.ts';

const OPS_BY_TYPE: Record<FactType['type'], readonly ConditionOperator[]> = {
  text: ['equals', 'not_equals', 'in', 'not_in', 'contains', 'any', 'regex', 'exists'],
  string: ['equals', 'not_equals', 'in', 'not_in', 'contains', 'regex', 'exists'],
  number: ['equals', 'not_equals', 'in', 'not_in', 'gt', 'gte', 'lt', 'lte', 'exists'],
  boolean: ['equals', 'exists'],
  enum: ['equals', 'not_equals', 'in', 'not_in', 'exists'],
  name: ['equals', 'not_equals', 'in', 'not_in', 'exists'],
  scalar: ['equals', 'not_equals', 'in', 'not_in', 'contains', 'gt', 'gte', 'lt', 'lte', 'exists'],
  schedule: ['open'],
};

const OP_WORDS: Record<ConditionOperator, string> = {
  equals: 'is',
  not_equals: 'is not',
  in: 'is one of',
  not_in: 'is none of',
  contains: 'contains',
  any: 'contains any of',
  regex: 'matches',
  gt: '>',
  gte: '≥',
  lt: '<',
  lte: '≤',
  exists: 'exists',
  open: 'is within',
};

/** Parses a /pattern/flags or bare pattern; returns the problem text when it does not compile. */
export function compileRegex(source: string): RegExp | string {
  const m = /^\/(.*)\/([a-z]*)$/s.exec(source);
  const [pattern, flags] = m ? [m[1] ?? '', m[2] ?? ''] : [source, ''];
  try {
    return new RegExp(pattern, flags.includes('u') || flags.includes('v') ? flags : `${flags}u`);
  } catch (err) {
    return (err as Error).message;
  }
}

export function compileWhen(ctx: CompileContext, node: unknown, path: YamlPath): Condition | undefined {
  if (Array.isArray(node)) {
    const all = node
      .map((c, i) => compileWhen(ctx, c, [...path, i]))
      .filter((c): c is Condition => c !== undefined);
    return { all };
  }
  if (!isRecord(node)) {
    ctx.error(path, `a condition must be a mapping like "text: 你好" (got ${describeValue(node)})`);
    return undefined;
  }
  const parts: Condition[] = [];
  for (const [key, value] of Object.entries(node)) {
    const at = [...path, key];
    if (key === 'all' || key === 'any') {
      if (!Array.isArray(value) || value.length === 0) {
        ctx.error(at, `"${key}" takes a non-empty list of conditions`);
        continue;
      }
      const list = value
        .map((c, i) => compileWhen(ctx, c, [...at, i]))
        .filter((c): c is Condition => c !== undefined);
      parts.push(key === 'all' ? { all: list } : { any: list });
    } else if (key === 'not') {
      const inner = compileWhen(ctx, value, at);
      if (inner) parts.push({ not: inner });
    } else {
      parts.push(...compileFact(ctx, key, value, at));
    }
  }
  return parts.length === 1 && parts[0] ? parts[0] : { all: parts };
}

function compileFact(ctx: CompileContext, fact: string, value: unknown, path: YamlPath): Condition[] {
  const spec = factSpec(fact);
  if (!spec) {
    ctx.error(
      path,
      `unknown fact "${fact}"${didYouMean(fact, [...FACT_NAMES, 'all', 'any', 'not'])}; use one of ${FACT_NAMES.join(', ')}, var.<name>, counter.<name>, or all/any/not`,
      { key: true },
    );
    return [];
  }
  const type = spec.spec;
  if (type.type === 'schedule') return compileTime(ctx, value, path);
  // `fact: value` is equality, `fact: [a, b]` is membership, `fact: { op: value, … }` names the operators.
  const pairs: [string, unknown, YamlPath][] = isRecord(value)
    ? Object.entries(value).map(([op, v]) => [op, v, [...path, op]])
    : [[Array.isArray(value) ? 'in' : 'equals', value, path]];
  const out: LeafCondition[] = [];
  for (const [op, raw, at] of pairs) {
    const allowed = OPS_BY_TYPE[type.type];
    if (!(allowed as readonly string[]).includes(op)) {
      ctx.error(
        at,
        `unknown operator "${op}" for ${fact}${didYouMean(op, allowed)}; use one of ${allowed.join(', ')}`,
        { key: true },
      );
      continue;
    }
    const leaf = compileLeaf(ctx, fact, type, op as ConditionOperator, raw, at);
    if (leaf) out.push(leaf);
  }
  return out;
}

function compileLeaf(
  ctx: CompileContext,
  fact: string,
  type: FactType,
  op: ConditionOperator,
  raw: unknown,
  at: YamlPath,
): LeafCondition | undefined {
  const leaf = (value: Scalar | Scalar[], shown?: string): LeafCondition => ({
    fact,
    op,
    value,
    label: `${fact} ${OP_WORDS[op]} ${shown ?? JSON.stringify(value)}`,
    at: ctx.at(at),
  });
  if (op === 'exists') {
    if (typeof raw !== 'boolean') {
      ctx.error(at, `"exists" takes true or false (got ${describeValue(raw)})`);
      return undefined;
    }
    return leaf(raw, String(raw));
  }
  if (op === 'regex') {
    if (typeof raw !== 'string') {
      ctx.error(at, `"regex" takes a pattern string (got ${describeValue(raw)})`);
      return undefined;
    }
    const re = compileRegex(raw);
    if (typeof re === 'string') {
      ctx.error(at, `the regex ${JSON.stringify(raw)} does not compile: ${re}`);
      return undefined;
    }
    return leaf(raw, raw);
  }
  const listOp = op === 'in' || op === 'not_in' || op === 'any';
  if (listOp !== Array.isArray(raw)) {
    ctx.error(
      at,
      listOp ? `"${op}" takes a list` : `"${op}" takes a single value, not ${describeValue(raw)}`,
    );
    return undefined;
  }
  const items = (Array.isArray(raw) ? raw : [raw]).map((v, i) =>
    convertScalar(ctx, fact, type, op, v, Array.isArray(raw) ? [...at, i] : at),
  );
  if (items.some((v) => v === undefined)) return undefined;
  const values = items as Scalar[];
  if (fact === 'last_menu') {
    const written = [...ctx.menuNames];
    const known = [...written, ...FAQ_MENUS];
    const unknown = values.filter((v) => !known.includes(String(v)));
    for (const v of unknown)
      ctx.error(
        at,
        `no menu named ${JSON.stringify(v)}${didYouMean(v, known)}; last_menu is the name of a menu under menus:${written.length ? ` (${written.join(', ')})` : ''}, or ${FAQ_MENUS.join(' or ')} (the FAQ's own)`,
      );
    if (unknown.length) return undefined;
  }
  if (listOp && values.length === 0) {
    ctx.error(at, `"${op}" needs at least one value`);
    return undefined;
  }
  // Enum facts show the names the rule used (human, ended) rather than the numbers they stand for.
  const shown = type.type === 'enum' ? JSON.stringify(raw) : undefined;
  return listOp ? leaf(values, shown) : leaf(values[0] as Scalar, shown);
}

function convertScalar(
  ctx: CompileContext,
  fact: string,
  type: FactType,
  op: ConditionOperator,
  v: unknown,
  at: YamlPath,
): Scalar | undefined {
  switch (type.type) {
    case 'text':
    case 'string': {
      if (typeof v !== 'string' && typeof v !== 'number') {
        ctx.error(at, `${fact} is compared with text (got ${describeValue(v)})`);
        return undefined;
      }
      if (type.type === 'string') return String(v);
      const text = normalizeText(String(v));
      if (text === '' && (op === 'any' || op === 'contains')) {
        ctx.error(at, 'an empty keyword would match every message');
        return undefined;
      }
      return text;
    }
    case 'number':
      if (typeof v !== 'number') {
        ctx.error(at, `${fact} is a number (got ${describeValue(v)})`);
        return undefined;
      }
      return v;
    case 'boolean':
      if (typeof v !== 'boolean') {
        ctx.error(at, `${fact} is true or false (got ${describeValue(v)})`);
        return undefined;
      }
      return v;
    case 'enum': {
      if (typeof v === 'number' && Object.values(type.values).includes(v)) return v;
      if (typeof v === 'string' && Object.hasOwn(type.values, v)) return type.values[v] as number;
      const names = Object.entries(type.values).map(([n, k]) => `${n} (${k})`);
      ctx.error(
        at,
        `${fact} is one of ${names.join(', ')} (got ${describeValue(v)})${didYouMean(v, Object.keys(type.values))}`,
      );
      return undefined;
    }
    case 'name':
      if (typeof v === 'string' && type.values.includes(v)) return v;
      // A misspelt kind would otherwise validate clean and the rule would silently never fire.
      ctx.error(
        at,
        `unknown ${fact} ${typeof v === 'string' ? JSON.stringify(v) : describeValue(v)}${didYouMean(v, type.values)}; ${fact} is one of ${type.values.join(', ')}`,
      );
      return undefined;
    case 'scalar':
      if (typeof v !== 'string' && typeof v !== 'number' && typeof v !== 'boolean') {
        ctx.error(at, `${fact} is compared with a string, number or true/false (got ${describeValue(v)})`);
        return undefined;
      }
      return v;
    case 'schedule':
      return undefined; // handled by compileTime
  }
}

/**
 * `time: business_hours` (a schedule from settings.schedules), `time: { closed: business_hours }`,
 * or `time: { between: "12:00-13:30", days: [sat, sun] }` (an inline window).
 */
function compileTime(ctx: CompileContext, value: unknown, path: YamlPath): Condition[] {
  const named = (name: unknown, at: YamlPath): string | undefined => {
    if (typeof name === 'string' && ctx.schedules.has(name)) return name;
    const known = [...ctx.schedules.keys()].filter((k) => !k.startsWith('inline:'));
    ctx.error(
      at,
      `unknown schedule ${JSON.stringify(name)}${didYouMean(name, known)}; define it under settings.schedules` +
        (known.length ? ` (defined: ${known.join(', ')})` : ''),
    );
    return undefined;
  };
  const leaf = (name: string, shown: string): LeafCondition => ({
    fact: 'time',
    op: 'open',
    value: name,
    label: `time is within ${shown}`,
    at: ctx.at(path),
  });
  if (typeof value === 'string') {
    const name = named(value, path);
    return name ? [leaf(name, name)] : [];
  }
  if (!isRecord(value)) {
    ctx.error(
      path,
      `time takes a schedule name or { between: "HH:MM-HH:MM", days: [...] } (got ${describeValue(value)})`,
    );
    return [];
  }
  if ('open' in value || 'closed' in value) {
    ctx.unknownKeys(value, ['open', 'closed'], path, 'time');
    const out: Condition[] = [];
    if ('open' in value) {
      const name = named(value.open, [...path, 'open']);
      if (name) out.push(leaf(name, name));
    }
    if ('closed' in value) {
      const name = named(value.closed, [...path, 'closed']);
      if (name) out.push({ not: leaf(name, name) });
    }
    return out;
  }
  ctx.unknownKeys(value, ['between', 'days'], path, 'time');
  const between = value.between;
  if (typeof between !== 'string') {
    ctx.error([...path, 'between'], 'time.between takes a window like "12:00-13:30"');
    return [];
  }
  const days = value.days ?? 'daily';
  const dayKeys = Array.isArray(days) ? days.map(String) : [String(days)];
  const hours = Object.fromEntries(dayKeys.map((d) => [d, between]));
  const parsed = parseSchedule({ timezone: ctx.timezone, hours });
  if ('problems' in parsed) {
    for (const p of parsed.problems) ctx.error(path, `time: ${p.message}`);
    return [];
  }
  const id = `inline:${ctx.doc.file}:${ctx.at(path).line}:${ctx.at(path).col}`;
  (ctx.schedules as Map<string, typeof parsed.schedule>).set(id, parsed.schedule);
  return [leaf(id, `${between}${Array.isArray(days) ? ` on ${dayKeys.join(', ')}` : ''}`)];
}
