/**
 * The FAQ parts of the rule files: `questions:` (相似问法) on menu click items, the top-level
 * `faq:` section of answers shown in no menu, and `settings.faq`. Each `faq:` entry becomes a rule
 * answering its id exactly like a click item does, so a clarifying menu can offer it and a
 * customer's click on it gets the answer.
 *
 *   settings: { faq: { threshold: 0.5, margin: 0.08, suggest: 0.35, clarify: 您是想问：, synonyms: [[运费, 邮费]] } }
 *   menus:    { main: { items: [ { click: refund_time, label: 退款多久到账？, questions: [钱什么时候退回来], reply: … } ] } }
 *   faq:      [ { id: cancel_order, questions: [怎么取消订单], reply: … } ]
 */

import type { SemanticOptions } from '../semantic/semantic-config.ts';
import { type CompileContext, describeValue, isRecord } from './compile-context.ts';
import { compileText } from './compile-reply.ts';
import { BUILTIN_SYNONYMS } from './faq/builtin-synonyms.ts';
import { type CalibratedKey, calibrateFaq, type FaqCalibration } from './faq/faq-calibration.ts';
import {
  DEFAULT_MARGIN,
  DEFAULT_SUGGEST,
  DEFAULT_THRESHOLD,
  FaqIndex,
  type FaqIndexData,
} from './faq/faq-index.ts';
import { fitMenuText } from './faq/menu-text.ts';
import { readSemanticSettings } from './faq/semantic-settings.ts';
import type { SourcePosition } from './problems.ts';
import type { FaqModel, RuleModel } from './rule-model.ts';
import type { YamlPath } from './rule-source.ts';
import { compileTemplate, type Template } from './template.ts';

export const FAQ_KEYS = ['id', 'label', 'questions', 'reply', 'menu', 'then', 'priority'];
const FAQ_SETTINGS_KEYS = ['threshold', 'margin', 'suggest', 'synonyms', 'clarify', 'semantic'];
/** The click id rule: menu_id is 1–64 bytes of letters, digits, _ and - (the platform's limit). */
export const FAQ_ID = /^[A-Za-z0-9_-]{1,64}$/;
export const DEFAULT_CLARIFY = '您是想问：';

export interface FaqSettings {
  /** Which of threshold and margin the file wrote: those are used as written, the others calibrated. */
  pinned: CalibratedKey[];
  threshold: number;
  margin: number;
  suggest: number;
  synonyms: string[][];
  clarify: Template;
  /** settings.faq.semantic: an embeddings endpoint the runtime may ask (semantic-settings.ts). */
  semantic?: SemanticOptions;
  at?: SourcePosition;
}

