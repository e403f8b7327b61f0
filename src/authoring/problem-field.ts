/**
 * Which of the console's fields a rules problem is in: validate reports a file position
 * (faq.yaml 第 29 行第 40 列), but an operator edits an FAQ item's answer or a 话术 text, not a
 * file. The fields are those rule-catalogue.ts shows, found by the same walk (editable-entries.ts),
 * and each field's place is its node's range in the `yaml`
 * parse of the draft's file, so a position maps to the innermost field holding it. A position
 * outside every field (settings, a condition, a test file) maps to none and keeps its file place.
 */
import { isMap, isScalar, isSeq, type Node, parseDocument } from 'yaml';
import type { SourcePosition } from '../rules/problems.ts';
import { visitEditable } from './editable-entries.ts';
import { type Data, isObj, list, str } from './plain-data.ts';
import type { RuleFiles } from './rule-edit.ts';

/** The page's editor a problem is in, and the input inside it (none: the editor as a whole). */
export type EditorField =
  | { kind: 'item'; id: string; input?: 'questions' | 'reply' | 'label'; zh: string }
  | { kind: 'menu'; menu: string; input?: 'head' | 'tail'; zh: string }
  | { kind: 'text'; rule: string; step: number; input: 'text'; zh: string };

type Path = readonly (string | number)[];

/** The span a field covers in its file: from its key to the end of its value. */
function spanOf(doc: ReturnType<typeof parseDocument>, path: Path): [number, number] | undefined {
  const parent = path.length > 1 ? doc.getIn(path.slice(0, -1), true) : doc.contents;
  const last = path[path.length - 1];
  if (isMap(parent)) {
    const pair = parent.items.find((p) => isScalar(p.key) && p.key.value === last);
    const key = pair?.key as Node | undefined;
    const value = pair?.value as Node | null | undefined;
    const start = key?.range?.[0];
    const end = value?.range?.[1] ?? key?.range?.[1];
    return start !== undefined && end !== undefined ? [start, end] : undefined;
  }
  if (isSeq(parent) && typeof last === 'number') {
    const r = (parent.items[last] as Node | undefined)?.range;
    return r ? [r[0], r[1]] : undefined;
  }
  return undefined;
}

/**
 * How the page names an item (itemEditor's summary): a menu item by its label, a `faq:` entry by
 * its first question (the catalogue leaves a faq entry's label out), else by its id.
 */
const itemName = (e: Data, id: string, kind: 'faq' | 'menu') =>
  (kind === 'menu' ? str(e.label) : '') || str(list(e.questions)[0]) || id;
const ITEM_INPUT_ZH = { questions: '的相似问法', reply: '的答案', label: '的菜单上显示' } as const;

interface Place {
  file: string;
  span: [number, number];
  field: EditorField;
}

/** Every field the page edits in one file, with its span. */
function placesIn(file: string, source: string): Place[] {
  const doc = parseDocument(source, { uniqueKeys: false });
  const data = doc.toJS({ maxAliasCount: 100 }) as unknown;
  if (!isObj(data)) return [];
  const out: Place[] = [];
  const add = (path: Path, field: EditorField) => {
    const span = spanOf(doc, path);
    if (span) out.push({ file, span, field });
  };
  const item = (path: Path, e: Data, id: string, kind: 'faq' | 'menu') => {
    const name = itemName(e, id, kind);
    add(path, { kind: 'item', id, zh: `问答「${name}」` });
    // The page edits a menu item's label only; a faq entry's label is the item's as a whole.
    for (const input of kind === 'menu' ? (['questions', 'label'] as const) : (['questions'] as const))
      if (e[input] !== undefined)
        add([...path, input], { kind: 'item', id, input, zh: `问答「${name}」${ITEM_INPUT_ZH[input]}` });
    if (typeof e.reply === 'string')
      add([...path, 'reply'], { kind: 'item', id, input: 'reply', zh: `问答「${name}」的答案` });
  };
  visitEditable(data, {
    faq: (e, path) => item(path, e, str(e.id), 'faq'),
    menu: (menu) => {
      add(['menus', menu], { kind: 'menu', menu, zh: `菜单「${menu}」` });
      for (const input of ['head', 'tail'] as const)
        add(['menus', menu, input], {
          kind: 'menu',
          menu,
          input,
          zh: `菜单「${menu}」的${input === 'head' ? '开头' : '结尾'}`,
        });
    },
    menuItem: (_menu, e, path) => item(path, e, str(e.click), 'menu'),
    text: (r, step, _value, path) =>
      add(path, {
        kind: 'text',
        rule: str(r.name),
        step,
        input: 'text',
        zh: `话术「${str(r.name)}（第 ${step + 1} 步）」`,
      }),
  });
  return out;
}

/** 1-based line and column → offset (columns counted as line-starts.ts counts them). */
function offsetOf(source: string, line: number, col: number): number | undefined {
  let start = 0;
  for (let l = 1; l < line; l++) {
    const nl = source.indexOf('\n', start);
    if (nl === -1) return undefined;
    start = nl + 1;
  }
  return start + col - 1;
}

/** Finds the field of each position in the draft's files (parsing each file once, when first asked). */
export function problemFields(files: RuleFiles): (p: SourcePosition) => EditorField | undefined {
  const cache = new Map<string, Place[]>();
  return (p) => {
    const source = files.get(p.file);
    if (source === undefined || p.file.startsWith('tests/')) return undefined;
    let places = cache.get(p.file);
    if (!places) {
      places = placesIn(p.file, source);
      cache.set(p.file, places);
    }
    const at = offsetOf(source, p.line, p.col);
    if (at === undefined) return undefined;
    let best: Place | undefined;
    for (const place of places) {
      const [a, b] = place.span;
      // The end is inclusive: a problem reported just past a value (a missing "}}") is still its.
      if (at < a || at > b) continue;
      if (!best || b - a < best.span[1] - best.span[0]) best = place;
    }
    return best?.field;
  };
}
