import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { CONFIG_KEYS, loadConfig } from '../../src/config/config.ts';
import { runCli } from '../cli/run-cli.ts';

const GOOD = {
  WECOM_CORP_ID: 'ww1234567890abcdef',
  WECOM_SECRET: 's3cret-value',
  WECOM_TOKEN: 'Token123',
  WECOM_ENCODING_AES_KEY: 'jWmYm7qr5nMoAUwZRjGtBxmz3KA1tkAj3ykkR6q2B2C',
};
const emptyDir = () => mkdtempSync(join(tmpdir(), 'kfbot-config-'));

describe('configuration', () => {
  it('uses the documented defaults', () => {
    const { config } = loadConfig({ env: GOOD, cwd: emptyDir() });
    expect(config).toMatchObject({
      rules: './rules',
      port: 8080,
      store: 'sqlite:./data/kfbot.db',
      logLevel: 'info',
      apiBase: 'https://qyapi.weixin.qq.com',
    });
  });

  it('has no callback freshness window unless KFBOT_CALLBACK_MAX_SKEW sets one of at least 30 s', () => {
    const skew = (value?: string) =>
      loadConfig({
        env: { ...GOOD, ...(value !== undefined && { KFBOT_CALLBACK_MAX_SKEW: value }) },
        cwd: emptyDir(),
      });
    expect(skew().config?.callbackMaxSkewSec).toBe(0);
    expect(skew('0').config?.callbackMaxSkewSec).toBe(0);
    expect(skew('600').config?.callbackMaxSkewSec).toBe(600);
    expect(skew('15').problems).toEqual([
      expect.objectContaining({
        key: 'KFBOT_CALLBACK_MAX_SKEW',
        message: expect.stringContaining('must be 0 (no freshness window, the default) or'),
      }),
    ]);
  });

  it('reads a .env file, lets the environment override it and flags override both', () => {
    const dir = emptyDir();
    writeFileSync(
      join(dir, '.env'),
      `${Object.entries(GOOD)
        .map(([k, v]) => `${k}=${v}`)
        .join('\n')}\nKFBOT_PORT=9000\nKFBOT_RULES=./a\n`,
    );
    const { config } = loadConfig({ env: { KFBOT_PORT: '9100' }, flags: { rules: './b' }, cwd: dir });
    expect(config).toMatchObject({ corpId: GOOD.WECOM_CORP_ID, port: 9100, rules: './b' });
  });

  it('lists every problem with how to fix it', () => {
    const { problems } = loadConfig({
      env: {
        WECOM_ENCODING_AES_KEY: 'short',
        KFBOT_PORT: 'http',
        KFBOT_STORE: 'mysql://x',
        LOG_LEVEL: 'loud',
      },
      cwd: emptyDir(),
    });
    expect(problems.map((p) => p.key)).toEqual([
      'WECOM_CORP_ID',
      'WECOM_SECRET',
      'WECOM_TOKEN',
      'WECOM_ENCODING_AES_KEY',
      'KFBOT_PORT',
      'KFBOT_STORE',
      'LOG_LEVEL',
    ]);
    expect(problems.find((p) => p.key === 'WECOM_ENCODING_AES_KEY')?.message).toContain(
      '43-character EncodingAESKey (got 5',
    );
    expect(problems.find((p) => p.key === 'WECOM_SECRET')?.message).toContain('自建应用');
  });

  it('keeps unanswered questions 30 days unless KFBOT_UNANSWERED_RETENTION says otherwise, 0 for none', () => {
    expect(loadConfig({ env: GOOD, cwd: emptyDir() }).config?.unansweredRetentionMs).toBe(30 * 86_400_000);
    const off = loadConfig({ env: { ...GOOD, KFBOT_UNANSWERED_RETENTION: '0' }, cwd: emptyDir() });
    expect(off.config?.unansweredRetentionMs).toBe(0);
    const hours = loadConfig({ env: { ...GOOD, KFBOT_UNANSWERED_RETENTION: '12h' }, cwd: emptyDir() });
    expect(hours.config?.unansweredRetentionMs).toBe(12 * 3_600_000);
    const bad = loadConfig({ env: { ...GOOD, KFBOT_UNANSWERED_RETENTION: 'forever' }, cwd: emptyDir() });
    expect(bad.problems.map((p) => p.message)).toEqual([
      'KFBOT_UNANSWERED_RETENTION "forever" is not a duration such as 30d, 12h or 0 (keep none)',
    ]);
  });

  it('documents every key in .env.example', () => {
    const example = readFileSync(new URL('../../.env.example', import.meta.url), 'utf8');
    for (const key of Object.values(CONFIG_KEYS)) expect(example).toMatch(new RegExp(`^${key.env}=`, 'm'));
  });
});

describe('kfbot serve with bad configuration', () => {
  it('refuses to start and lists every problem, without echoing the secret', async () => {
    const r = await runCli(['serve'], {
      cwd: emptyDir(),
      env: { ...GOOD, WECOM_TOKEN: 'has spaces', KFBOT_PORT: '99999', WECOM_SECRET: 'do-not-print-me' },
    });
    expect(r.code).toBe(1);
    expect(r.stderr).toContain('the configuration has 2 problem(s)');
    expect(r.stderr).toContain('WECOM_TOKEN must be');
    expect(r.stderr).toContain('KFBOT_PORT "99999"');
    expect(r.stderr + r.stdout).not.toContain('do-not-print-me');
  });

  it('refuses to start when the rules are invalid, with file:line:col', async () => {
    const dir = emptyDir();
    writeFileSync(
      join(dir, 'bad.yaml'),
      'rules:\n  - name: a\n    when: { txt: x }\n    then: [ { reply: x } ]\n',
    );
    const r = await runCli(
      ['serve', '--rules', join(dir, 'bad.yaml'), '--store', 'sqlite::memory:', '--port', '0'],
      {
        cwd: dir,
        env: GOOD,
      },
    );
    expect(r.code).toBe(1);
    expect(r.stderr).toContain('bad.yaml:3:13: error: unknown fact "txt"');
  });
});

describe('configuration as a new user writes it', () => {
  it('an empty variable takes its default, a level in capitals is a level, a flag mistake names the flag', () => {
    const dir = emptyDir();
    writeFileSync(join(dir, '.env'), 'KFBOT_CONCURRENCY=\nKFBOT_UNANSWERED_RETENTION=\n');
    const { config } = loadConfig({ env: { ...GOOD, LOG_LEVEL: 'DEBUG', KFBOT_PORT: '' }, cwd: dir });
    expect(config).toMatchObject({
      concurrency: 16,
      unansweredRetentionMs: 30 * 86_400_000,
      logLevel: 'debug',
      port: 8080,
    });
    const { problems } = loadConfig({ env: GOOD, flags: { port: '99999', 'log-level': 'loud' }, cwd: dir });
    expect(problems.map((p) => p.message)).toEqual([
      '--port "99999" is not a port number (0-65535)',
      '--log-level "loud" is not one of fatal, error, warn, info, debug, trace, silent',
    ]);
  });
});
