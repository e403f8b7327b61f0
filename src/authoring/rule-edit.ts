/**
 * What an operator can change from the console, as data (JSON from the page, kept in a draft),
 * and how each change lands in the rule files: it finds the file and the node, then splices
 * (yaml-splice.ts). Only the changed item's lines move; whether the result is a good rule set is
 * for validate and the conversation tests to say when publishing.
 *
 * An "item" is an FAQ answer: a `faq:` entry (by id) or a menu click item (by click id; the
 * occurrence that says what it answers — reply / menu / then / questions — is the one edited).
 */
import { createHash } from 'node:crypto';
import { parse as parseYaml } from 'yaml';
import { AuthoringError } from './authoring-error.ts';
import { answersItself, type Data, isObj, list } from './plain-data.ts';
import {
  type EditValue,
  type ItemFields,
  insertItem,
  insertItems,
  moveItem,
  removeItem,
  setValue,
  type YamlPath,
} from './yaml-splice.ts';

export type RuleEdit =
  | {
      op: 'set-item';
      id: string;
      /** Menu items only (a `faq:` entry is shown by its first question). */
      label?: string;
      questions?: string[];
      /** The answer as a text (replaces a menu: or then: answer). */
      reply?: string;
      /** The answer as a menu (replaces a reply: or then: answer). */
      menu?: string;
    }
  | {
      op: 'add-item';
      /** The click id; empty or absent: one made from the first question. */
      id?: string;
      questions: string[];
      reply: string;
      /** Into this menu as a click item (needs label); else a `faq:` entry. */
      menu?: string;
      label?: string;
      /** Position in the menu (default: before a trailing 返回 item, else last). */
      at?: number;
      /** For a `faq:` entry: the file (default: the file that has `faq:`, else faq.yaml). */
      file?: string;
    }
  /** Several new `faq:` entries at once (an import). */
  | { op: 'add-items'; file: string; items: { id: string; questions: string[]; reply: string }[] }
  | {
      op: 'remove-item';
      id: string /** Which menu's occurrence (default: the answering one). */;
      menu?: string;
    }
  | { op: 'move-item'; menu: string; id: string; to: number }
  | { op: 'set-menu'; menu: string; head?: string | null; tail?: string | null }
  /** The text sent by step `step` (0-based) of a rule: a reply, a welcome/closing text, a transfer notice. */
  | { op: 'set-rule-text'; rule: string; step: number; text: string }
  /** The whole file (null: delete it): how rollback and import express themselves. */
  | { op: 'replace-file'; file: string; text: string | null };

/** The rule files of a draft, by path relative to the rules folder. */
export type RuleFiles = Map<string, string>;

const ANSWER_KEYS = ['reply', 'menu', 'then'] as const;

/** Each rule file's data (tests and unreadable files left out). */
export function dataOf(files: RuleFiles): { file: string; data: Data }[] {
  const out: { file: string; data: Data }[] = [];
  for (const [file, text] of files) {
    if (file.startsWith('tests/')) continue;
    let data: unknown;
    try {
      data = parseYaml(text, { maxAliasCount: 100 });
    } catch {
      continue; // a broken file is validate's to report; the edit looks elsewhere
    }
    if (data && typeof data === 'object' && !Array.isArray(data)) out.push({ file, data: data as Data });
  }
  return out;
}

interface ItemPlace {
  file: string;
  path: YamlPath;
  item: Data;
  kind: 'faq' | 'menu';
  menu?: string;
}

/** Every place an item id occurs: `faq:` entries and menu click items. */
function itemPlaces(files: RuleFiles, id: string): ItemPlace[] {
  const out: ItemPlace[] = [];
  for (const { file, data } of dataOf(files)) {
    list(data.faq).forEach((e, i) => {
      if (isObj(e) && String(e.id) === id) out.push({ file, path: ['faq', i], item: e, kind: 'faq' });
    });
    if (!isObj(data.menus)) continue;
    for (const [menu, m] of Object.entries(data.menus)) {
      if (!isObj(m)) continue;
      list(m.items).forEach((e, i) => {
        if (isObj(e) && String(e.click) === id)
          out.push({ file, path: ['menus', menu, 'items', i], item: e, kind: 'menu', menu });
      });
    }
  }
  return out;
}

function findItem(files: RuleFiles, id: string, menu?: string): ItemPlace {
  const places = itemPlaces(files, id);
  const place =
    menu !== undefined
      ? places.find((p) => p.menu === menu)
      : (places.find((p) => answersItself(p.item)) ?? places[0]);
  if (!place)
    throw new AuthoringError(
      'not-found',
      menu !== undefined
        ? `menu "${menu}" has no item "${id}"`
        : `no FAQ item or menu item has the id "${id}"`,
    );
  return place;
}

function findMenu(files: RuleFiles, name: string): { file: string; menu: Data } {
  for (const { file, data } of dataOf(files)) {
    if (isObj(data.menus) && isObj(data.menus[name])) return { file, menu: data.menus[name] as Data };
  }
  throw new AuthoringError('not-found', `there is no menu "${name}"`);
}

