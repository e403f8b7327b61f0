import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { SqliteStore } from '../../src/store/sqlite-store.ts';
import { runCli } from './run-cli.ts';

async function storeWithQuestions(): Promise<string> {
  const path = join(mkdtempSync(join(tmpdir(), 'kfbot-report-')), 'kfbot.db');
  const store = new SqliteStore(path);
  const now = Date.now();
  const candidates = [{ id: 'shipping_fee', score: 0.467, question: '运费怎么算' }];
  for (const at of [now - 3_600_000, now - 60_000, now - 1000])
    await store.recordUnanswered({ openKfId: 'wkA', text: '要运费', example: '要运费吗？', at, candidates });
  for (const item of ['shipping_fee', 'shipping_fee', 'return_fee'])
    await store.recordChoice({ openKfId: 'wkA', text: '要运费', item });
  await store.recordUnanswered({
    openKfId: 'wkA',
    text: '尺码怎么选',
    example: '尺码怎么选, "S"还是M',
    at: now - 2000,
    candidates: [],
  });
  await store.recordUnanswered({
    openKfId: 'wkA',
    text: '发票抬头',
    example: '发票抬头',
    at: now - 10 * 86_400_000,
    candidates: [],
  });
  await store.close();
  return `sqlite:${path}`;
}

describe('kfbot report unanswered', () => {
  it('lists unanswered questions most frequent first, with the nearest FAQ items and what customers chose', async () => {
    const store = await storeWithQuestions();
    const r = await runCli(['report', 'unanswered', '--store', store]);
    expect(r.code).toBe(0);
    const lines = r.stdout.trim().split('\n');
    expect(lines[0]).toMatch(/^count 次数\s+asked \(latest wording\) 最近问法/);
    expect(lines[0]).toMatch(/nearest FAQ items 最接近的问题\s+chosen in 猜你想问 客户选择$/);
    expect(lines[1]).toMatch(/^3\s+要运费吗？.*shipping_fee 0\.47\s+shipping_fee ×2, return_fee ×1$/);
    expect(lines.slice(2).map((l) => l.split(/\s{2,}/)[1])).toEqual(['尺码怎么选, "S"还是M', '发票抬头']);
  });

  it('keeps to --since, and prints CSV and JSON for machines', async () => {
    const store = await storeWithQuestions();
    const csv = await runCli(['report', 'unanswered', '--store', store, '--since', '7d', '--format', 'csv']);
    expect(csv.stdout.split('\n')[0]).toBe(
      '\uFEFFcount,text,example,first_seen,last_seen,account,nearest,chosen',
    );
    expect(csv.stdout).toContain('"尺码怎么选, ""S""还是M"');
    expect(csv.stdout).not.toContain('发票抬头');
    const json = await runCli([
      'report',
      'unanswered',
      '--store',
      store,
      '--since',
      '90m',
      '--format',
      'json',
    ]);
    const rows = JSON.parse(json.stdout) as { text: string; count: number; chosen: Record<string, number> }[];
    expect(rows.map((q) => [q.text, q.count, q.chosen])).toEqual([
      ['要运费', 3, { shipping_fee: 2, return_fee: 1 }],
      ['尺码怎么选', 1, {}],
    ]);
  }, 60_000);

  it('says what is wrong with a bad option, and lists the reports', async () => {
    const bad = await runCli(['report', 'unanswered', '--since', 'last week']);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toContain('--since takes a duration such as 7d, 24h or 90m, not "last week"');
    const list = await runCli(['report', '--help']);
    expect(list.stdout).toContain('unanswered');
  }, 60_000);
});
