/**
 * The WeCom knowledge base's Excel format (分组, 问题, 相似问法, 答案; platform-choices.ts) in and
 * out of kfbot's FAQ: export writes every FAQ item with a text reply; import turns the rows into
 * draft edits merged by question — a row whose question (or a 相似问法) an item already has adds
 * the missing 相似问法 to that item; any other row becomes a new `faq:` entry. Nothing is removed
 * and no reply is replaced (a different 答案 is reported, not written).
 */
import { createHash } from 'node:crypto';
import { createRequire } from 'node:module';
import { KB_EXCEL_COLUMNS } from '../wecom/platform-choices.ts';
import { AuthoringError } from './authoring-error.ts';
import type { Catalogue } from './rule-catalogue.ts';
import type { RuleEdit } from './rule-edit.ts';

type ExcelJs = typeof import('exceljs');
/** CommonJS, and only needed here: loaded on first use. */
const excel = (): ExcelJs => createRequire(import.meta.url)('exceljs') as ExcelJs;

export interface KbRow {
  group: string;
  question: string;
  similar: string[];
  answer: string;
}

export interface KbImport {
  edits: RuleEdit[];
  added: number;
  merged: number;
  unchanged: number;
  /** Rows whose 答案 differs from the item's reply (kept as it was). */
  answerDiffers: string[];
  /** Rows left out, with why (no 问题, no 答案). */
  skipped: string[];
}

const HEADERS = ['分组', '问题', '相似问法', '答案'] as const;
const cellText = (v: unknown): string => {
  if (v === null || v === undefined) return '';
  if (typeof v === 'object' && 'richText' in (v as object))
    return ((v as { richText: { text: string }[] }).richText ?? []).map((r) => r.text).join('');
  if (typeof v === 'object' && 'text' in (v as object)) return String((v as { text: unknown }).text);
  return String(v);
};
const splitLines = (text: string) =>
  text
    .split(/\r?\n/)
    .map((s) => s.trim())
    .filter(Boolean);

/** Reads the first sheet; the header row is found by its names, in any order. */
export async function readKbWorkbook(data: Buffer): Promise<{ rows: KbRow[]; skipped: string[] }> {
  const wb = new (excel().Workbook)();
  try {
    await wb.xlsx.load(data as unknown as ArrayBuffer);
  } catch {
    throw new AuthoringError(
      'bad-edit',
      'this is not an .xlsx file (save it from Excel or WPS as .xlsx)',
      '这不是 .xlsx 文件：请在 Excel 或 WPS 里“另存为” .xlsx 后再导入',
    );
  }
  const sheet = wb.worksheets[0];
  if (!sheet) throw new AuthoringError('bad-edit', 'the workbook has no sheet', '这个文件里没有工作表');
  let header = 0;
  const col: Partial<Record<keyof typeof KB_EXCEL_COLUMNS, number>> = {};
  for (let r = 1; r <= Math.min(5, sheet.rowCount) && !header; r++) {
    sheet.getRow(r).eachCell((cell, c) => {
      const name = cellText(cell.value).trim();
      for (const [key, names] of Object.entries(KB_EXCEL_COLUMNS) as [
        keyof typeof KB_EXCEL_COLUMNS,
        readonly string[],
      ][])
        if (names.includes(name) && col[key] === undefined) col[key] = c;
    });
    if (col.question !== undefined && col.answer !== undefined) header = r;
  }
  if (!header)
    throw new AuthoringError(
      'bad-edit',
      `no header row with 问题 and 答案 in the first 5 rows (columns: ${HEADERS.join(', ')})`,
      `前 5 行里没有含“问题”和“答案”的表头行：请把表头写成 ${HEADERS.join('、')}（可先点“导出”看样子）`,
    );
  const rows: KbRow[] = [];
  const skipped: string[] = [];
  for (let r = header + 1; r <= sheet.rowCount; r++) {
    const row = sheet.getRow(r);
    const get = (c: number | undefined) => (c === undefined ? '' : cellText(row.getCell(c).value));
    const question = get(col.question).trim();
    const answer = get(col.answer).trim();
    const similar = splitLines(get(col.similar));
    if (!question && !answer && similar.length === 0) continue;
    if (!question) skipped.push(`row ${r}: no 问题`);
    else if (!answer) skipped.push(`row ${r}: "${question}" has no 答案`);
    else
      rows.push({
        group: get(col.group).trim(),
        question,
        similar: similar.filter((s) => s !== question),
        answer,
      });
  }
  return { rows, skipped };
}

