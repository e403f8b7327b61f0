/**
 * Every mistake a new user can make in the settings gets one sentence — what is wrong, how to fix
 * it — and exit code 1: never a stack trace, never "listening" first.
 */
import { describe, expect, it } from 'vitest';
import { AES_KEY, TOKEN } from '../e2e/kfbot-process.ts';
import { runCli, runInProcess } from './run-cli.ts';

const serve = (env: NodeJS.ProcessEnv) => runInProcess(['serve'], env);

const TEST_REDIS = new URL(process.env.KFBOT_TEST_REDIS ?? 'redis://127.0.0.1:6379/15');

/** Credentials set (so not the sandbox), the shipped rules, a WeCom that is never called. */
const env = (extra: Record<string, string>) => ({
  WECOM_CORP_ID: 'ww0123456789',
  WECOM_SECRET: 'secret',
  WECOM_TOKEN: TOKEN,
  WECOM_ENCODING_AES_KEY: AES_KEY,
  WECOM_API_BASE: 'http://127.0.0.1:9',
  LOG_LEVEL: 'silent',
  KFBOT_PORT: '0',
  KFBOT_HOST: '127.0.0.1',
  KFBOT_RULES: 'rules',
  KFBOT_STORE: 'sqlite::memory:',
  ...extra,
});

describe('kfbot serve refuses to start with one clear line', () => {
  it.each([
    [
      'a host name that does not resolve',
      { KFBOT_HOST: 'not-a-host.invalid' },
      'kfbot serve: cannot start: KFBOT_HOST "not-a-host.invalid" is not a known host name; set KFBOT_HOST or --host to 0.0.0.0 (every interface), 127.0.0.1, or an address of this machine',
    ],
    [
      'an address this machine does not have',
      { KFBOT_HOST: '192.0.2.1' },
      'kfbot serve: cannot start: KFBOT_HOST "192.0.2.1" is not an address of this machine; set KFBOT_HOST or --host to 0.0.0.0 (every interface), 127.0.0.1, or one of its addresses',
    ],
    [
      'a SQLite file that cannot be created',
      { KFBOT_STORE: 'sqlite:/proc/x.db' },
      'kfbot serve: cannot start: cannot open the SQLite store at /proc/x.db (the file cannot be created or opened there); set KFBOT_STORE to sqlite:PATH in a folder kfbot may write to',
    ],
    [
      'a SQLite folder that cannot be created',
      { KFBOT_STORE: 'sqlite:/proc/kfbot/x.db' },
      'kfbot serve: cannot start: cannot open the SQLite store at /proc/kfbot/x.db (no such folder, and it cannot be created); set KFBOT_STORE to sqlite:PATH in a folder kfbot may write to',
    ],
    [
      'a Redis database that is not a number',
      { KFBOT_STORE: `redis://:pw@${TEST_REDIS.host}/abc` },
      `  - KFBOT_STORE names Redis database "abc" on ${TEST_REDIS.host}: a database is a number, e.g. redis://${TEST_REDIS.host}/0`,
    ],
    [
      'a Redis database the server does not have',
      { KFBOT_STORE: `redis://${TEST_REDIS.host}/99` },
      `kfbot serve: cannot start: Redis at ${TEST_REDIS.host}/99 has no database 99 (ERR DB index is out of range); use one the server has, e.g. redis://host:port/0`,
    ],
    [
      'a Redis nobody listens on',
      { KFBOT_STORE: 'redis://127.0.0.1:1/0' },
      'kfbot serve: cannot start: Redis at 127.0.0.1:1/0 refused the connection (nothing listens there, ECONNREFUSED); start Redis or point KFBOT_STORE at one that is up',
    ],
    [
      'a Redis user the server does not know',
      { KFBOT_STORE: `redis://nobody:pw@${TEST_REDIS.host}/0` },
      `kfbot serve: cannot start: Redis at ${TEST_REDIS.host}/0 refused user "nobody" or its password (WRONGPASS); check the user name and password in KFBOT_STORE (redis://USER:PASSWORD@host:port/db)`,
    ],
    [
      'a Redis CA file that does not exist',
      { KFBOT_STORE: `rediss://:pw@${TEST_REDIS.host}/0`, KFBOT_REDIS_CA_FILE: '/nonexistent/ca.pem' },
      "  - KFBOT_REDIS_CA_FILE /nonexistent/ca.pem cannot be read (ENOENT); point it at the CA certificate (PEM) that signed Redis's certificate",
    ],
    [
      'a sentinel URL without a master name',
      { KFBOT_STORE: 'redis+sentinel://127.0.0.1:26379' },
      '  - KFBOT_STORE is not a valid sentinel URL; use redis+sentinel://host:26379,host:26380,host:26381/MASTER_NAME/0',
    ],
    [
      'an EncodingAESKey with characters outside letters and digits',
      { WECOM_ENCODING_AES_KEY: `${AES_KEY.slice(0, 40)}+/=` },
      '  - WECOM_ENCODING_AES_KEY may only hold letters and digits, but it has "+", "/", "="; copy the EncodingAESKey again from the 接收消息 page',
    ],
  ])('%s', async (_name, extra, line) => {
    const r = await serve(env(extra));
    expect(r.code).toBe(1);
    expect(r.stderr.split('\n')).toContain(line);
    expect(r.stderr).not.toContain(':pw@');
  });

  it('says --latency is for the sandbox when WeCom credentials are set', async () => {
    const r = await runInProcess(['serve', '--latency', '50'], env({}));
    expect(r.code).toBe(2);
    expect(r.stderr).toContain(
      "kfbot serve: --latency sets the round trip of the sandbox's simulated WeCom; with WeCom credentials kfbot talks to WeCom itself (add --sandbox to use the simulator)",
    );
  });

  it('the real process: one line, exit 1, no stack trace, no ioredis noise, never "listening"', async () => {
    const r = await runCli(['serve'], { env: env({ KFBOT_HOST: 'not-a-host.invalid', LOG_LEVEL: 'info' }) });
    expect(r.code).toBe(1);
    expect(r.stderr).toBe(
      'kfbot serve: cannot start: KFBOT_HOST "not-a-host.invalid" is not a known host name; set KFBOT_HOST or --host to 0.0.0.0 (every interface), 127.0.0.1, or an address of this machine\n',
    );
    expect(r.stdout).not.toContain('listening');
  }, 60_000);
});
