/**
 * Redis as cloud providers run it: TLS only, a password, ACL users, a private CA. What works is
 * kept working, and every way it can go wrong stops kfbot with one line naming what is wrong.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createLogger } from '../../src/runtime/logger.ts';
import { KfbotMetrics } from '../../src/runtime/metrics.ts';
import { type Backend, openBackend } from '../../src/store/open-backend.ts';
import { StoreOpenError } from '../../src/store/store-open-error.ts';
import {
  freePort,
  makeTestCa,
  type RedisProcess,
  startRedisProcess,
  type TestCa,
  tlsOnlyArgs,
} from '../support/redis-servers.ts';

let ca: TestCa;
let tlsRedis: RedisProcess;
let plainRedis: RedisProcess;
const opened: Backend[] = [];

beforeAll(async () => {
  ca = makeTestCa();
  const tlsPort = await freePort();
  tlsRedis = await startRedisProcess(
    [
      ...tlsOnlyArgs(ca, tlsPort),
      '--requirepass',
      'default-pw',
      '--user',
      'kfbot',
      'on',
      '>kfbot-pw',
      '~*',
      '&*',
      '+@all',
      '--user',
      'limited',
      'on',
      '>lim-pw',
      '~*',
      '+get',
      '--bind',
      '127.0.0.1',
      '127.0.0.2',
    ],
    { port: tlsPort },
  );
  plainRedis = await startRedisProcess(['--requirepass', 'default-pw']);
}, 30_000);

afterAll(async () => {
  for (const b of opened) {
    await b.work.stop();
    await b.store.close();
  }
  tlsRedis?.kill();
  plainRedis?.kill();
});

async function open(url: string, redisCaFile?: string): Promise<Backend> {
  const backend = await openBackend(url, {
    cwd: process.cwd(),
    metrics: new KfbotMetrics(),
    log: createLogger('silent'),
    now: Date.now,
    budgetLimits: [],
    ...(redisCaFile && { redisCaFile }),
  });
  opened.push(backend);
  return backend;
}

async function refusal(url: string, redisCaFile?: string): Promise<string> {
  const err = await open(url, redisCaFile).then(
    () => undefined,
    (e: Error) => e,
  );
  expect(err).toBeInstanceOf(StoreOpenError);
  expect(err?.message).not.toContain('\n');
  return err?.message ?? '';
}

describe('rediss:// against a TLS-only Redis', () => {
  it('works with the default user’s password and the CA given in KFBOT_REDIS_CA_FILE', async () => {
    const backend = await open(`rediss://:default-pw@127.0.0.1:${tlsRedis.port}/0`, ca.caFile);
    await backend.store.setCursor('wk-tls', 'c1');
    expect(await backend.store.getCursor('wk-tls')).toBe('c1');
  });

  it('works with an ACL user', async () => {
    const backend = await open(`rediss://kfbot:kfbot-pw@localhost:${tlsRedis.port}/1`, ca.caFile);
    await backend.store.setCursor('wk-acl', 'c2');
    expect(await backend.store.getCursor('wk-acl')).toBe('c2');
  });

  it('says the password is wrong, without printing it', async () => {
    const line = await refusal(`rediss://:not-the-pw@127.0.0.1:${tlsRedis.port}/0`, ca.caFile);
    expect(line).toBe(
      `Redis at 127.0.0.1:${tlsRedis.port}/0 refused the default user or its password (WRONGPASS); check the user name and password in KFBOT_STORE (redis://USER:PASSWORD@host:port/db)`,
    );
    expect(line).not.toContain('not-the-pw');
  });

  it('names the user Redis does not know', async () => {
    const line = await refusal(`rediss://nobody:kfbot-pw@127.0.0.1:${tlsRedis.port}/0`, ca.caFile);
    expect(line).toMatch(/^Redis at 127\.0\.0\.1:\d+\/0 refused user "nobody" or its password \(WRONGPASS\)/);
  });

  it('says the user lacks a permission kfbot needs', async () => {
    const line = await refusal(`rediss://limited:lim-pw@127.0.0.1:${tlsRedis.port}/0`, ca.caFile);
    expect(line).toMatch(
      /^Redis at 127\.0\.0\.1:\d+\/0: user "limited" lacks a permission kfbot needs \(NOPERM .*\); grant it \+@all on ~kfbot:\*/,
    );
  });

  it('says a password is needed when the URL has none', async () => {
    const line = await refusal(`rediss://127.0.0.1:${tlsRedis.port}/0`, ca.caFile);
    expect(line).toMatch(/requires a password \(NOAUTH\) and KFBOT_STORE gives none/);
  });

  it('says the certificate is not trusted and how to give the CA', async () => {
    const line = await refusal(`rediss://:default-pw@127.0.0.1:${tlsRedis.port}/0`);
    expect(line).toMatch(
      /^Redis at 127\.0\.0\.1:\d+\/0 presented a TLS certificate kfbot does not trust \([A-Z_]+\); give the CA that signed it with KFBOT_REDIS_CA_FILE=\/path\/ca\.pem$/,
    );
  });

  it('says when the CA file given did not sign the certificate', async () => {
    const line = await refusal(`rediss://:default-pw@127.0.0.1:${tlsRedis.port}/0`, ca.otherCaFile);
    expect(line).toContain(`it is not signed by the CA in KFBOT_REDIS_CA_FILE (${ca.otherCaFile})`);
  });

  it('says when the certificate names another host', async () => {
    // The certificate is for 127.0.0.1 and localhost; the server listens on 127.0.0.2 too.
    const line = await refusal(`rediss://:default-pw@127.0.0.2:${tlsRedis.port}/0`, ca.caFile);
    expect(line).toMatch(/presented a TLS certificate for another host name/);
  });

  it('says redis:// reached a TLS-only port', async () => {
    const line = await refusal(`redis://:default-pw@127.0.0.1:${tlsRedis.port}/0`);
    expect(line).toMatch(/if the server takes TLS only, use rediss:\/\//);
  });

  it('says rediss:// reached a port without TLS', async () => {
    const line = await refusal(`rediss://:default-pw@127.0.0.1:${plainRedis.port}/0`, ca.caFile);
    expect(line).toMatch(
      /did not complete a TLS handshake .*the port does not speak TLS \(then use redis:\/\/ instead of rediss:\/\/\)$/,
    );
  });

  it('says nothing listens at the address', async () => {
    const port = await freePort();
    const line = await refusal(`rediss://:default-pw@127.0.0.1:${port}/0`, ca.caFile);
    expect(line).toBe(
      `Redis at 127.0.0.1:${port}/0 refused the connection (nothing listens there, ECONNREFUSED); start Redis or point KFBOT_STORE at one that is up`,
    );
  });
});