/** Writes the rows as the knowledge base's sheet (相似问法 one per line in their cell). */
export async function writeKbWorkbook(rows: readonly KbRow[]): Promise<Buffer> {
  const wb = new (excel().Workbook)();
  const sheet = wb.addWorksheet('知识库');
  sheet.addRow([...HEADERS]);
  for (const r of rows) sheet.addRow([r.group, r.question, r.similar.join('\n'), r.answer]);
  sheet.getColumn(3).alignment = { wrapText: true };
  sheet.getColumn(4).alignment = { wrapText: true };
  return Buffer.from(await wb.xlsx.writeBuffer());
}

/** The FAQ as knowledge-base rows: items with a text reply (menus and actions have no 答案 there). */
export function kbRowsOf(catalogue: Catalogue): { rows: KbRow[]; skipped: string[] } {
  const rows: KbRow[] = [];
  const skipped: string[] = [];
  for (const item of catalogue.items) {
    if (item.answer !== 'text' || !item.reply) {
      skipped.push(item.id);
      continue;
    }
    const question = item.kind === 'menu' && item.label ? item.label : (item.questions[0] ?? item.id);
    rows.push({
      group: item.kind === 'menu' ? `菜单 ${item.menu}` : '常见问题',
      question,
      similar: item.questions.filter((q) => q !== question),
      answer: item.reply,
    });
  }
  return { rows, skipped };
}

/** A stable id for an imported question: importing the same sheet twice names the item the same. */
export function kbItemId(question: string): string {
  return `kb_${createHash('sha1').update(question).digest('hex').slice(0, 10)}`;
}

/** The draft edits that merge `rows` into the FAQ of `catalogue` (see the file comment). */
export function kbImportEdits(rows: readonly KbRow[], catalogue: Catalogue, file: string): KbImport {
  const key = (q: string) => q.trim();
  const owner = new Map<string, string>();
  const items = new Map<string, { questions: string[]; reply: string; label?: string; fresh: boolean }>();
  for (const item of catalogue.items) {
    items.set(item.id, {
      questions: [...item.questions],
      reply: item.reply,
      ...(item.label && { label: item.label }),
      fresh: false,
    });
    for (const q of [...item.questions, ...(item.label ? [item.label] : [])])
      if (!owner.has(key(q))) owner.set(key(q), item.id);
  }
  const changed = new Set<string>();
  const order: string[] = [];
  const out: KbImport = { edits: [], added: 0, merged: 0, unchanged: 0, answerDiffers: [], skipped: [] };
  for (const row of rows) {
    const asked = [row.question, ...row.similar];
    const id = asked.map((q) => owner.get(key(q))).find((x) => x !== undefined);
    if (id === undefined) {
      let newId = kbItemId(row.question);
      for (let n = 2; items.has(newId); n++) newId = `${kbItemId(row.question)}_${n}`;
      const questions = [...new Set(asked.map(key))];
      items.set(newId, { questions, reply: row.answer, fresh: true });
      for (const q of questions) owner.set(q, newId);
      order.push(newId);
      out.added++;
      continue;
    }
    const item = items.get(id) as { questions: string[]; reply: string; label?: string; fresh: boolean };
    const missing = asked.map(key).filter((q) => q !== item.label && !item.questions.includes(q));
    if (item.reply !== row.answer) out.answerDiffers.push(`"${row.question}" (item ${id})`);
    if (missing.length === 0) {
      out.unchanged++;
      continue;
    }
    item.questions.push(...new Set(missing));
    for (const q of missing) owner.set(q, id);
    if (!item.fresh) changed.add(id);
    out.merged++;
  }
  for (const id of changed) out.edits.push({ op: 'set-item', id, questions: items.get(id)?.questions ?? [] });
  const fresh = order.flatMap((id) => {
    const item = items.get(id);
    return item ? [{ id, questions: item.questions, reply: item.reply }] : [];
  });
  if (fresh.length) out.edits.push({ op: 'add-items', file, items: fresh });
  return out;
}
