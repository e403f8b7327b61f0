/**
 * Rule files → RuleSet. Reads every file's settings, menus and rules, reports every problem with
 * its file:line:column, and turns each menu click item that says what it answers into a rule of
 * its own, so the FAQ reads as a tree and a click id cannot point nowhere.
 *
 *   settings: { timezone: Asia/Shanghai, holidays: [...], schedules: { business_hours: {...} } }
 *   menus:    { main: { head, items: [ { click: order, label: 查询订单, reply: … }, … ], tail } }
 *   rules:    [ { name, priority, when, then, continue, fallback } ]
 */

import { byteLength, MENU_CLICK_CONTENT_MAX_BYTES } from '../wecom/send-limits.ts';
import { ruleCallProblems } from './check-rule-calls.ts';
import { compileActions } from './compile-actions.ts';
import { compileWhen } from './compile-condition.ts';
import { CompileContext, describeValue, isRecord } from './compile-context.ts';
import {
  answerTexts,
  buildFaq,
  FAQ_ID,
  FAQ_KEYS,
  type FaqBuildCache,
  type FaqItemSource,
  readQuestions,
} from './compile-faq.ts';
import { compileIdleWhen } from './compile-idle.ts';
import { compileMenu } from './compile-menu.ts';
import { readSettings } from './compile-settings.ts';
import { didYouMean } from './did-you-mean.ts';
import { indexKeys } from './index-keys.ts';
import { scoresByClickId } from './item-scores.ts';
import type { RuleProblem } from './problems.ts';
import type { Condition, MenuModel, ReplyContent, RuleModel, RuleSet } from './rule-model.ts';
import type { RuleDocument, RuleSources, YamlPath } from './rule-source.ts';

/** Menu click answers outrank ordinary rules (priority 0) unless a rule says otherwise. */
export const MENU_ITEM_PRIORITY = 100;

const TOP_KEYS = ['settings', 'menus', 'rules', 'faq'];
const RULE_KEYS = [
  'name',
  'description',
  'priority',
  'when',
  'then',
  'continue',
  'fallback',
  'ignore_service_state',
];

interface Located<T> {
  doc: RuleDocument;
  path: YamlPath;
  value: T;
}

export interface CompileResult {
  /**
   * Everything that compiled, even when there are errors: the whole-set checks run on it too, so
   * one run of `kfbot validate` reports every problem. Serve only uses it when there is no error.
   */
  ruleSet: RuleSet;
  problems: RuleProblem[];
  /** Rules with an error of their own: left out of the checks that compare rules (shadowing, keywords). */
  broken: ReadonlySet<RuleModel>;
}