function literal(text: string): Template {
  const t = compileTemplate(text.replace(/\{\{/g, '\\{{'), () => false);
  if ('problems' in t) throw new Error(`cannot make a literal template of ${JSON.stringify(text)}`);
  return t.template;
}

export function defaultFaqSettings(): FaqSettings {
  return {
    threshold: DEFAULT_THRESHOLD,
    margin: DEFAULT_MARGIN,
    suggest: DEFAULT_SUGGEST,
    pinned: [],
    synonyms: [],
    clarify: literal(DEFAULT_CLARIFY),
  };
}

export function readFaqSettings(ctx: CompileContext, raw: unknown, path: YamlPath): FaqSettings {
  const out: FaqSettings = { ...defaultFaqSettings(), at: ctx.at(path) };
  if (!isRecord(raw)) {
    ctx.error(path, 'settings.faq is a mapping: { threshold, margin, suggest, synonyms, clarify }');
    return out;
  }
  ctx.unknownKeys(raw, FAQ_SETTINGS_KEYS, path, 'settings.faq');
  let valid = true;
  for (const key of ['threshold', 'margin', 'suggest'] as const) {
    const v = raw[key];
    if (v === undefined) continue;
    if (typeof v === 'number' && v >= 0 && v <= 1) {
      out[key] = v;
      if (key !== 'suggest') out.pinned.push(key);
    } else {
      valid = false;
      ctx.error([...path, key], `settings.faq.${key} is a number from 0 to 1 (got ${describeValue(v)})`);
    }
  }
  // Compared only when both are the file's own: a default standing in for a wrong value would
  // name a number the file does not say.
  if (valid && out.suggest > out.threshold)
    ctx.error(
      [...path, 'suggest'],
      `settings.faq.suggest (${out.suggest}) is above threshold (${out.threshold}): an item that close is answered, not suggested; make suggest lower than threshold`,
    );
  if (raw.synonyms !== undefined) {
    if (!Array.isArray(raw.synonyms)) {
      ctx.error(
        [...path, 'synonyms'],
        'settings.faq.synonyms is a list of 同义词 groups, e.g. [[运费, 邮费, 快递费], [发票, 开票]]',
      );
    } else {
      raw.synonyms.forEach((group, i) => {
        if (
          Array.isArray(group) &&
          group.length >= 2 &&
          group.every((w) => typeof w === 'string' && w !== '')
        )
          out.synonyms.push(group as string[]);
        else
          ctx.error(
            [...path, 'synonyms', i],
            `a synonym group is a list of two or more words, the first being the one the others mean (got ${describeValue(group)})`,
          );
      });
    }
  }
  if (raw.semantic !== undefined) {
    const semantic = readSemanticSettings(ctx, raw.semantic, [...path, 'semantic']);
    if (semantic) out.semantic = semantic;
  }
  if (raw.clarify !== undefined) {
    const t = compileMenuHead(
      ctx,
      raw.clarify,
      [...path, 'clarify'],
      'settings.faq.clarify',
      DEFAULT_CLARIFY,
    );
    if (t) out.clarify = t;
  }
  return out;
}

/**
 * The head of a menu the FAQ makes (settings.faq.clarify, a `suggest:` action's head): text with
 * something in it — an empty head sends a bare list the customer cannot read as a question.
 */
export function compileMenuHead(
  ctx: CompileContext,
  value: unknown,
  path: YamlPath,
  what: string,
  example: string,
): Template | undefined {
  if (typeof value !== 'string' || value.trim() === '') {
    ctx.error(
      path,
      `${what} is the menu's head text, e.g. ${example} (got ${value === '' || typeof value === 'string' ? 'an empty text' : describeValue(value)})`,
    );
    return undefined;
  }
  return compileText(ctx, value, path, what);
}

/** Reads a `questions:` list; problems are reported, good entries kept. */
export function readQuestions(ctx: CompileContext, raw: unknown, path: YamlPath): string[] {
  if (!Array.isArray(raw)) {
    ctx.error(
      path,
      `questions: is a list of the ways customers ask it (相似问法), got ${describeValue(raw)}`,
    );
    return [];
  }
  const out: string[] = [];
  raw.forEach((q, i) => {
    if ((typeof q === 'string' && q.trim() !== '') || typeof q === 'number') out.push(String(q));
    else if (typeof q === 'string')
      ctx.error(
        [...path, i],
        `a question is empty (got ${JSON.stringify(q)}); write the question or remove the line`,
      );
    else ctx.error([...path, i], `a question is text (got ${describeValue(q)})`);
  });
  return out;
}

export interface FaqItemSource {
  id: string;
  /** A rating item's menu (score:): a typed rating counts only right after that menu was sent. */
  ratingMenu?: string;
  label: string;
  labelTemplate: Template | undefined;
  /** Every way to ask it: a menu item's label comes first, then its `questions:`. */
  questions: string[];
  /** A rating item (score:): matched only by a message that is essentially one of its questions. */
  strict?: boolean;
  at: RuleModel['at'];
}

/**
 * What each click id is answered with, as text: the text replies of the menu item's or faq entry's
 * rule, placeholders left out. The matcher reads it to explain words of a message (faq-index.ts).
 */
export function answerTexts(rules: readonly RuleModel[]): Map<string, string> {
  const out = new Map<string, string>();
  for (const rule of rules) {
    if (rule.source.kind === 'rule') continue;
    for (const action of rule.actions)
      if (action.type === 'reply' && action.content.msgtype === 'text') {
        const text = action.content.text.render(() => undefined);
        const prior = out.get(rule.source.clickId);
        out.set(rule.source.clickId, prior === undefined ? text : `${prior}\n${text}`);
      }
  }
  return out;
}

/**
 * An FAQ's costly part (index and calibration) built elsewhere, e.g. by the loader process that
 * loads rules off the event loop: used only when `key` says it was built from the same entries,
 * synonyms and settings.
 */
export interface PrebuiltFaq {
  key: string;
  data: FaqIndexData;
  calibration: FaqCalibration;
}

/** What buildFaq may reuse (`use`) and where it leaves what it built (`made`). */
export interface FaqBuildCache {
  use?: PrebuiltFaq;
  made?: PrebuiltFaq;
}

/** Builds the index once per rule set; undefined when no item lists a question. */
export function buildFaq(
  items: readonly FaqItemSource[],
  settings: FaqSettings,
  answers: ReadonlyMap<string, string> = new Map(),
  cache?: FaqBuildCache,
): FaqModel | undefined {
  if (!items.some((i) => i.questions.length > 0)) return undefined;
  const byId = new Map<string, FaqItemSource>();
  const ratingMenus = (all: readonly FaqItemSource[]) => {
    const out = new Map<string, Set<string>>();
    for (const i of all)
      if (i.ratingMenu !== undefined) out.set(i.id, (out.get(i.id) ?? new Set()).add(i.ratingMenu));
    return out;
  };
  for (const item of items) {
    const prior = byId.get(item.id);
    if (prior) prior.questions.push(...item.questions.filter((q) => !prior.questions.includes(q)));
    else byId.set(item.id, { ...item, questions: [...item.questions] });
  }
  const sources = [...byId.values()];
  const entries = sources.map((s) => {
    const answer = answers.get(s.id);
    return {
      id: s.id,
      label: s.label,
      questions: s.questions,
      strict: s.strict === true,
      ...(answer !== undefined && { answer }),
    };
  });
  const tuning = {
    threshold: settings.threshold,
    suggest: settings.suggest,
    margin: settings.margin,
    synonyms: [...BUILTIN_SYNONYMS, ...settings.synonyms],
  };
  // Calibrated on the author's own questions unless settings.faq pins both values.
  const pinned = Object.fromEntries(settings.pinned.map((k) => [k, settings[k]]));
  const key = cache ? JSON.stringify([entries, tuning, pinned]) : '';
  const prebuilt = cache?.use?.key === key ? cache.use : undefined;
  const index = new FaqIndex(entries, tuning, prebuilt?.data);
  const calibration = prebuilt?.calibration ?? calibrateFaq(index, pinned);
  index.retune(calibration.settings);
  if (cache) cache.made = prebuilt ?? { key, data: index.data, calibration };
  return {
    index,
    calibration,
    clarify: settings.clarify,
    at: settings.at ?? (sources[0] as FaqItemSource).at,
    // A faq entry without label: is offered by its first question, shortened to what a menu item holds.
    labels: new Map(sources.map((s) => [s.id, s.labelTemplate ?? literal(fitMenuText(s.label))])),
    ratingMenus: ratingMenus(items),
    items: new Map(sources.map((s) => [s.id, { questions: s.questions, at: s.at }])),
    synonyms: settings.synonyms,
    ...(settings.semantic && { semantic: settings.semantic }),
  };
}
