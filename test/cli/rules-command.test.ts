/** `kfbot rules versions | export | import | rollback` with the real executable and a SQLite store. */
import { cpSync, existsSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { useOwnRedisDatabase } from '../support/own-redis-database.ts';
import { runCli } from './run-cli.ts';

/** A Redis database kfbot never used (stale-replica.e2e empties the same number, so the file holds it). */
const EMPTY_REDIS = process.env.KFBOT_TEST_REDIS?.replace(/\/\d+$/, '/4');
if (EMPTY_REDIS) useOwnRedisDatabase(EMPTY_REDIS);

function setup() {
  const dir = mkdtempSync(join(tmpdir(), 'kfbot-rules-cli-'));
  cpSync('rules', join(dir, 'rules'), { recursive: true });
  cpSync('rules', join(dir, 'git'), { recursive: true });
  const env = { KFBOT_STORE: `sqlite:${join(dir, 'kfbot.db')}`, KFBOT_RULES: join(dir, 'rules') };
  return { dir, env };
}

describe('kfbot rules', () => {
  it('imports a folder through the gates, lists it, exports it for git, and rolls back', async () => {
    const { dir, env } = setup();
    const faq = join(dir, 'git', 'faq.yaml');
    writeFileSync(
      faq,
      readFileSync(faq, 'utf8').replace('支持微信支付（含信用卡）', '支持微信支付（含信用卡）和银行转账'),
    );
    const imported = await runCli(
      ['rules', 'import', join(dir, 'git'), '--message', '银行转账', '--by', '开发'],
      { env },
    );
    expect(imported.stdout).toMatch(
      /^published version 2 \(1 file\(s\): faq\.yaml; \d+ conversation test\(s\) passed\)\n$/,
    );
    expect(readFileSync(join(dir, 'rules', 'faq.yaml'), 'utf8')).toContain('银行转账');
    const list = (await runCli(['rules', 'versions'], { env })).stdout;
    expect(list).toMatch(
      /^ {3}2 {2}\S+ {2}开发 {2}银行转账\n {3}1 {2}\S+ {2}kfbot {2}the rules as found on disk/,
    );

    const out = join(dir, 'exported');
    expect((await runCli(['rules', 'export', out, '--version', '1'], { env })).stdout).toContain('version 1');
    expect(readFileSync(join(out, 'faq.yaml'), 'utf8')).not.toContain('银行转账');
    expect(readFileSync(join(out, 'tests', 'conversations.yaml'), 'utf8')).toContain('tests:');

    const back = await runCli(['rules', 'rollback', '1'], { env });
    expect(back.stdout).toContain('published version 3');
    expect(readFileSync(join(dir, 'rules', 'faq.yaml'), 'utf8')).not.toContain('银行转账');
  }, 60_000);

  it('refuses an import that breaks a conversation test, saying which, and changes nothing', async () => {
    const { dir, env } = setup();
    const faq = join(dir, 'git', 'faq.yaml');
    writeFileSync(faq, readFileSync(faq, 'utf8').replace('下单后 48 小时内发货', '下单后尽快发货'));
    const before = readFileSync(join(dir, 'rules', 'faq.yaml'), 'utf8');
    const r = await runCli(['rules', 'import', join(dir, 'git')], { env });
    expect(r.code).toBe(1);
    expect(r.stderr).toContain('kfbot rules import: refused:');
    expect(r.stderr).toContain('- expected: a text containing "48 小时内发货"');
    expect(readFileSync(join(dir, 'rules', 'faq.yaml'), 'utf8')).toBe(before);
    expect((await runCli(['rules', 'versions'], { env })).stdout).toContain('no version published yet');
    const usage = await runCli(['rules', 'rollback', 'x'], { env });
    expect(usage.code).toBe(2);
    expect(usage.stderr).toContain('rollback N is a version number');
  }, 60_000);

  it('versions and export in a folder with no store say so and how to point at one, and create nothing', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'kfbot-rules-nostore-'));
    for (const args of [
      ['rules', 'versions'],
      ['rules', 'export', 'out'],
    ]) {
      const r = await runCli(args, { cwd: dir });
      expect(r.code, args.join(' ')).toBe(1);
      expect(r.stdout).toBe('');
      expect(r.stderr).toBe(
        `kfbot rules: no kfbot store at sqlite:${dir}/data/kfbot.db yet (kfbot serve creates it on its first start; nothing was created now): point at the one serve uses with --store URL or KFBOT_STORE\n`,
      );
    }
    expect(readdirSync(dir)).toEqual([]);
    expect(existsSync(join(dir, 'data', 'kfbot.db'))).toBe(false);
  }, 60_000);

  it('versions on a Redis database kfbot never used says there is no store, and writes nothing there', async (ctx) => {
    const empty = EMPTY_REDIS;
    if (!empty) return ctx.skip();
    const { Redis } = await import('ioredis');
    const redis = new Redis(empty);
    await redis.flushdb();
    const r = await runCli(['rules', 'versions', '--store', empty], { cwd: tmpdir() });
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(
      /^kfbot rules: no kfbot store at redis:\/\/127\.0\.0\.1:\d+\/4 yet .*--store URL or KFBOT_STORE\n$/,
    );
    expect(await redis.dbsize()).toBe(0);
    redis.disconnect();
  }, 60_000);
});