/** `faqCache`: an FAQ index built elsewhere to reuse, and where the one built here is left (compile-faq.ts). */
export function compileRuleSources(sources: RuleSources, faqCache?: FaqBuildCache): CompileResult {
  const problems: RuleProblem[] = [...sources.problems];
  const settings = readSettings(sources.docs, problems);
  const menuNames = new Set<string>();
  const ctxFor = (doc: RuleDocument) =>
    new CompileContext(doc, problems, settings.schedules, settings.timezone, menuNames, settings.calls);
  for (const doc of sources.docs) {
    if (isRecord(doc.data) && isRecord(doc.data.menus))
      for (const name of Object.keys(doc.data.menus)) menuNames.add(name);
  }

  // Pass 1: every menu, so rules and menus may refer to menus defined in any file.
  const menus = new Map<string, MenuModel>();
  const menuSources = new Map<string, Located<Record<string, unknown>>>();
  for (const doc of sources.docs) {
    const ctx = ctxFor(doc);
    const data = doc.data;
    if (data === null || data === undefined) continue;
    if (!isRecord(data)) {
      ctx.error([], 'a rule file is a mapping with settings:, menus:, rules: and/or faq:');
      continue;
    }
    ctx.unknownKeys(data, TOP_KEYS, [], 'a rule file');
    if (data.menus === undefined) continue;
    if (!isRecord(data.menus)) {
      ctx.error(['menus'], 'menus: is a mapping of menu names to menus');
      continue;
    }
    for (const [name, raw] of Object.entries(data.menus)) {
      const path = ['menus', name];
      const prior = menuSources.get(name);
      if (prior) {
        const p = prior.doc.at(prior.path, { key: true });
        ctx.error(path, `menu "${name}" is defined twice (also at ${p.file}:${p.line})`, { key: true });
        continue;
      }
      if (!isRecord(raw)) {
        ctx.error(path, `menu "${name}" must be a mapping with head, items and tail`);
        continue;
      }
      menuSources.set(name, { doc, path, value: raw });
      const menu = compileMenu(ctx, name, raw, path);
      if (menu) menus.set(name, menu);
    }
  }

  const menuRef =
    (ctx: CompileContext) =>
    (name: string, at: YamlPath): ReplyContent | undefined => {
      const menu = menus.get(name);
      if (menu) return { msgtype: 'msgmenu', menu };
      if (!menuSources.has(name)) {
        const known = [...menuSources.keys()];
        ctx.error(
          at,
          `no menu named "${name}"${didYouMean(name, known)}${known.length ? `; menus: ${known.join(', ')}` : ''}`,
        );
      }
      return undefined;
    };

  // Pass 2: rules, and the rules that menu click items define.
  const rules: RuleModel[] = [];
  const broken = new Set<RuleModel>();
  const names = new Map<string, RuleModel>();
  const errorCount = () => problems.filter((p) => p.severity === 'error').length;
  const addRule = (ctx: CompileContext, rule: RuleModel, path: YamlPath, errorsBefore: number) => {
    const prior = names.get(rule.name);
    if (prior) {
      ctx.error(
        path,
        rule.source.kind === 'faq' && prior.source.kind === 'faq'
          ? `faq id "${rule.source.clickId}" is used twice (also at ${prior.at.file}:${prior.at.line}); each faq: entry needs its own id`
          : `rule name "${rule.name}" is used twice (also at ${prior.at.file}:${prior.at.line})`,
      );
    } else {
      names.set(rule.name, rule);
    }
    if (errorCount() > errorsBefore) broken.add(rule);
    rules.push(rule);
  };

  const faqItems: FaqItemSource[] = [];
  let faqWanted = false;
  for (const [menuName, src] of menuSources) {
    const ctx = ctxFor(src.doc);
    const items = Array.isArray(src.value.items) ? src.value.items : [];
    items.forEach((item, i) => {
      if (!isRecord(item) || item.click === undefined) return;
      const errorsBefore = errorCount();
      const path = [...src.path, 'items', i];
      if (item.questions !== undefined) faqWanted = true;
      if (typeof item.label === 'string' || item.questions !== undefined) {
        const id = String(item.click);
        const label = typeof item.label === 'string' ? item.label : id;
        const questions =
          item.questions === undefined ? [] : readQuestions(ctx, item.questions, [...path, 'questions']);
        const model = menus.get(menuName)?.items.find((m) => m.type === 'click' && m.id === id);
        faqItems.push({
          id,
          label,
          labelTemplate: model?.label,
          questions: [label, ...questions],
          ...(item.score !== undefined && { strict: true, ratingMenu: menuName }),
          at: ctx.at(path),
        });
      }
      // A reply: given as one action at the item's own path (not a one-item list), so a problem
      // in it is reported at the reply: line, where the console's answer field is.
      const answer =
        item.then ??
        (item.reply !== undefined
          ? { reply: item.reply }
          : item.menu !== undefined
            ? [{ reply: { menu: item.menu } }]
            : undefined);
      if (answer === undefined) return; // answered by a rule with menu_id (validate checks one exists)
      if ([item.then, item.reply, item.menu].filter((x) => x !== undefined).length > 1) {
        ctx.error(path, 'a click item takes one of reply:, menu: or then:');
        return;
      }
      const clickId = String(item.click);
      const label = typeof item.label === 'string' ? item.label : clickId;
      const condition: Condition = {
        fact: 'menu_id',
        op: 'equals',
        value: clickId,
        label: `menu_id is "${clickId}" (${menuName} → ${label})`,
        at: ctx.at([...path, 'click']),
      };
      const actions = compileActions(
        ctx,
        answer,
        item.then !== undefined ? [...path, 'then'] : path,
        menuRef(ctx),
      );
      const priority = typeof item.priority === 'number' ? item.priority : MENU_ITEM_PRIORITY;
      addRule(
        ctx,
        {
          name: `${menuName} → ${label}`,
          priority,
          order: rules.length,
          condition,
          actions,
          continue: false,
          fallback: false,
          ignoreServiceState: false,
          source: { kind: 'menu-item', menu: menuName, clickId },
          keys: indexKeys(condition),
          at: ctx.at(path),
        },
        path,
        errorsBefore,
      );
    });
  }

  for (const doc of sources.docs) {
    const ctx = ctxFor(doc);
    const data = doc.data;
    if (!isRecord(data) || data.rules === undefined) continue;
    if (!Array.isArray(data.rules)) {
      ctx.error(['rules'], 'rules: is a list of rules');
      continue;
    }
    data.rules.forEach((raw, i) => {
      const path = ['rules', i];
      const errorsBefore = errorCount();
      const rule = compileRule(ctx, raw, path, menuRef(ctx), rules.length);
      if (rule) addRule(ctx, rule, [...path, 'name'], errorsBefore);
    });
  }

  for (const doc of sources.docs) {
    const ctx = ctxFor(doc);
    const data = doc.data;
    if (!isRecord(data) || data.faq === undefined) continue;
    if (!Array.isArray(data.faq)) {
      ctx.error(['faq'], 'faq: is a list of { id, questions, reply | menu | then }');
      continue;
    }
    faqWanted = true;
    data.faq.forEach((raw, i) => {
      const path = ['faq', i];
      const errorsBefore = errorCount();
      const compiled = compileFaqEntry(ctx, raw, path, menuRef(ctx), rules.length);
      if (!compiled) return;
      faqItems.push(compiled.item);
      addRule(ctx, compiled.rule, path, errorsBefore);
    });
  }

  const faq = faqWanted ? buildFaq(faqItems, settings.faq, answerTexts(rules), faqCache) : undefined;
  for (const rule of rules) {
    const found = ruleCallProblems(rule);
    problems.push(...found);
    if (found.length > 0) broken.add(rule);
  }
  return {
    problems,
    broken,
    ruleSet: {
      rules,
      menus,
      ...(faq && { faq }),
      settings: {
        timezone: settings.timezone,
        schedules: settings.schedules,
        holidays: settings.holidays,
        calls: settings.calls,
      },
      counterNames: counterNames(rules),
      scores: scoresByClickId(menus.values()),
      files: sources.files,
    },
  };
}

