/**
 * Changes to one YAML file made by splicing text into the source at the nodes' ranges (from the
 * `yaml` package's parse), never by printing the whole document again: comments, key order,
 * flow lists, quoting and line breaks of everything untouched stay byte for byte, so a change to
 * one FAQ item shows in `git diff` as that item's lines only.
 *
 * Every splice is checked: the new text is parsed again and must mean exactly the old data with
 * the one change made. A shape this module does not rewrite safely is an AuthoringError, never a
 * file that means something else.
 */
import { isDeepStrictEqual } from 'node:util';
import { Document, isMap, isScalar, isSeq, type Node, type Pair, parseDocument, stringify } from 'yaml';
import { AuthoringError } from './authoring-error.ts';

export type YamlPath = readonly (string | number)[];
/** The values kfbot's editor writes: a text or a list of texts (相似问法). */
export type EditValue = string | readonly string[];
/** A new list item: its fields in the order they are written. */
export type ItemFields = readonly (readonly [string, EditValue])[];

interface Parsed {
  doc: Document.Parsed;
  data: unknown;
}

function parse(source: string, what: string): Parsed {
  const doc = parseDocument(source, { uniqueKeys: true });
  if (doc.errors.length > 0)
    throw new AuthoringError(
      'unsupported',
      `${what} has a YAML error: ${doc.errors[0]?.message.split('\n')[0]}`,
    );
  return { doc, data: doc.toJS({ maxAliasCount: 100 }) };
}

const lineStart = (src: string, off: number) => src.lastIndexOf('\n', off - 1) + 1;
/** The offset just after the newline ending the line that holds `off` (or the end of the text). */
function lineEnd(src: string, off: number): number {
  const nl = src.indexOf('\n', off);
  return nl === -1 ? src.length : nl + 1;
}
const column = (src: string, off: number) => off - lineStart(src, off);

function rangeOf(node: Node | null | undefined, what: string): [number, number] {
  const r = node?.range;
  if (!r) throw new AuthoringError('unsupported', `${what} has no place in the file kfbot can rewrite`);
  return [r[0], r[1]];
}

/** A list written inline: `[a, b, "c, d"]`. */
function flowList(items: readonly string[]): string {
  const doc = new Document([...items]);
  (doc.contents as { flow?: boolean }).flow = true;
  return doc.toString({ flowCollectionPadding: false, lineWidth: 0 }).trimEnd();
}

/** A text inside a flow collection (`{ notice: … }`): quoted where a comma or bracket would end it. */
const flowText = (text: string) => flowList([text]).slice(1, -1);

/**
 * A text as a block value whose key is at column `indent`: plain or quoted on one line, a `|-`
 * literal block for several lines (how a person writes a multi-line reply).
 */
function blockText(text: string, indent: number): string {
  const lines = text.split('\n');
  const literalOk =
    lines.length > 1 &&
    !/^\s/.test(lines[0] as string) &&
    !/\n\n$/.test(text) &&
    !/[\t\r]/.test(text) &&
    lines.every((l) => l === l.trimEnd());
  if (!literalOk) return stringify(text, { lineWidth: 0 }).trimEnd();
  const body = text.endsWith('\n') ? lines.slice(0, -1) : lines;
  const pad = ' '.repeat(indent + 2);
  return `${text.endsWith('\n') ? '|' : '|-'}\n${body.map((l) => (l ? pad + l : '')).join('\n')}`;
}

function render(value: EditValue, indent: number, inFlow: boolean): string {
  if (typeof value !== 'string') return flowList(value);
  return inFlow ? flowText(value) : blockText(value, indent);
}

function findPair(map: Node, key: string): Pair<Node, Node | null> | undefined {
  if (!isMap(map)) return undefined;
  return (map.items as Pair<Node, Node | null>[]).find((p) => isScalar(p.key) && String(p.key.value) === key);
}

function containerAt(doc: Document.Parsed, path: YamlPath, what: string): Node {
  const node = path.length === 0 ? doc.contents : doc.getIn(path, true);
  if (!node || typeof node !== 'object') throw new AuthoringError('not-found', `${what} is not in the file`);
  return node as Node;
}

/** Sets (or with `undefined` removes) the data at `path` in a plain-JS copy: what the file must mean after. */
function expectedAfter(
  data: unknown,
  path: YamlPath,
  change: (parent: unknown, last: string | number) => void,
): unknown {
  const copy = structuredClone(data);
  let parent: unknown = copy;
  for (const step of path.slice(0, -1)) parent = (parent as Record<string | number, unknown>)[step];
  change(parent, path[path.length - 1] as string | number);
  return copy;
}

function checked(next: string, expected: unknown, what: string): string {
  const after = parse(next, `the file after changing ${what}`);
  if (!isDeepStrictEqual(after.data, expected))
    throw new AuthoringError(
      'unsupported',
      `kfbot cannot rewrite ${what} safely in this file (its YAML is written in a way the editor does not handle); edit the file by hand`,
    );
  return next;
}

