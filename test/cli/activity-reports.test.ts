/**
 * `kfbot report rules | satisfaction | sessions` (and `unanswered --account`) on a seeded store,
 * SQLite and Redis alike: exact tables, CSV and JSON that say the same, --since and --account.
 */
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { activityDay } from '../../src/store/activity-days.ts';
import type { SessionEndHow } from '../../src/store/activity-log.ts';
import { migrateRedis } from '../../src/store/redis-migrations.ts';
import { RedisStore, redisClient } from '../../src/store/redis-store.ts';
import { SqliteStore } from '../../src/store/sqlite-store.ts';
import type { Store } from '../../src/store/store.ts';
import { REDIS_URL } from '../store/redis-url.ts';
import { runInProcess } from './run-cli.ts';

const DAY = 86_400_000;
const NOW = Date.now();
const TODAY = activityDay(NOW, 'Asia/Shanghai');
const YESTERDAY = activityDay(NOW - DAY, 'Asia/Shanghai');
const LONG_AGO = activityDay(NOW - 10 * DAY, 'Asia/Shanghai');

const kfbot = (...argv: string[]) => runInProcess(argv);

async function seed(store: Store): Promise<void> {
  const a = store.activity;
  const refund = 'main → 退款多久到账？';
  await a.recordRuleOutcomes({ openKfId: 'wkA', at: NOW, hits: [refund, '欢迎语'] });
  await a.recordRuleOutcomes({ openKfId: 'wkA', at: NOW, hits: [refund, '欢迎语'] });
  await a.recordRuleOutcomes({ openKfId: 'wkA', at: NOW, hits: [refund], misses: [refund] });
  // A long answer cut short: 2 of its 3 parts reached the customer.
  await a.recordRuleOutcomes({
    openKfId: 'wkA',
    at: NOW,
    hits: [refund],
    partly: [{ rule: refund, sent: 2, of: 3 }],
  });
  await a.recordRuleOutcomes({ openKfId: 'wkA', at: NOW, unmatched: true });
  await a.recordRuleOutcomes({ openKfId: 'wkA', at: NOW - DAY, unmatched: true });
  await a.recordRuleOutcomes({ openKfId: 'wkB', at: NOW, hits: ['欢迎语'] });
  for (let i = 0; i < 4; i++)
    await a.recordRuleOutcomes({ openKfId: 'wkA', at: NOW - 10 * DAY, hits: ['没听懂'] });

  const score = (openKfId: string, customer: string, value: number, at: number, session = at) =>
    a.recordScore({
      openKfId,
      externalUserId: customer,
      sessionStartedAt: session,
      score: value,
      clickId: `rate_${value}`,
      at,
    });
  await score('wkA', 'wm1', 2, NOW - 60_000, NOW - 600_000);
  await score('wkA', 'wm1', 5, NOW, NOW - 600_000); // the same session: replaces the 2
  await score('wkA', 'wm2', 4, NOW);
  await score('wkA', 'wm3', 1, NOW);
  await score('wkA', 'wm4', 3, NOW - DAY);
  await score('wkB', 'wm5', 5, NOW);
  await score('wkA', 'wm6', 1, NOW - 10 * DAY);

  const end = async (openKfId: string, at: number, how: SessionEndHow, times = 1) => {
    for (let i = 0; i < times; i++) await a.recordSessionEnd({ openKfId, externalUserId: `wm${i}`, at, how });
  };
  await end('wkA', NOW, 'timeout', 2);
  await end('wkA', NOW, 'servicer');
  await end('wkA', NOW, 'bot');
  await end('wkA', NOW, 'handover', 3);
  await end('wkB', NOW - DAY, 'servicer');
  await end('wkA', NOW - 10 * DAY, 'bot');

  const sighting = (openKfId: string, text: string) =>
    store.recordUnanswered({ openKfId, text, example: text, at: NOW, candidates: [] });
  await sighting('wkA', '要运费吗');
  await sighting('wkB', '能开发票吗');
}

/** Parses a report's CSV (no field of the seed needs quoting). */
const csvRows = (csv: string) => {
  const [head, ...lines] = csv.trim().split('\n');
  const keys = (head as string).split(',');
  return lines.map((l) => Object.fromEntries(l.split(',').map((v, i) => [keys[i], v])));
};