function compileRule(
  ctx: CompileContext,
  raw: unknown,
  path: YamlPath,
  menuRef: (name: string, at: YamlPath) => ReplyContent | undefined,
  order: number,
): RuleModel | undefined {
  if (!isRecord(raw)) {
    ctx.error(path, `a rule is a mapping with name, when and then (got ${describeValue(raw)})`);
    return undefined;
  }
  ctx.unknownKeys(raw, RULE_KEYS, path, 'a rule');
  const name = raw.name;
  if (typeof name !== 'string' || name.trim() === '') {
    ctx.error(path, 'a rule needs a name: (it is shown in logs and in simulate/explain)');
    return undefined;
  }
  const priority = raw.priority ?? 0;
  if (typeof priority !== 'number' || !Number.isFinite(priority)) {
    ctx.error(
      [...path, 'priority'],
      `priority is a number; higher runs first (got ${describeValue(priority)})`,
    );
  }
  for (const flag of ['continue', 'fallback', 'ignore_service_state'] as const) {
    if (raw[flag] !== undefined && typeof raw[flag] !== 'boolean') {
      ctx.error([...path, flag], `${flag} is true or false`);
    }
  }
  const fallback = raw.fallback === true;
  if (raw.when === undefined && !fallback) {
    ctx.error(path, `rule "${name}" needs when: (or fallback: true for a catch-all)`);
    return undefined;
  }
  const idle = compileIdleWhen(ctx, name, raw.when, [...path, 'when']);
  if (idle.idleFor !== undefined && fallback)
    ctx.error(
      [...path, 'fallback'],
      'an idle rule cannot be a fallback: it fires on silence, not on a message',
    );
  const compiled = raw.when === undefined ? { all: [] } : compileWhen(ctx, idle.when, [...path, 'when']);
  const actions = compileActions(ctx, raw.then, [...path, 'then'], menuRef);
  if (!compiled) return undefined;
  const condition = idle.leaf ? { all: [compiled, idle.leaf] } : compiled;
  return {
    name,
    priority: typeof priority === 'number' ? priority : 0,
    order,
    condition,
    actions,
    continue: raw.continue === true,
    fallback,
    ignoreServiceState: raw.ignore_service_state === true,
    source: { kind: 'rule' },
    ...(idle.idleFor !== undefined && { idleFor: idle.idleFor }),
    keys: indexKeys(condition),
    at: ctx.at(path),
  };
}

