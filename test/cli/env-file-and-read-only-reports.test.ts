/**
 * A new user's folder: `.env` holds the settings, and every command reads it (flags, then the
 * environment, then `.env`). Reports only read: a missing store is one line and exit 1, never a
 * new database; every store that cannot be read is the one sentence serve prints for it.
 */
import { existsSync, mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { describe, expect, it } from 'vitest';
import { SQLITE_SCHEMA_VERSION } from '../../src/store/sqlite-migrations.ts';
import { SqliteStore } from '../../src/store/sqlite-store.ts';
import { runCli } from './run-cli.ts';

const RULES = `rules:
  - name: 问候
    when: { text: { any: [在吗] } }
    then:
      - reply: 在的，请问有什么可以帮您？
`;
const TESTS = `tests:
  - name: 问在吗
    steps:
      - say: 在吗
        expect: { text: 在的 }
`;

/** A folder whose rules live in ./other and whose `.env` says so; there is no ./rules. */
function folderWithDotEnv(extra = ''): string {
  const dir = mkdtempSync(join(tmpdir(), 'kfbot-dotenv-'));
  mkdirSync(join(dir, 'other', 'tests'), { recursive: true });
  writeFileSync(join(dir, 'other', 'rules.yaml'), RULES);
  writeFileSync(join(dir, 'other', 'tests', 'greeting.yaml'), TESTS);
  writeFileSync(join(dir, '.env'), `KFBOT_RULES=./other\n${extra}`);
  return dir;
}

/** The environment without any KFBOT_ variable of the machine running the tests. */
function cleanEnv(): Record<string, string> {
  const env: Record<string, string> = {};
  for (const [k, v] of Object.entries(process.env))
    if (v !== undefined && !k.startsWith('KFBOT_') && !k.startsWith('WECOM_')) env[k] = v;
  return env;
}

const run = (args: string[], cwd: string, env: Record<string, string> = {}) =>
  runCli(args, { cwd, env: { ...cleanEnv(), ...env }, replaceEnv: true });

/** A store holding one unanswered question, at `path`. */
async function storeAt(path: string): Promise<void> {
  const store = new SqliteStore(path);
  await store.recordUnanswered({
    openKfId: 'wkA',
    text: '发票抬头',
    example: '发票抬头怎么改',
    at: Date.now(),
    candidates: [],
  });
  await store.close();
}

describe('.env is read by every command', () => {
  it('validate, test and simulate use KFBOT_RULES from .env', async () => {
    const dir = folderWithDotEnv();
    const validate = await run(['validate'], dir);
    expect(validate.stdout).toContain('✓ ./other: 1 file, 1 rule');
    expect(validate.code).toBe(0);
    const test = await run(['test'], dir);
    expect(test.stdout).toContain('1 passed, 0 failed');
    const simulate = await run(['simulate', '--text', '在吗'], dir);
    expect(simulate.stdout).toContain('在的，请问有什么可以帮您？');
    // The environment still wins over .env, and a flag over both.
    const env = await run(['validate'], dir, { KFBOT_RULES: './nowhere' });
    expect(env.stdout).toContain('./nowhere');
    const flag = await run(['test', '--rules', './other'], dir, { KFBOT_RULES: './nowhere' });
    expect(flag.code).toBe(0);
  }, 60_000);

  it('report reads the store KFBOT_STORE in .env names, and creates nothing else', async () => {
    const dir = folderWithDotEnv('KFBOT_STORE=sqlite:./stores/live.db\n');
    await storeAt(join(dir, 'stores', 'live.db'));
    const r = await run(['report', 'unanswered', '--format', 'csv'], dir);
    expect(r.stderr).toBe('');
    expect(r.stdout).toContain('发票抬头怎么改');
    expect(existsSync(join(dir, 'data'))).toBe(false);
  }, 60_000);
});

describe('reports only read the store', () => {
  it('a store that does not exist is one line and exit 1, and is not created', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'kfbot-nostore-'));
    const typo = await run(['report', 'rules', '--store', `sqlite:${dir}/typo/x.db`], dir);
    expect(typo.code).toBe(1);
    expect(typo.stderr).toBe(
      `kfbot report: no kfbot store at sqlite:${dir}/typo/x.db yet (kfbot serve creates it on its first start; nothing was created now): point at the one serve uses with --store URL or KFBOT_STORE\n`,
    );
    expect(existsSync(join(dir, 'typo'))).toBe(false);
    const plain = await run(['report', 'unanswered'], dir);
    expect(plain.code).toBe(1);
    expect(plain.stderr).toContain(`no kfbot store at sqlite:${dir}/data/kfbot.db`);
    expect(existsSync(join(dir, 'data'))).toBe(false);
  }, 60_000);

  it('an older store is left as it is, with what to do; a newer one is refused as serve refuses it', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'kfbot-versions-'));
    const older = join(dir, 'older.db');
    await storeAt(older);
    new Database(older).pragma('user_version = 1');
    const r = await run(['report', 'unanswered', '--store', `sqlite:${older}`], dir);
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(
      /^kfbot report: sqlite:.*older\.db has schema version 1, older than .*start kfbot serve once/,
    );
    expect(new Database(older).pragma('user_version', { simple: true })).toBe(1);

    const newer = join(dir, 'newer.db');
    await storeAt(newer);
    new Database(newer).pragma(`user_version = ${SQLITE_SCHEMA_VERSION + 1}`);
    const n = await run(['report', 'unanswered', '--store', `sqlite:${newer}`], dir);
    expect(n.code).toBe(1);
    expect(n.stderr).toContain(
      `has schema version ${SQLITE_SCHEMA_VERSION + 1}, but this kfbot knows versions up to`,
    );
    expect(n.stderr.trim().split('\n')).toHaveLength(1);
  }, 60_000);

  it('every store that cannot be opened is the one line serve prints for it, without a stack trace', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'kfbot-badstore-'));
    writeFileSync(join(dir, 'rules.yaml'), RULES);
    const credentials = {
      WECOM_CORP_ID: 'ww1234567890abcdef',
      WECOM_SECRET: 's',
      WECOM_TOKEN: 'Token123',
      WECOM_ENCODING_AES_KEY: 'jWmYm7qr5nMoAUwZRjGtBxmz3KA1tkAj3ykkR6q2B2C',
    };
    const cases = [
      'sqlite:',
      `sqlite:${dir}`,
      'sqlite:/etc/passwd',
      'redis://127.0.0.1:1/0',
      // A database number the test Redis does not have (16 by default).
      ...(process.env.KFBOT_TEST_REDIS ? [process.env.KFBOT_TEST_REDIS.replace(/\/\d+$/, '/99')] : []),
    ];
    for (const store of cases) {
      const report = await run(['report', 'sessions', '--store', store], dir);
      expect(report.code, store).toBe(1);
      const line = report.stderr.trim();
      expect(line.split('\n'), store).toHaveLength(1);
      expect(line, store).not.toMatch(/^\s+at /m);
      if (store === 'sqlite:') {
        expect(line).toBe(
          'kfbot report: --store "sqlite:" is not a store URL; use sqlite:./data/kfbot.db or redis://host:6379/0',
        );
        continue;
      }
      const serve = await run(
        ['serve', '--port', '0', '--rules', './rules.yaml', '--store', store],
        dir,
        credentials,
      );
      const said = serve.stderr.match(/kfbot serve: cannot start: (.*)/)?.[1];
      expect(said, store).toBeDefined();
      expect(line, store).toBe(`kfbot report: ${said}`);
    }
  }, 60_000);

  it('a Redis database kfbot never used is "no kfbot store", not an empty report', async (ctx) => {
    const url = process.env.KFBOT_TEST_REDIS;
    if (!url) return ctx.skip();
    const { Redis } = await import('ioredis');
    const empty = url.replace(/\/\d+$/, '/11');
    const redis = new Redis(empty);
    await redis.flushdb();
    redis.disconnect();
    const r = await run(['report', 'unanswered', '--store', empty], tmpdir());
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(
      /^kfbot report: no kfbot store at redis:\/\/127\.0\.0\.1:\d+\/11 yet .*: point at the one serve uses with --store URL or KFBOT_STORE\n$/,
    );
  });
});