/** The store kfbot's reports read on this backend, seeded; its URL, and how to clean up after. */
type Backend = () => Promise<{ url: string; cleanUp: () => Promise<void> }>;

const sqlite: Backend = async () => {
  const path = join(mkdtempSync(join(tmpdir(), 'kfbot-reports-')), 'kfbot.db');
  const store = new SqliteStore(path);
  await seed(store);
  await store.close();
  return { url: `sqlite:${path}`, cleanUp: async () => {} };
};

const redis: Backend = async () => {
  // The reports read kfbot's own keyspace (prefix kfbot:); only its activity and unanswered keys are touched.
  const admin = redisClient(REDIS_URL);
  await admin.connect();
  const clean = async () => {
    for (const pattern of ['kfbot:activity*', 'kfbot:session-ends*', 'kfbot:scores*', 'kfbot:unanswered*']) {
      const keys = await admin.keys(pattern);
      if (keys.length) await admin.del(...keys);
    }
  };
  await clean();
  const connection = redisClient(REDIS_URL);
  await connection.connect();
  const store = new RedisStore(connection);
  // As serve leaves it: migrated (a report refuses a Redis kfbot never used).
  await migrateRedis({ redis: connection, keys: store.keys }, REDIS_URL);
  await seed(store);
  await store.close();
  return {
    url: REDIS_URL,
    cleanUp: async () => {
      await clean();
      await admin.quit();
    },
  };
};