function compileFaqEntry(
  ctx: CompileContext,
  raw: unknown,
  path: YamlPath,
  menuRef: (name: string, at: YamlPath) => ReplyContent | undefined,
  order: number,
): { rule: RuleModel; item: FaqItemSource } | undefined {
  if (!isRecord(raw)) {
    ctx.error(
      path,
      `a faq entry is a mapping { id, questions, reply | menu | then } (got ${describeValue(raw)})`,
    );
    return undefined;
  }
  ctx.unknownKeys(raw, FAQ_KEYS, path, 'a faq entry');
  const id = typeof raw.id === 'number' ? String(raw.id) : raw.id;
  if (typeof id !== 'string' || !FAQ_ID.test(id)) {
    ctx.error(
      [...path, 'id'],
      `a faq entry needs id: 1-64 letters, digits, _ or - (it is the click id a clarifying menu sends back; got ${describeValue(raw.id)})`,
    );
    return undefined;
  }
  const questions =
    raw.questions === undefined ? [] : readQuestions(ctx, raw.questions, [...path, 'questions']);
  if (questions.length === 0) {
    ctx.error(path, `faq entry "${id}" needs questions: with at least one way customers ask it`);
    return undefined;
  }
  const given = [raw.then, raw.reply, raw.menu].filter((x) => x !== undefined).length;
  if (given !== 1) {
    ctx.error(path, `faq entry "${id}" takes one of reply:, menu: or then:`);
    return undefined;
  }
  // As for a click item: a reply's problem is reported at its reply: line.
  const answer =
    raw.then ?? (raw.reply !== undefined ? { reply: raw.reply } : [{ reply: { menu: raw.menu } }]);
  let label = questions[0] as string;
  if (raw.label !== undefined) {
    if (typeof raw.label !== 'string' || raw.label.trim() === '') {
      ctx.error(
        [...path, 'label'],
        `faq entry "${id}": label is the text a menu offering it shows (got ${describeValue(raw.label)})`,
      );
      return undefined;
    }
    if (byteLength(raw.label) > MENU_CLICK_CONTENT_MAX_BYTES) {
      ctx.error(
        [...path, 'label'],
        `faq entry "${id}": label is ${byteLength(raw.label)} bytes; a menu item shows at most ${MENU_CLICK_CONTENT_MAX_BYTES} bytes (about 42 Chinese characters): shorten it`,
      );
      return undefined;
    }
    label = raw.label;
    if (!questions.includes(label)) questions.unshift(label);
  }
  const condition: Condition = {
    fact: 'menu_id',
    op: 'equals',
    value: id,
    label: `menu_id is "${id}" (faq → ${label})`,
    at: ctx.at([...path, 'id']),
  };
  const priority = typeof raw.priority === 'number' ? raw.priority : MENU_ITEM_PRIORITY;
  const at = ctx.at(path);
  return {
    item: { id, label, labelTemplate: undefined, questions, at },
    rule: {
      name: `faq → ${id}`,
      priority,
      order,
      condition,
      actions: compileActions(ctx, answer, raw.then !== undefined ? [...path, 'then'] : path, menuRef),
      continue: false,
      fallback: false,
      ignoreServiceState: false,
      source: { kind: 'faq', clickId: id },
      keys: indexKeys(condition),
      at,
    },
  };
}

function counterNames(rules: readonly RuleModel[]): string[] {
  const names = new Set<string>();
  const walk = (c: Condition): void => {
    if ('all' in c) c.all.forEach(walk);
    else if ('any' in c) c.any.forEach(walk);
    else if ('not' in c) walk(c.not);
    else if (c.fact.startsWith('counter.')) names.add(c.fact.slice('counter.'.length));
  };
  for (const rule of rules) {
    walk(rule.condition);
    for (const a of rule.actions) if (a.type === 'increment' || a.type === 'reset') names.add(a.name);
  }
  return [...names];
}