/**
 * Sets the text or list at `path` (the last step a map key), adding the key if it is missing;
 * `undefined` removes the key. Only the value's own text changes.
 */
export function setValue(source: string, path: YamlPath, value: EditValue | undefined, what: string): string {
  const { doc, data } = parse(source, 'the file');
  const key = String(path[path.length - 1]);
  const map = containerAt(doc, path.slice(0, -1), what);
  if (!isMap(map)) throw new AuthoringError('unsupported', `${what}: the place to change is not a mapping`);
  const expected = expectedAfter(data, path, (parent, last) => {
    const obj = parent as Record<string, unknown>;
    if (value === undefined) delete obj[last as string];
    else obj[last as string] = typeof value === 'string' ? value : [...value];
  });
  const pair = findPair(map, key);
  let next: string;
  if (pair) {
    const [keyStart] = rangeOf(pair.key, what);
    if (value === undefined) {
      if (map.flow)
        throw new AuthoringError('unsupported', `${what}: removing a key from an inline { } mapping`);
      if (source.slice(lineStart(source, keyStart), keyStart).trim() !== '')
        throw new AuthoringError(
          'unsupported',
          `${what}: it is the first key of a list item; remove the item instead`,
        );
      const [, end] = rangeOf(pair.value ?? pair.key, what);
      next = source.slice(0, lineStart(source, keyStart)) + source.slice(lineEnd(source, end - 1));
    } else {
      const [start, end] = rangeOf(pair.value, what);
      const old = source.slice(start, end);
      let text: string;
      if (isSeq(pair.value) && !pair.value.flow && typeof value !== 'string') {
        // A block list stays a block list, one `- ` line per entry at its own column.
        const pad = ' '.repeat(column(source, start));
        text = value.length === 0 ? '[]' : value.map((v) => `- ${flowText(v)}`).join(`\n${pad}`);
      } else {
        text = render(value, column(source, keyStart), map.flow === true);
      }
      // A block value's range takes in its line break; the new value must end its line too.
      if (old.endsWith('\n') && !text.endsWith('\n')) text += '\n';
      next = source.slice(0, start) + text + source.slice(end);
    }
  } else {
    if (value === undefined) return source;
    if (map.flow) {
      const [, end] = rangeOf(map, what);
      const close = source.lastIndexOf('}', end);
      const sep = map.items.length > 0 ? ', ' : ' ';
      next = `${source.slice(0, close).trimEnd()}${sep}${key}: ${render(value, 0, true)} ${source.slice(close)}`;
    } else {
      const first = map.items[0] as Pair<Node, Node | null> | undefined;
      const last = map.items[map.items.length - 1] as Pair<Node, Node | null> | undefined;
      if (!first || !last) throw new AuthoringError('unsupported', `${what}: the mapping to add to is empty`);
      const indent = column(source, rangeOf(first.key, what)[0]);
      const [, lastEnd] = rangeOf(last.value ?? last.key, what);
      const at = lineEnd(source, lastEnd - 1);
      const lead = at > 0 && source[at - 1] !== '\n' ? '\n' : '';
      const line = `${lead}${' '.repeat(indent)}${key}: ${render(value, indent, false)}\n`;
      next = source.slice(0, at) + line + source.slice(at);
    }
  }
  return checked(next, expected, what);
}

function blockSeq(doc: Document.Parsed, path: YamlPath, what: string) {
  const seq = containerAt(doc, path, what);
  if (!isSeq(seq)) throw new AuthoringError('unsupported', `${what}: the place to change is not a list`);
  if (seq.flow)
    throw new AuthoringError('unsupported', `${what}: the list is written inline [ … ]; edit it by hand`);
  return seq;
}

/** The text of one list item: from the start of its `- ` line to the end of its last line. */
function itemSpan(source: string, item: Node, what: string): [number, number] {
  const [start, end] = rangeOf(item, what);
  return [lineStart(source, start), lineEnd(source, end - 1)];
}

/** A new list item with the `- ` at column `indent`, fields in order, one per line. */
export function renderItem(fields: ItemFields, indent: number): string {
  const pad = ' '.repeat(indent);
  return fields
    .map(([k, v], i) => `${i === 0 ? `${pad}- ` : `${pad}  `}${k}: ${render(v, indent + 2, false)}\n`)
    .join('');
}

function plainItem(fields: ItemFields): Record<string, unknown> {
  return Object.fromEntries(fields.map(([k, v]) => [k, typeof v === 'string' ? v : [...v]]));
}

/**
 * Inserts a new map item into the block list at `path` before `index` (or at the end). A missing
 * list is created under its key in the parent mapping (e.g. the first `faq:` item of a file).
 */
export function insertItem(
  source: string,
  path: YamlPath,
  index: number | 'end',
  fields: ItemFields,
  what: string,
): string {
  return insertItems(source, path, index, [fields], what);
}