describe.each([
  ['SQLite', sqlite],
  ['Redis', redis],
])('reports on %s', (_name, backend) => {
  let url = '';
  let cleanUp = async () => {};
  beforeAll(async () => {
    ({ url, cleanUp } = await backend());
  });
  afterAll(() => cleanUp());
  const report = (...args: string[]) => kfbot('report', ...args, '--store', url);

  it('rules: hits per account and rule and how many reached the customer whole, in part (parts sent of parts) or not at all, most hits first, then the messages no rule matched', async () => {
    const r = await report('rules');
    expect(r).toMatchObject({ code: 0, stderr: '' });
    expect(r.stdout).toBe(
      [
        'account 账号  rule 规则                     hits 命中  delivered 已送达  partly 部分送达   undelivered 未送达  unmatched 无规则',
        'wkA           main → 退款多久到账？         4          2                 1 (2 of 3 parts)  1                   –',
        'wkA           没听懂                        4          4                 0                 0                   –',
        'wkA           欢迎语                        2          2                 0                 0                   –',
        'wkA           (no rule matched 无规则匹配)  –          –                 –                 –                   2',
        'wkB           欢迎语                        1          1                 0                 0                   –',
        '',
      ].join('\n'),
    );
  });

  it('satisfaction: per day and account, how many scores, their average, and each score', async () => {
    const r = await report('satisfaction');
    expect(r.stdout).toBe(
      [
        'day 日期    account 账号  scores 评价数  average 平均分  1分  2分  3分  4分  5分',
        `${LONG_AGO}  wkA           1              1.00            1    0    0    0    0`,
        `${YESTERDAY}  wkA           1              3.00            0    0    1    0    0`,
        `${TODAY}  wkA           3              3.33            1    0    0    1    1`,
        `${TODAY}  wkB           1              5.00            0    0    0    0    1`,
        '',
      ].join('\n'),
    );
  });

  it('sessions: per day and account, ended by timeout, by servicers, by the bot, and handed over', async () => {
    const r = await report('sessions');
    expect(r.stdout).toBe(
      [
        'day 日期    account 账号  ended by timeout 超时结束  ended by servicers 客服结束  ended by the bot 机器人结束  handed over 转人工',
        `${LONG_AGO}  wkA           0                          0                            1                            0`,
        `${YESTERDAY}  wkB           0                          1                            0                            0`,
        `${TODAY}  wkA           2                          1                            1                            3`,
        '',
      ].join('\n'),
    );
  });

  it('prints CSV and JSON that hold the same rows', async () => {
    const rules = JSON.parse((await report('rules', '--format', 'json')).stdout) as Record<string, unknown>[];
    expect(csvRows((await report('rules', '--format', 'csv')).stdout)).toEqual(
      rules.map((r) => ({
        account: r.openKfId,
        rule: r.rule ?? '',
        hits: String(r.hits),
        delivered: String(r.delivered),
        partly: String(r.partly),
        partlySent: String(r.partlySent),
        partlyOf: String(r.partlyOf),
        undelivered: String(r.undelivered),
        unmatched: String(r.unmatched),
      })),
    );
    expect(rules.at(-2)).toEqual({
      openKfId: 'wkA',
      rule: null,
      hits: 0,
      delivered: 0,
      partly: 0,
      partlySent: 0,
      partlyOf: 0,
      undelivered: 0,
      unmatched: 2,
    });
    expect(rules[0]).toMatchObject({
      hits: 4,
      delivered: 2,
      partly: 1,
      partlySent: 2,
      partlyOf: 3,
      undelivered: 1,
    });

    const satisfaction = JSON.parse((await report('satisfaction', '--format', 'json')).stdout) as {
      day: string;
      openKfId: string;
      count: number;
      average: number;
      scores: Record<string, number>;
    }[];
    expect(satisfaction[2]).toEqual({
      day: TODAY,
      openKfId: 'wkA',
      count: 3,
      average: 3.33,
      scores: { '1': 1, '2': 0, '3': 0, '4': 1, '5': 1 },
    });
    expect(csvRows((await report('satisfaction', '--format', 'csv')).stdout)).toEqual(
      satisfaction.map((r) => ({
        day: r.day,
        account: r.openKfId,
        count: String(r.count),
        average: r.average.toFixed(2),
        ...Object.fromEntries(Object.entries(r.scores).map(([s, n]) => [`score_${s}`, String(n)])),
      })),
    );

    const sessions = JSON.parse((await report('sessions', '--format', 'json')).stdout) as Record<
      string,
      unknown
    >[];
    expect(sessions[2]).toEqual({
      day: TODAY,
      openKfId: 'wkA',
      timeout: 2,
      servicer: 1,
      bot: 1,
      handover: 3,
    });
    expect(csvRows((await report('sessions', '--format', 'csv')).stdout)).toEqual(
      sessions.map(({ day, openKfId, timeout, servicer, bot, handover }) => ({
        day,
        account: openKfId,
        timeout: String(timeout),
        servicer: String(servicer),
        bot: String(bot),
        handover: String(handover),
      })),
    );
  });

  it('keeps to --since (whole days of settings.timezone) and --account', async () => {
    const json = async (...args: string[]) => JSON.parse((await report(...args, '--format', 'json')).stdout);
    const days = (rows: { day: string; openKfId: string }[]) => rows.map((r) => `${r.day} ${r.openKfId}`);
    expect(days(await json('sessions', '--since', '7d'))).toEqual([`${YESTERDAY} wkB`, `${TODAY} wkA`]);
    expect(days(await json('satisfaction', '--since', '7d', '--account', 'wkA'))).toEqual([
      `${YESTERDAY} wkA`,
      `${TODAY} wkA`,
    ]);
    // 1 h back reaches into today only (or yesterday too, right after midnight Beijing time).
    const recent = await json('rules', '--since', '1h', '--account', 'wkA');
    expect(recent.find((r: { rule: string | null }) => r.rule === '没听懂')).toBeUndefined();
    expect(await json('rules', '--account', 'wkB')).toEqual([
      {
        openKfId: 'wkB',
        rule: '欢迎语',
        hits: 1,
        delivered: 1,
        partly: 0,
        partlySent: 0,
        partlyOf: 0,
        undelivered: 0,
        unmatched: 0,
      },
    ]);
    expect((await report('sessions', '--account', 'wkZ')).stdout).toBe(
      'no session ends for account wkZ in this window · 该时段没有记录\n',
    );
    const unanswered = await json('unanswered', '--account', 'wkB');
    expect(unanswered.map((q: { text: string }) => q.text)).toEqual(['能开发票吗']);
  });
});