function text(value: unknown, what: string): string {
  if (typeof value !== 'string' || value.trim() === '')
    throw new AuthoringError('bad-edit', `${what} cannot be empty`, '内容不能为空，请填写后再保存');
  return value;
}

function questions(value: unknown, what: string): string[] {
  if (!Array.isArray(value) || value.some((q) => typeof q !== 'string'))
    throw new AuthoringError('bad-edit', `${what}: 相似问法 are a list of texts`);
  const out: string[] = [];
  for (const q of value as string[]) {
    const t = q.trim();
    if (t && !out.includes(t)) out.push(t);
  }
  return out;
}

function put(files: RuleFiles, file: string, change: (source: string) => string): void {
  const source = files.get(file);
  if (source === undefined) throw new AuthoringError('not-found', `there is no rule file "${file}"`);
  files.set(file, change(source));
}

/** Sets the answer of an item to `key` (reply or menu), removing the other answer keys. */
function setAnswer(
  files: RuleFiles,
  place: ItemPlace,
  key: 'reply' | 'menu',
  value: EditValue,
  what: string,
) {
  put(files, place.file, (s) => setValue(s, [...place.path, key], value, what));
  for (const other of ANSWER_KEYS) {
    if (other === key || place.item[other] === undefined) continue;
    put(files, place.file, (s) => setValue(s, [...place.path, other], undefined, what));
  }
}

/** The path of the text a rule step sends, relative to the step. */
export function stepTextPath(step: unknown): YamlPath | undefined {
  if (!isObj(step)) return undefined;
  for (const [key, value] of Object.entries(step)) {
    if (typeof value === 'string' && key !== 'nothing') return [key];
    if (isObj(value) && typeof value.notice === 'string') return [key, 'notice'];
    if (isObj(value) && typeof value.text === 'string') return [key, 'text'];
  }
  return undefined;
}

function setRuleText(files: RuleFiles, rule: string, step: number, value: string): void {
  for (const { file, data } of dataOf(files)) {
    const index = list(data.rules).findIndex((r) => isObj(r) && r.name === rule);
    if (index === -1) continue;
    const then = list((list(data.rules)[index] as Data).then);
    const rel = stepTextPath(then[step]);
    if (!rel)
      throw new AuthoringError(
        'bad-edit',
        `step ${step + 1} of rule "${rule}" sends no text (it sends a menu or does something else); edit the menu instead`,
      );
    put(files, file, (s) =>
      setValue(s, ['rules', index, 'then', step, ...rel], value, `the text of rule "${rule}"`),
    );
    return;
  }
  throw new AuthoringError('not-found', `there is no rule named "${rule}"`);
}

/**
 * The id of a new item nobody named: from its first question, so applying the same edit again (a
 * rebased draft) names it the same.
 */
function idFor(questionList: readonly string[]): string {
  const first = questionList[0];
  if (first === undefined)
    throw new AuthoringError(
      'bad-edit',
      'a new item needs an id or at least one question',
      '新问答至少要填一个相似问法（每行一个）',
    );
  return `faq_${createHash('sha1').update(first).digest('hex').slice(0, 8)}`;
}

function addItem(files: RuleFiles, edit: Extract<RuleEdit, { op: 'add-item' }>): void {
  const given = typeof edit.id === 'string' ? edit.id.trim() : '';
  const id = given || idFor(questions(edit.questions, 'the new item'));
  if (!/^[\p{L}\p{N}_.-]+$/u.test(id))
    throw new AuthoringError(
      'bad-edit',
      `the id "${id}" may hold letters, digits, _ . - only (it is the click id)`,
      `编号“${id}”只能用英文字母、数字和 _ . -（也可以不填，由 kfbot 生成）`,
    );
  if (itemPlaces(files, id).length > 0)
    throw new AuthoringError(
      'exists',
      `an item with the id "${id}" exists already`,
      `编号“${id}”已被别的问答使用，请换一个编号`,
    );
  const qs = questions(edit.questions, `item "${id}"`);
  const reply = text(edit.reply, `the reply of "${id}"`);
  if (edit.menu !== undefined) {
    const { file, menu } = findMenu(files, edit.menu);
    const label = text(edit.label, `the label of "${id}"`);
    const items = list(menu.items);
    // A new question goes before a trailing "back" item (one that only opens another menu).
    const last = items[items.length - 1];
    const backLast =
      isObj(last) &&
      last.reply === undefined &&
      (last.menu !== undefined || /返回|back/i.test(String(last.label)));
    const at = edit.at ?? (backLast ? items.length - 1 : items.length);
    const fields: ItemFields = [
      ['click', id],
      ['label', label],
      ...(qs.length ? ([['questions', qs]] as const) : []),
      ['reply', reply],
    ];
    put(files, file, (s) =>
      insertItem(s, ['menus', edit.menu as string, 'items'], at, fields, `item "${id}"`),
    );
    return;
  }
  const file =
    edit.file ??
    dataOf(files).find((d) => Array.isArray(d.data.faq))?.file ??
    (files.has('faq.yaml') ? 'faq.yaml' : undefined);
  if (file === undefined) throw new AuthoringError('bad-edit', 'say which file the new item goes in');
  if (!files.has(file)) files.set(file, '');
  if (qs.length === 0)
    throw new AuthoringError(
      'bad-edit',
      `item "${id}" needs at least one question (相似问法)`,
      '至少要填一个相似问法（每行一个）',
    );
  const fields: ItemFields = [
    ['id', id],
    ['questions', qs],
    ['reply', reply],
  ];
  put(files, file, (s) => insertItem(s, ['faq'], edit.at ?? 'end', fields, `item "${id}"`));
}

