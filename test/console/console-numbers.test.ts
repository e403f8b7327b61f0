/**
 * The overview's numbers are the reports' numbers: on a seeded store (SQLite and Redis), the
 * console's charts for a range and account equal `kfbot report sessions | satisfaction | rules
 * --format json` for the same days, and each chart's CSV is its rows, with a BOM.
 */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startSimulator, type WeComSimulator } from '../../src/simulator/index.ts';
import { activityDay } from '../../src/store/activity-days.ts';
import type { SessionEndHow } from '../../src/store/activity-log.ts';
import { RedisStore, redisClient } from '../../src/store/redis-store.ts';
import { SqliteStore } from '../../src/store/sqlite-store.ts';
import type { Store } from '../../src/store/store.ts';
import { runInProcess } from '../cli/run-cli.ts';
import { type InProcessKfbot, startInProcess } from '../support/in-process-kfbot.ts';
import { ConsoleClient } from './console-client.ts';

const PASSWORD = 'console numbers test';
/** A database of its own (no other test uses 9), so flushing it disturbs no test running beside. */
const REDIS_URL = (process.env.KFBOT_TEST_REDIS ?? 'redis://127.0.0.1:6379/15').replace(/\/\d+$/, '/9');
const DAY = 86_400_000;
const NOW = Date.now();
const FROM = activityDay(NOW - 20 * DAY, 'Asia/Shanghai');
const TO = activityDay(NOW, 'Asia/Shanghai');

/** Activity on two accounts over three weeks, with the rule names of test/e2e/rules. */
async function seed(store: Store): Promise<void> {
  const a = store.activity;
  for (let d = 0; d < 25; d++) {
    const at = NOW - d * DAY;
    for (const [kf, n] of [
      ['wkA', (d % 4) + 1],
      ['wkB', d % 3],
    ] as const) {
      for (let i = 0; i < n; i++) {
        await a.recordRuleOutcomes({ openKfId: kf, at, hits: ['复述'] });
        await a.recordRuleOutcomes({
          openKfId: kf,
          at,
          hits: ['main → 营业时间'],
          ...(i === 1 && { misses: ['main → 营业时间'] }),
        });
      }
      if (d % 2 === 0) await a.recordRuleOutcomes({ openKfId: kf, at, hits: ['没听懂'] });
      if (d % 5 === 0) await a.recordRuleOutcomes({ openKfId: kf, at, hits: ['两次没听懂转人工'] });
      if (d % 3 === 0) await a.recordRuleOutcomes({ openKfId: kf, at, unmatched: true });
      await a.recordRuleOutcomes({ openKfId: kf, at, hits: ['欢迎语'] });
      const hows: SessionEndHow[] = ['timeout', 'servicer', 'bot', 'handover'];
      for (let i = 0; i <= d % 4; i++)
        await a.recordSessionEnd({
          openKfId: kf,
          externalUserId: `wm${d}-${i}`,
          at,
          how: hows[(d + i) % 4] as SessionEndHow,
        });
      await a.recordScore({
        openKfId: kf,
        externalUserId: `wm${d}`,
        sessionStartedAt: at - 1000,
        score: (d % 5) + 1,
        clickId: 'rate',
        at,
      });
      if (d % 2)
        await a.recordScore({
          openKfId: kf,
          externalUserId: `wn${d}`,
          sessionStartedAt: at - 1000,
          score: 5,
          clickId: 'rate',
          at,
        });
    }
  }
}

type Backend = () => Promise<{ url: string; cleanUp: () => Promise<void> }>;

const sqlite: Backend = async () => {
  const path = join(mkdtempSync(join(tmpdir(), 'kfbot-console-')), 'kfbot.db');
  const store = new SqliteStore(path);
  await seed(store);
  await store.close();
  return { url: `sqlite:${path}`, cleanUp: async () => {} };
};

const redis: Backend = async () => {
  const admin = redisClient(REDIS_URL);
  await admin.connect();
  await admin.flushdb();
  const connection = redisClient(REDIS_URL);
  await connection.connect();
  const store = new RedisStore(connection);
  await seed(store);
  await store.close();
  return {
    url: REDIS_URL,
    cleanUp: async () => {
      await admin.flushdb();
      await admin.quit();
    },
  };
};

type Row = Record<string, string | number>;