describe('report days', () => {
  // 00:30 on 2 March in Beijing is 16:30 UTC on 1 March, and 11:30 on 1 March in New York.
  const AT = Date.parse('2026-03-02T00:30:00+08:00');
  let url = '';
  beforeAll(async () => {
    const path = join(mkdtempSync(join(tmpdir(), 'kfbot-report-days-')), 'kfbot.db');
    const store = new SqliteStore(path);
    await store.activity.recordSessionEnd({ openKfId: 'wkA', externalUserId: 'wm1', at: AT, how: 'bot' });
    await store.activity.recordScore({
      openKfId: 'wkA',
      externalUserId: 'wm1',
      sessionStartedAt: AT - 60_000,
      score: 5,
      clickId: 'rate_5',
      at: AT,
    });
    await store.close();
    url = `sqlite:${path}`;
  });
  const days = async (name: string, env: NodeJS.ProcessEnv, ...args: string[]) => {
    const r = await runInProcess(['report', name, '--format', 'json', '--store', url, ...args], env);
    expect(r.stderr).toBe('');
    return (JSON.parse(r.stdout) as { day: string }[]).map((row) => row.day);
  };

  it("are the rules' settings.timezone days, as the console's, unless --timezone says otherwise", async () => {
    // ./rules says Asia/Shanghai.
    expect(await days('sessions', {})).toEqual(['2026-03-02']);
    expect(await days('satisfaction', {})).toEqual(['2026-03-02']);
    expect(await days('sessions', {}, '--timezone', 'UTC')).toEqual(['2026-03-01']);
    expect(await days('satisfaction', {}, '--timezone', 'America/New_York')).toEqual(['2026-03-01']);
    // Rules that say UTC.
    const dir = mkdtempSync(join(tmpdir(), 'kfbot-report-rules-'));
    writeFileSync(
      join(dir, 'rules.yaml'),
      'settings:\n  timezone: UTC\nrules:\n  - name: hi\n    when: { text: hi }\n    then:\n      - reply: hello\n',
    );
    expect(await days('sessions', { KFBOT_RULES: join(dir, 'rules.yaml') })).toEqual(['2026-03-01']);
  });

  it('are not what report unanswered shows: it takes no --timezone', async () => {
    expect((await kfbot('report', 'unanswered', '--help')).stdout).not.toContain('--timezone');
    const r = await runInProcess(['report', 'unanswered', '--store', url, '--timezone', 'UTC']);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('kfbot report unanswered shows no days: --timezone does not apply');
  });

  it('refuse a timezone Intl does not know, with one line', async () => {
    const r = await runInProcess(['report', 'sessions', '--store', url, '--timezone', 'Mars/Olympus']);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain(
      '--timezone takes an IANA name such as Asia/Shanghai or UTC, not "Mars/Olympus"',
    );
  });
});

describe('report options', () => {
  it('say what is wrong with a bad value, and how to fix it', async () => {
    expect(await kfbot('report', 'rules', '--format', 'xml')).toMatchObject({
      code: 2,
      stderr:
        'kfbot report: --format is table, csv or json, not "xml"\nRun "kfbot report rules --help" for usage.\n',
    });
    expect((await kfbot('report', 'satisfaction', '--since', 'a week')).stderr).toContain(
      '--since takes a duration such as 7d, 24h or 90m, not "a week"',
    );
    expect((await kfbot('report', 'sessions', '--account', ' ')).stderr).toContain(
      '--account takes an account\'s open_kfid (wk…, as in kfbot\'s logs), not " "',
    );
  });

  it('list every report, and each report its options', async () => {
    const list = (await kfbot('report', '--help')).stdout;
    for (const name of ['unanswered', 'rules', 'satisfaction', 'sessions'])
      expect(list).toContain(`  ${name} `);
    const help = (await kfbot('report', 'sessions', '--help')).stdout;
    for (const option of ['--since DURATION', '--account OPEN_KFID', '--format FORMAT', '--store URL'])
      expect(help).toContain(option);
    expect(help).toContain("Days are dates in the rules' settings.timezone (or --timezone)");
    expect(help).toContain('--timezone ZONE');
  });
});