/** Like insertItem, for several items in one splice (an import: one parse, not one per item). */
export function insertItems(
  source: string,
  path: YamlPath,
  index: number | 'end',
  list: readonly ItemFields[],
  what: string,
): string {
  if (list.length === 0) return source;
  const { doc, data } = parse(source, 'the file');
  const listNode = doc.getIn(path, true);
  if (listNode === undefined || listNode === null) {
    const parentPath = path.slice(0, -1);
    const parent = parentPath.length === 0 ? doc.contents : doc.getIn(parentPath, true);
    const key = String(path[path.length - 1]);
    const expected = expectedAfter(data ?? {}, path, (p, last) => {
      (p as Record<string, unknown>)[last as string] = list.map(plainItem);
    });
    if (parentPath.length === 0 && (parent === null || (isMap(parent) && !parent.flow))) {
      const sep = source.length === 0 || source.endsWith('\n') ? '' : '\n';
      const gap = source.trim() === '' ? '' : '\n';
      const body = list.map((f) => renderItem(f, 2)).join('');
      return checked(`${source}${sep}${gap}${key}:\n${body}`, expected, what);
    }
    throw new AuthoringError('not-found', `${what}: there is no list to add to`);
  }
  const seq = blockSeq(doc, path, what);
  const items = seq.items as Node[];
  const at = index === 'end' ? items.length : index;
  if (!Number.isInteger(at) || at < 0 || at > items.length)
    throw new AuthoringError('bad-edit', `${what}: position ${at} is outside the list (0-${items.length})`);
  const [seqStart] = rangeOf(seq, what);
  const indent = column(source, seqStart);
  const expected = expectedAfter(data, path, (parent, last) => {
    ((parent as Record<string | number, unknown[]>)[last] as unknown[]).splice(at, 0, ...list.map(plainItem));
  });
  const before = items[at];
  let offset: number;
  let text = list.map((f) => renderItem(f, indent)).join('');
  if (before) offset = itemSpan(source, before, what)[0];
  else {
    offset = itemSpan(source, items[items.length - 1] as Node, what)[1];
    if (offset > 0 && source[offset - 1] !== '\n') text = `\n${text}`;
  }
  return checked(source.slice(0, offset) + text + source.slice(offset), expected, what);
}

/** Removes item `index` of the block list at `path` (its lines only; the last one leaves `[]`). */
export function removeItem(source: string, path: YamlPath, index: number, what: string): string {
  const { doc, data } = parse(source, 'the file');
  const seq = blockSeq(doc, path, what);
  const items = seq.items as Node[];
  const item = items[index];
  if (!item) throw new AuthoringError('not-found', `${what} is not in the list`);
  const expected = expectedAfter(data, path, (parent, last) => {
    ((parent as Record<string | number, unknown[]>)[last] as unknown[]).splice(index, 1);
  });
  if (items.length === 1) {
    const [start, end] = rangeOf(seq, what);
    const old = source.slice(start, end);
    // `key:\n  - only item` becomes `key: []`: strip the line break before the list too.
    const keyLineEnd = source.lastIndexOf('\n', start - 1);
    const head = source.slice(0, keyLineEnd).trimEnd();
    return checked(`${head} []${old.endsWith('\n') ? '\n' : ''}${source.slice(end)}`, expected, what);
  }
  const [start, end] = itemSpan(source, item, what);
  return checked(source.slice(0, start) + source.slice(end), expected, what);
}

/** Moves item `from` of the block list at `path` to position `to` (its lines move as they are). */
export function moveItem(source: string, path: YamlPath, from: number, to: number, what: string): string {
  const { doc, data } = parse(source, 'the file');
  const seq = blockSeq(doc, path, what);
  const items = seq.items as Node[];
  const item = items[from];
  if (!item) throw new AuthoringError('not-found', `${what} is not in the list`);
  if (!Number.isInteger(to) || to < 0 || to >= items.length)
    throw new AuthoringError(
      'bad-edit',
      `${what}: position ${to} is outside the list (0-${items.length - 1})`,
    );
  if (to === from) return source;
  const expected = expectedAfter(data, path, (parent, last) => {
    const list = (parent as Record<string | number, unknown[]>)[last] as unknown[];
    const [moved] = list.splice(from, 1);
    list.splice(to, 0, moved);
  });
  const [start, end] = itemSpan(source, item, what);
  let block = source.slice(start, end);
  if (!block.endsWith('\n')) block += '\n';
  const without = source.slice(0, start) + source.slice(end);
  // Positions in the list without the moved item: before the item now at `to`, or after the last.
  const rest = items.filter((_, i) => i !== from);
  const shift = (off: number) => (off >= end ? off - (end - start) : off);
  const target = rest[to];
  let offset: number;
  if (target) offset = shift(itemSpan(source, target, what)[0]);
  else {
    offset = shift(itemSpan(source, rest[rest.length - 1] as Node, what)[1]);
    if (offset > 0 && without[offset - 1] !== '\n') block = `\n${block.slice(0, -1)}`;
  }
  return checked(without.slice(0, offset) + block + without.slice(offset), expected, what);
}