function addItems(files: RuleFiles, edit: Extract<RuleEdit, { op: 'add-items' }>): void {
  const known = new Set<string>();
  for (const { data } of dataOf(files)) {
    for (const e of list(data.faq)) if (isObj(e)) known.add(String(e.id));
    if (isObj(data.menus))
      for (const m of Object.values(data.menus))
        if (isObj(m))
          for (const e of list(m.items)) if (isObj(e) && e.click !== undefined) known.add(String(e.click));
  }
  const fields = edit.items.map((item): ItemFields => {
    if (known.has(item.id))
      throw new AuthoringError(
        'exists',
        `an item with the id "${item.id}" exists already`,
        `编号“${item.id}”已被别的问答使用，请换一个编号`,
      );
    known.add(item.id);
    const qs = questions(item.questions, `item "${item.id}"`);
    if (qs.length === 0)
      throw new AuthoringError(
        'bad-edit',
        `item "${item.id}" needs at least one question (相似问法)`,
        '至少要填一个相似问法（每行一个）',
      );
    return [
      ['id', item.id],
      ['questions', qs],
      ['reply', text(item.reply, `the reply of "${item.id}"`)],
    ];
  });
  if (!files.has(edit.file)) files.set(edit.file, '');
  put(files, edit.file, (s) => insertItems(s, ['faq'], 'end', fields, `${fields.length} new items`));
}

/** Applies one edit to the files (in place). Throws AuthoringError when it cannot. */
export function applyEdit(files: RuleFiles, edit: RuleEdit): void {
  switch (edit.op) {
    case 'set-item': {
      const place = findItem(files, edit.id);
      const what = `item "${edit.id}"`;
      if (edit.label !== undefined) {
        if (place.kind === 'faq')
          throw new AuthoringError(
            'bad-edit',
            `"${edit.id}" is a faq: entry: it has no label (its first question is shown)`,
          );
        put(files, place.file, (s) =>
          setValue(s, [...place.path, 'label'], text(edit.label, 'the label'), what),
        );
      }
      if (edit.questions !== undefined) {
        const qs = questions(edit.questions, what);
        if (qs.length === 0 && place.kind === 'faq')
          throw new AuthoringError(
            'bad-edit',
            `${what} is a faq: entry: it needs at least one question`,
            '至少要留一个相似问法：要去掉这个问答，请点“删除”',
          );
        put(files, place.file, (s) =>
          setValue(s, [...place.path, 'questions'], qs.length ? qs : undefined, what),
        );
      }
      if (edit.reply !== undefined)
        setAnswer(files, findItem(files, edit.id), 'reply', text(edit.reply, 'the reply'), what);
      if (edit.menu !== undefined)
        setAnswer(files, findItem(files, edit.id), 'menu', text(edit.menu, 'the menu'), what);
      return;
    }
    case 'add-item':
      addItem(files, edit);
      return;
    case 'add-items':
      addItems(files, edit);
      return;
    case 'remove-item': {
      const place = findItem(files, edit.id, edit.menu);
      put(files, place.file, (s) =>
        removeItem(
          s,
          place.path.slice(0, -1),
          place.path[place.path.length - 1] as number,
          `item "${edit.id}"`,
        ),
      );
      return;
    }
    case 'move-item': {
      const place = findItem(files, edit.id, edit.menu);
      put(files, place.file, (s) =>
        moveItem(
          s,
          place.path.slice(0, -1),
          place.path[place.path.length - 1] as number,
          edit.to,
          `item "${edit.id}"`,
        ),
      );
      return;
    }
    case 'set-menu': {
      const { file } = findMenu(files, edit.menu);
      for (const key of ['head', 'tail'] as const) {
        const value = edit[key];
        if (value === undefined) continue;
        put(files, file, (s) =>
          setValue(
            s,
            ['menus', edit.menu, key],
            value === null || value.trim() === '' ? undefined : value,
            `the ${key} of menu "${edit.menu}"`,
          ),
        );
      }
      return;
    }
    case 'set-rule-text':
      setRuleText(files, edit.rule, edit.step, text(edit.text, `the text of rule "${edit.rule}"`));
      return;
    case 'replace-file':
      if (edit.text === null) files.delete(edit.file);
      else files.set(edit.file, edit.text);
      return;
  }
}
