/**
 * `kfbot forget <external_userid>` and the console's button, on SQLite and Redis: after a customer
 * talked to the bot (conversation, session records, an unanswered text, a score, a session end),
 * nothing in the store names them or holds what they wrote, other customers keep theirs, the
 * reports' counts are unchanged, and their next message is handled as a new customer's.
 */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { describe, expect, it } from 'vitest';
import { startSimulator } from '../../src/simulator/index.ts';
import { redisClient } from '../../src/store/redis-store.ts';
import { runInProcess } from '../cli/run-cli.ts';
import { closeAfterEach } from '../support/close-after-each.ts';
import { startInProcess } from '../support/in-process-kfbot.ts';
import { until } from '../support/until.ts';
import { ConsoleClient } from './console-client.ts';

const PASSWORD = 'forget customer password';
/** A database of its own (no other test uses 8), flushed before and after. */
const REDIS_URL = (process.env.KFBOT_TEST_REDIS ?? 'redis://127.0.0.1:6379/15').replace(/\/\d+$/, '/8');
const SECRET_TEXT = '我的手机号是13812345678怎么查快递';

const closing = closeAfterEach();

/** Everything the SQLite store holds, as text. */
function sqliteDump(path: string): string {
  const db = new Database(path, { readonly: true });
  try {
    const tables = db.prepare("SELECT name FROM sqlite_master WHERE type = 'table'").all() as {
      name: string;
    }[];
    return tables.map((t) => JSON.stringify(db.prepare(`SELECT * FROM "${t.name}"`).all())).join('\n');
  } finally {
    db.close();
  }
}

/** Everything the Redis database holds, keys and values, as text. */
async function redisDump(): Promise<string> {
  const r = redisClient(REDIS_URL);
  await r.connect();
  try {
    const out: string[] = [];
    for (const key of await r.keys('*')) {
      const type = await r.type(key);
      const value =
        type === 'string'
          ? await r.get(key)
          : type === 'hash'
            ? await r.hgetall(key)
            : type === 'list'
              ? await r.lrange(key, 0, -1)
              : type === 'zset'
                ? await r.zrange(key, 0, -1)
                : type === 'set'
                  ? await r.smembers(key)
                  : type === 'stream'
                    ? await r.xrange(key, '-', '+')
                    : type;
      out.push(`${key} ${JSON.stringify(value)}`);
    }
    return out.join('\n');
  } finally {
    await r.quit();
  }
}

async function flushRedis(): Promise<void> {
  const r = redisClient(REDIS_URL);
  await r.connect();
  await r.flushdb();
  await r.quit();
}

const backends = [
  [
    'SQLite',
    () => `sqlite:${join(mkdtempSync(join(tmpdir(), 'kfbot-forget-')), 'kfbot.db')}`,
    (url: string) => Promise.resolve(sqliteDump(url.slice('sqlite:'.length))),
  ],
  ['Redis', () => REDIS_URL, () => redisDump()],
] as const;

describe.each(backends)('forgetting a customer on %s', (name, storeUrl, dump) => {
  it('leaves nothing that names them or holds their words, keeps the counts, and meets them anew', async () => {
    if (name === 'Redis') await flushRedis();
    const url = storeUrl();
    const sim = closing(await startSimulator());
    const bot = closing(await startInProcess(sim, { config: { store: url, consolePassword: PASSWORD } }));
    const app = bot.app;
    const entered = sim.customerEnters() as { event?: { external_userid?: string } };
    const a = entered.event?.external_userid as string;
    await until(() => sim.sent(sim.openKfId, a).length === 1, 'the welcome');
    sim.customerSays({ externalUserId: a, text: SECRET_TEXT });
    await until(() => sim.sent(sim.openKfId, a).length === 2, 'the fallback');
    const b = sim.customerSays({ text: '另一个客户的问题 echo' }).external_userid as string;
    await until(() => sim.sent(sim.openKfId, b).length === 1, "the other customer's answer");
    await app.work.idle();
    const at = Date.now();
    await app.store.activity.recordScore({
      openKfId: sim.openKfId,
      externalUserId: a,
      sessionStartedAt: at - 1000,
      score: 5,
      clickId: 'rate_5',
      at,
    });
    await app.store.activity.recordSessionEnd({
      openKfId: sim.openKfId,
      externalUserId: a,
      at,
      how: 'timeout',
    });
    await until(
      async () => (await app.store.sessions.listSessions({ since: 0, limit: 10 })).length === 2,
      'both sessions recorded',
    );
    const before = await dump(url);
    expect(before).toContain(a);
    expect(before).toContain(SECRET_TEXT);
    const satisfaction = () => runInProcess(['report', 'satisfaction', '--format', 'json', '--store', url]);
    const sessions = () => runInProcess(['report', 'sessions', '--format', 'json', '--store', url]);
    const [scoresBefore, endsBefore] = [(await satisfaction()).stdout, (await sessions()).stdout];

    if (name === 'SQLite') {
      // The console's button: a POST with the CSRF token (and refused without it).
      const client = new ConsoleClient(app.url);
      await client.signIn(PASSWORD);
      const refused = await client.go('/console/api/forget', { json: { externalUserId: a } });
      expect(refused.status).toBe(403);
      const csrf = await client.csrf();
      const r = await client.go('/console/api/forget', {
        json: { externalUserId: a },
        headers: { 'x-csrf-token': csrf },
      });
      expect(r.status).toBe(200);
      // Chinese first, naming only what there was; the CLI's English after.
      expect(JSON.parse(r.body).summary).toMatch(
        /^1 条会话状态、.*1 个会话、1 组未答问题、.*1 条满意度评分已匿名、1 条会话结束记录已匿名 · 1 conversation state, .*1 sessions, 1 unanswered-question groups, .*1 satisfaction scores anonymised, 1 session ends anonymised$/,
      );
      expect(JSON.parse(r.body).summary).not.toMatch(/(^|、)0 /);
    } else {
      const r = await runInProcess(['forget', a, '--store', url]);
      expect(r.stderr).toBe('');
      expect(r.stdout).toMatch(
        new RegExp(`^erased customer ${a}: 1 conversation state, .*1 sessions, 1 unanswered-question groups`),
      );
    }

    const after = await dump(url);
    expect(after).not.toContain(a);
    expect(after).not.toContain('13812345678');
    expect(after).toContain(b); // the other customer keeps theirs
    expect((await satisfaction()).stdout).toBe(scoresBefore);
    expect((await sessions()).stdout).toBe(endsBefore);

    // Their next message: a new customer's — a first miss gets the fallback, not the hand-over a
    // second miss in the same conversation would have brought.
    sim.customerSays({ externalUserId: a, text: SECRET_TEXT });
    await until(() => sim.sent(sim.openKfId, a).length === 3, 'the answer to the next message');
    expect(JSON.stringify(sim.sent(sim.openKfId, a)[2]?.content)).toContain('没听懂，请点菜单');
    if (name === 'Redis') await flushRedis();
  });
});
