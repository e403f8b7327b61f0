/**
 * Report tables name accounts as operators know them (售前咨询) when the WeCom credentials are
 * set — asked of WeCom (here the simulator) with kf/account/list — and fall back to the ids, with
 * one line on stderr, when WeCom does not answer. CSV and JSON keep the ids.
 */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startSimulator, type WeComSimulator } from '../../src/simulator/index.ts';
import { SqliteStore } from '../../src/store/sqlite-store.ts';
import { runInProcess } from './run-cli.ts';

let sim: WeComSimulator;
let store: string;

beforeAll(async () => {
  sim = await startSimulator();
  const path = join(mkdtempSync(join(tmpdir(), 'kfbot-names-')), 'kfbot.db');
  const s = new SqliteStore(path);
  for (const account of sim.accounts)
    await s.activity.recordRuleOutcomes({ openKfId: account.openKfId, at: Date.now(), hits: ['欢迎语'] });
  await s.close();
  store = `sqlite:${path}`;
});

afterAll(() => sim.close());

const credentials = () => ({ WECOM_CORP_ID: sim.corpId, WECOM_SECRET: sim.secret, WECOM_API_BASE: sim.url });

describe('account names in report tables', () => {
  it('shows 售前咨询 and 售后服务 instead of wk… ids when the credentials are set', async () => {
    const r = await runInProcess(['report', 'rules', '--store', store], credentials());
    expect(r.stderr).toBe('');
    const accounts = r.stdout
      .trim()
      .split('\n')
      .slice(1)
      .map((l) => l.split(/\s{2,}/)[0]);
    expect(accounts.sort()).toEqual(['售前咨询', '售后服务']);
    const csv = await runInProcess(['report', 'rules', '--store', store, '--format', 'csv'], credentials());
    expect(csv.stdout).toContain(sim.accounts[0]?.openKfId);
  });

  it('shows the ids, and says why on stderr, when WeCom does not answer', async () => {
    const r = await runInProcess(['report', 'rules', '--store', store], {
      ...credentials(),
      WECOM_API_BASE: 'http://127.0.0.1:1',
    });
    expect(r.code).toBe(0);
    expect(r.stdout).toContain(sim.accounts[0]?.openKfId);
    expect(r.stderr).toMatch(/^account names unavailable \(.*\); the table shows open_kfid\n$/);
    expect(r.stderr).not.toContain(sim.secret);
  });

  it('asks nothing of WeCom without credentials', async () => {
    const before = sim.requests.all.length;
    const r = await runInProcess(['report', 'rules', '--store', store], {});
    expect(r.stdout).toContain(sim.accounts[0]?.openKfId);
    expect(sim.requests.all.length).toBe(before);
  });
});
