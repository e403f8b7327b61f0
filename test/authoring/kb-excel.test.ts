import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { addEdits, draftFiles, startDraft } from '../../src/authoring/draft.ts';
import { kbImportEdits, kbRowsOf, readKbWorkbook, writeKbWorkbook } from '../../src/authoring/kb-excel.ts';
import { ruleCatalogue } from '../../src/authoring/rule-catalogue.ts';
import { readRuleFiles, rulesFolder } from '../../src/authoring/rules-folder.ts';
import { loadRules } from '../../src/rules/load-rules.ts';

/** 100 items × 20 questions, with the characters that trip CSV and YAML: commas, quotes, #, lines. */
function bigFaq(): string {
  const items = Array.from({ length: 100 }, (_, i) => {
    const qs = Array.from({ length: 20 }, (_, j) => JSON.stringify(`商品${i}的问题${j}, "引号" #${j}`));
    return `  - id: item_${i}\n    questions: [${qs.join(', ')}]\n    reply: ${JSON.stringify(`第 ${i} 个答案：a, b # c\n第二行 <b>${i}</b>`)}\n`;
  });
  return `faq:\n${items.join('')}`;
}

function folderWith(files: Record<string, string>) {
  const dir = mkdtempSync(join(tmpdir(), 'kfbot-kb-'));
  for (const [f, t] of Object.entries(files)) writeFileSync(join(dir, f), t);
  return rulesFolder(dir, '/');
}

describe('the WeCom knowledge-base Excel format', () => {
  it('a round trip of 100 items × 20 questions loses nothing', async () => {
    const source = folderWith({ 'faq.yaml': bigFaq() });
    const catalogue = ruleCatalogue(readRuleFiles(source));
    const { rows, skipped } = kbRowsOf(catalogue);
    expect(skipped).toEqual([]);
    expect(rows).toHaveLength(100);
    const xlsx = await writeKbWorkbook(rows);
    const back = await readKbWorkbook(xlsx);
    expect(back.skipped).toEqual([]);
    expect(back.rows).toEqual(rows);

    // Imported into rules with no FAQ: the same 100 items, every question and answer.
    const empty = folderWith({ 'settings.yaml': 'settings:\n  timezone: Asia/Shanghai\n' });
    const started = Date.now();
    const merge = kbImportEdits(back.rows, ruleCatalogue(readRuleFiles(empty)), 'faq.yaml');
    expect(merge).toMatchObject({ added: 100, merged: 0, unchanged: 0, answerDiffers: [] });
    const draft = addEdits(startDraft(empty, { by: 't', baseVersion: 0, now: 0 }), merge.edits, empty);
    const imported = ruleCatalogue(draftFiles(draft)).items;
    console.log(`importing 100 × 20 into a draft: ${Date.now() - started} ms`);
    const shape = (items: typeof imported) =>
      items
        .map((i) => ({ questions: [...i.questions].sort(), reply: i.reply }))
        .sort((a, b) => a.reply.localeCompare(b.reply));
    expect(shape(imported)).toEqual(shape(catalogue.items));
    expect(imported.every((i) => i.questions.length === 20)).toBe(true);

    // Importing the same sheet again changes nothing.
    const again = kbImportEdits(back.rows, ruleCatalogue(draftFiles(draft)), 'faq.yaml');
    expect(again).toMatchObject({ edits: [], added: 0, unchanged: 100 });
  }, 60_000);

  it('merges by question, never replacing: new 相似问法 join the item, its reply stays', async () => {
    const folder = rulesFolder('rules', process.cwd());
    const catalogue = ruleCatalogue(readRuleFiles(folder));
    const xlsx = await writeKbWorkbook([
      { group: '', question: '多久发货', similar: ['几号能发货', '什么时候寄出'], answer: '另一个答案' },
      { group: '', question: '可以开收据吗', similar: ['有收据吗'], answer: '可以，联系客服开收据。' },
      {
        group: '',
        question: '退款多久到账？',
        similar: [],
        answer: '退货验收后 1 个工作日内退款；原路退回到微信支付约 1-3 个工作日到账。',
      },
    ]);
    const { rows } = await readKbWorkbook(xlsx);
    const merge = kbImportEdits(rows, catalogue, 'faq.yaml');
    expect(merge).toMatchObject({
      added: 1,
      merged: 1,
      unchanged: 1,
      answerDiffers: ['"多久发货" (item ship_time)'],
    });
    const draft = addEdits(startDraft(folder, { by: 't', baseVersion: 0, now: 0 }), merge.edits, folder);
    const after = ruleCatalogue(draftFiles(draft)).items;
    const ship = after.find((i) => i.id === 'ship_time');
    expect(ship?.questions.slice(-2)).toEqual(['几号能发货', '什么时候寄出']);
    expect(ship?.reply).toContain('48 小时内发货');
    expect(after).toHaveLength(catalogue.items.length + 1);
    // The merged rules still load and answer the new phrasing with the old reply.
    const dir = mkdtempSync(join(tmpdir(), 'kfbot-kb-merged-'));
    for (const [f, t] of draftFiles(draft)) if (!f.startsWith('tests/')) writeFileSync(join(dir, f), t);
    expect(loadRules(dir).ruleSet?.faq?.index.match('几号能发货')).toMatchObject({
      type: 'answer',
      candidate: { id: 'ship_time' },
    });
  });

  it('reads the header in any order and by other consoles’ names; says what it skipped', async () => {
    const { rows: _r } = { rows: [] };
    const ExcelJS = (await import('exceljs')).default;
    const wb = new ExcelJS.Workbook();
    const sheet = wb.addWorksheet('Sheet1');
    sheet.addRow(['说明：每行一个问答']);
    sheet.addRow(['回复', '标准问法', '相似问题']);
    sheet.addRow(['答1', '问1', '问1a\n问1b']);
    sheet.addRow(['', '问2', '']);
    sheet.addRow(['答3', '', '']);
    const read = await readKbWorkbook(Buffer.from(await wb.xlsx.writeBuffer()));
    expect(read.rows).toEqual([{ group: '', question: '问1', similar: ['问1a', '问1b'], answer: '答1' }]);
    expect(read.skipped).toEqual(['row 4: "问2" has no 答案', 'row 5: no 问题']);
    await expect(readKbWorkbook(Buffer.from('not a workbook'))).rejects.toThrow(/not an \.xlsx file/);
  });
});
