/**
 * Stored data has a version. A store written before versioning opens, migrates and resumes its
 * in-flight message exactly once; a store from a newer kfbot is refused untouched; a record no
 * version wrote is kept aside with its key and reported, and the pull goes on.
 */
import { copyFileSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { describe, expect, it } from 'vitest';
import { seededRandom, startSimulator } from '../../src/simulator/index.ts';
import { RedisKeys } from '../../src/store/redis-keys.ts';
import { migrateRedis, REDIS_SCHEMA_VERSION } from '../../src/store/redis-migrations.ts';
import { RedisStore, redisClient } from '../../src/store/redis-store.ts';
import { SQLITE_MIGRATIONS, SQLITE_SCHEMA_VERSION } from '../../src/store/sqlite-migrations.ts';
import { SqliteStore } from '../../src/store/sqlite-store.ts';
import { NewerStoreError } from '../../src/store/store-version.ts';
import { runCli } from '../cli/run-cli.ts';
import { waitFor } from '../e2e/kfbot-process.ts';
import { closeAfterEach } from '../support/close-after-each.ts';
import { startInProcess } from '../support/in-process-kfbot.ts';
import { REDIS_URL } from './redis-url.ts';

const FIXTURE = 'test/fixtures/store-v0/kfbot.db';
const ACCOUNT = 'wkFixtureAccount000000000000001';
const CUSTOMER = 'wmFixtureCustomer01';

const closing = closeAfterEach();

/** A copy of a store file, so the committed fixture stays as it was written. */
function copyOf(file: string): string {
  const copy = join(mkdtempSync(join(tmpdir(), 'kfbot-upgrade-')), 'kfbot.db');
  copyFileSync(file, copy);
  return copy;
}

const userVersion = (file: string) => {
  const db = new Database(file, { readonly: true });
  try {
    return db.pragma('user_version', { simple: true }) as number;
  } finally {
    db.close();
  }
};

describe('a SQLite store at version 5, before 猜你想问 choices were kept', () => {
  it('keeps its unanswered questions, each with no choices yet, and counts choices from then on', async () => {
    const file = join(mkdtempSync(join(tmpdir(), 'kfbot-upgrade-')), 'kfbot.db');
    const db = new Database(file);
    for (const m of SQLITE_MIGRATIONS.slice(0, 5)) m.up(db);
    db.pragma('user_version = 5');
    db.prepare(
      `INSERT INTO unanswered (open_kfid, text, example, count, first_seen, last_seen, candidates)
       VALUES ('wkA', '要运费', '要运费吗', 4, 1000, 2000, '[]')`,
    ).run();
    db.close();
    const store = new SqliteStore(file);
    try {
      expect(store.migrated).toEqual({ from: 5, to: SQLITE_SCHEMA_VERSION });
      await store.recordChoice({ openKfId: 'wkA', text: '要运费', item: 'shipping_fee' });
      expect(await store.listUnanswered(0, 10)).toEqual([
        expect.objectContaining({ text: '要运费', count: 4, chosen: { shipping_fee: 1 } }),
      ]);
    } finally {
      await store.close();
    }
  });
});

describe('media ids cached before their files were kept (SQLite 14, Redis 10)', () => {
  it('are still used, without a file, and learn one when written again (SQLite)', async () => {
    const file = join(mkdtempSync(join(tmpdir(), 'kfbot-upgrade-')), 'kfbot.db');
    const db = new Database(file);
    for (const m of SQLITE_MIGRATIONS.slice(0, 14)) m.up(db);
    db.pragma('user_version = 14');
    db.prepare("INSERT INTO media (key, media_id, created_at) VALUES ('image:qr', 'M1', 1000)").run();
    db.close();
    const store = new SqliteStore(file);
    try {
      expect(store.migrated).toEqual({ from: 14, to: SQLITE_SCHEMA_VERSION });
      expect(await store.getMedia('image:qr')).toEqual({ mediaId: 'M1', createdAt: 1000 });
      expect(await store.findMedia('M1')).toEqual({ key: 'image:qr', mediaId: 'M1', createdAt: 1000 });
      const qr = { path: '/srv/rules/media/qr.png', type: 'image' as const };
      await store.putMedia('image:qr', { mediaId: 'M1', createdAt: 1000, file: qr });
      expect(await store.findMedia('M1')).toMatchObject({ file: qr });
    } finally {
      await store.close();
    }
  });

  it('are still used, without a file (Redis)', async () => {
    const redis = redisClient(REDIS_URL);
    await redis.connect();
    const keys = new RedisKeys(`kfbot-media-upgrade-${process.pid}:`);
    const store = new RedisStore(redis, keys);
    try {
      const createdAt = Date.now();
      await redis.set(keys.schemaVersion(), '10');
      await redis.set(keys.media('image:qr'), JSON.stringify({ mediaId: 'M1', createdAt }), 'PX', 60_000);
      expect(await migrateRedis({ redis, keys }, 'redis-test')).toEqual({
        from: 10,
        to: REDIS_SCHEMA_VERSION,
      });
      expect(await store.getMedia('image:qr')).toEqual({ mediaId: 'M1', createdAt });
      // No media-id key was written for it: a refusal of M1 stays a refusal, as before.
      expect(await store.findMedia('M1')).toBeUndefined();
    } finally {
      const left = await redis.keys(`${keys.prefix}*`);
      if (left.length) await redis.del(...left);
      await redis.quit();
    }
  });
});

describe('a SQLite store written before stored data had a version', () => {
  it('opens, migrates, and resumes its in-flight planned message exactly once', async () => {
    const file = copyOf(FIXTURE);
    expect(userVersion(file)).toBe(0);
    // The world the fixture was written against (see its README): same seed, same customer message.
    const sim = closing(
      await startSimulator({
        random: seededRandom(20261201),
        corpId: 'wwfixture00000001',
        secret: 'FixtureSecretFixtureSecretFixtureSecret0001',
        accounts: [{ openKfId: ACCOUNT, name: '售前' }],
      }),
    );
    const said = sim.customerSays({ openKfId: ACCOUNT, externalUserId: CUSTOMER, text: 'echo 升级之前' });
    expect(said.msgid).toBe('from_msgid_8167028037296767634');

    const bot = closing(await startInProcess(sim, { config: { store: `sqlite:${file}` } }));
    const current = sim;
    // The pull owed from before the upgrade resumes at start; the planned reply goes out.
    await waitFor(() => current.sent(ACCOUNT, CUSTOMER).length > 0, 'the resumed reply', 15_000);
    await bot.app.work.idle();
    // Another notice for the account: the message is done now, nothing is sent again.
    sim.callbacks.notify(ACCOUNT);
    await waitFor(() => current.requests.byApi('kf/sync_msg').length >= 2, 'a second pull', 15_000);
    await bot.app.work.idle();

    expect(sim.sent(ACCOUNT, CUSTOMER).map((m) => m.content.text)).toEqual([
      { content: '收到：echo 升级之前' },
    ]);
    expect(sim.requests.byApi('kf/send_msg')).toHaveLength(1);
    expect((await bot.app.store.getMessage(said.msgid))?.status).toBe('done');
    // The conversation written without a format version still reads as it was.
    expect(await bot.app.store.getConversation(ACCOUNT, CUSTOMER)).toMatchObject({
      nickname: '☀️知足常乐',
      quotaUsed: 1,
      quotaSince: 'from_msgid_8167028037296767634',
      state: { misses: 0, service_state: 1 }, // the reply moved the session to 智能助手接待
    });
    expect(bot.lines.some((l) => l.includes('store schema migrated from version 0 to'))).toBe(true);
    await bot.close();
    expect(userVersion(file)).toBe(SQLITE_SCHEMA_VERSION);
  });
});

describe('a store from a newer kfbot', () => {
  it('is refused untouched (SQLite)', () => {
    const file = copyOf(FIXTURE);
    const db = new Database(file);
    db.pragma('user_version = 99');
    db.close();
    expect(() => new SqliteStore(file)).toThrow(NewerStoreError);
    expect(() => new SqliteStore(file)).toThrow(/schema version 99, but this kfbot knows versions up to/);
    expect(userVersion(file)).toBe(99);
  });

  it('makes kfbot serve exit with one clear line', async () => {
    const file = copyOf(FIXTURE);
    const db = new Database(file);
    db.pragma('user_version = 99');
    db.close();
    const r = await runCli(['serve', '--port', '0', '--rules', 'test/e2e/rules'], {
      env: {
        WECOM_CORP_ID: 'wwfixture00000001',
        WECOM_SECRET: 'secret',
        WECOM_TOKEN: 'token1',
        WECOM_ENCODING_AES_KEY: 'jWmYm7qr5nMoAUwZRjGtBxmz3KA1tkAj3ykkR6q2B2C',
        KFBOT_STORE: `sqlite:${file}`,
      },
    });
    expect(r.code).toBe(1);
    expect(r.stderr).toContain('cannot start');
    expect(r.stderr).toContain('schema version 99');
    expect(r.stderr).toContain('nothing was changed');
  });

  it('is refused untouched (Redis); replicas starting together migrate it once', async () => {
    const redis = redisClient(REDIS_URL);
    await redis.connect();
    const keys = new RedisKeys(`kfbot-upgrade-${process.pid}:`);
    try {
      const results = await Promise.all([1, 2, 3].map(() => migrateRedis({ redis, keys }, 'redis-test')));
      expect(results.filter((r) => r.from < r.to)).toHaveLength(1);
      expect(await redis.get(keys.schemaVersion())).toBe(String(REDIS_SCHEMA_VERSION));
      await redis.set(keys.schemaVersion(), '99');
      await expect(migrateRedis({ redis, keys }, 'redis-test')).rejects.toThrow(NewerStoreError);
      expect(await redis.get(keys.schemaVersion())).toBe('99');
    } finally {
      const left = await redis.keys(`${keys.prefix}*`);
      if (left.length) await redis.del(...left);
      await redis.quit();
    }
  });
});

describe('a stored record no version of kfbot wrote', () => {
  it('is kept aside with its key and reported, and the customer is still answered', async () => {
    const file = join(mkdtempSync(join(tmpdir(), 'kfbot-corrupt-')), 'kfbot.db');
    const current = closing(await startSimulator());
    const bot = closing(await startInProcess(current, { config: { store: `sqlite:${file}` } }));
    const customer = 'wmCorruptConversation1';
    // A conversation damaged as a bad manual edit or a disk error would leave it.
    const db = new Database(file);
    db.prepare('INSERT INTO conversations (open_kfid, external_userid, value) VALUES (?, ?, ?)').run(
      current.openKfId,
      customer,
      '{"v":1,"quotaUsed":"lots"}',
    );
    db.close();
    current.customerSays({ externalUserId: customer, text: 'echo 还在吗' });
    await waitFor(() => current.sent(current.openKfId, customer).length > 0, 'the reply', 15_000);
    const key = `conv:${current.openKfId}:${customer}`;
    const kept = await bot.app.store.keptAside();
    expect(kept.map((k) => [k.key, k.value, k.reason])).toEqual([
      [key, '{"v":1,"quotaUsed":"lots"}', 'quotaUsed is not a number'],
    ]);
    expect(bot.lines.some((l) => l.includes(`stored record ${key} cannot be read`))).toBe(true);
  });
});