describe.each([
  ['SQLite', sqlite],
  ['Redis', redis],
])('the overview on %s', (_name, backend) => {
  let url = '';
  let cleanUp = async () => {};
  let sim: WeComSimulator;
  let bot: InProcessKfbot;
  let client: ConsoleClient;
  beforeAll(async () => {
    ({ url, cleanUp } = await backend());
    sim = await startSimulator();
    bot = await startInProcess(sim, { config: { store: url, consolePassword: PASSWORD } });
    client = new ConsoleClient(bot.app.url);
    await client.signIn(PASSWORD);
  }, 60_000);
  afterAll(async () => {
    await bot?.close();
    await sim?.close();
    await cleanUp();
  });

  const report = async (name: string, account?: string) => {
    const r = await runInProcess([
      'report',
      name,
      '--format',
      'json',
      '--store',
      url,
      ...(account ? ['--account', account] : []),
    ]);
    expect(r.stderr).toBe('');
    return (JSON.parse(r.stdout) as Row[]).filter(
      (row) => !('day' in row) || (String(row.day) >= FROM && String(row.day) <= TO),
    );
  };
  const overview = async (account?: string) => {
    const r = await client.go(
      `/console/api/overview?from=${FROM}&to=${TO}${account ? `&account=${account}` : ''}`,
    );
    expect(r.status).toBe(200);
    return JSON.parse(r.body) as {
      totals: Record<string, number | null>;
      accounts: string[];
      charts: { id: string; rows: Row[] }[];
    };
  };
  const chart = (o: Awaited<ReturnType<typeof overview>>, id: string) =>
    new Map((o.charts.find((c) => c.id === id)?.rows ?? []).map((r) => [r.day, r]));

  it.each([['wkA'], ['wkB']])(
    'for account %s: sessions and CSAT per day equal the reports, rule hits their total',
    async (account) => {
      const o = await overview(account);
      const sessions = chart(o, 'sessions');
      const sessionRows = await report('sessions', account);
      expect(sessionRows.length).toBeGreaterThan(10);
      for (const r of sessionRows) {
        expect(sessions.get(r.day as string)).toEqual({
          day: r.day,
          timeout: r.timeout,
          servicer: r.servicer,
          bot: r.bot,
          handover: r.handover,
        });
      }
      const csat = chart(o, 'csat');
      for (const r of await report('satisfaction', account)) {
        const row = csat.get(r.day as string) as Row;
        const scores = r.scores as unknown as Record<string, number>;
        expect(row).toMatchObject({
          count: r.count,
          average: r.average,
          score_1: scores['1'],
          score_5: scores['5'],
        });
      }
      const rules = await runInProcess([
        'report',
        'rules',
        '--format',
        'json',
        '--store',
        url,
        '--account',
        account,
        '--since',
        '20d',
      ]);
      const ruleRows = JSON.parse(rules.stdout) as { rule: string | null; hits: number; unmatched: number }[];
      const hits = (name: string | null) => ruleRows.find((r) => r.rule === name)?.hits ?? 0;
      const t = o.totals;
      expect(t.answered).toBe(hits('复述') + hits('main → 营业时间'));
      expect(t.fallback).toBe(hits('没听懂'));
      expect(t.handoff).toBe(hits('两次没听懂转人工'));
      expect(t.unmatched).toBe(ruleRows.find((r) => r.rule === null)?.unmatched ?? 0);
      const all =
        (t.answered as number) + (t.handoff as number) + (t.fallback as number) + (t.unmatched as number);
      expect(t.containmentRate).toBe(Math.round(((t.answered as number) / all) * 1000) / 10);
    },
  );

  it('for every account: each day is the sum of the accounts in the report', async () => {
    const o = await overview();
    expect(o.accounts).toEqual(['wkA', 'wkB']);
    const sessions = chart(o, 'sessions');
    const sums = new Map<string, number>();
    for (const r of await report('sessions'))
      sums.set(r.day as string, (sums.get(r.day as string) ?? 0) + Number(r.handover));
    for (const [day, handover] of sums) expect(sessions.get(day)?.handover).toBe(handover);
    expect(o.totals.handovers).toBe([...sums.values()].reduce((a, b) => a + b, 0));
    // Every day of the range is there, the days without activity as zeros.
    expect(sessions.size).toBe(21);
  });

  it('downloads a chart as CSV with a BOM, the same rows as the chart', async () => {
    const o = await overview('wkA');
    const r = await client.go(`/console/api/overview-csv?chart=sessions&from=${FROM}&to=${TO}&account=wkA`);
    expect(r.status).toBe(200);
    expect(r.headers['content-type']).toContain('text/csv');
    expect(r.headers['content-disposition']).toContain(`kfbot-sessions-${FROM}-${TO}-wkA.csv`);
    expect(r.body.startsWith('\uFEFF')).toBe(true);
    const [head, ...lines] = r.body.slice(1).trim().split('\r\n');
    expect(head).toBe('day,timeout,servicer,bot,handover');
    const rows = o.charts.find((c) => c.id === 'sessions')?.rows ?? [];
    expect(lines).toEqual(
      rows.map((row) => [row.day, row.timeout, row.servicer, row.bot, row.handover].join(',')),
    );
  });
});
