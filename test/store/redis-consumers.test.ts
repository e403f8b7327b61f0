/**
 * Each replica joins the pull-work consumer group under a fresh name, so dead replicas' names
 * would stay in the group for ever. A live replica removes those idle far past the lease with
 * nothing pending — and never one that still holds work, which would lose that work.
 */
import { randomBytes } from 'node:crypto';
import pino from 'pino';
import { afterAll, describe, expect, it } from 'vitest';
import { KfbotMetrics } from '../../src/runtime/metrics.ts';
import { RedisKeys } from '../../src/store/redis-keys.ts';
import { RedisPullWork } from '../../src/store/redis-pull-work.ts';
import { redisClient } from '../../src/store/redis-store.ts';
import { waitFor } from '../e2e/kfbot-process.ts';
import { REDIS_URL } from './redis-url.ts';

const prefix = `kfbot-consumers-${randomBytes(4).toString('hex')}:`;
const redis = redisClient(REDIS_URL);
let work: RedisPullWork | undefined;

afterAll(async () => {
  await work?.stop();
  const keys = await redis.keys(`${prefix}*`);
  if (keys.length) await redis.del(...keys);
  await redis.quit();
});

const consumers = async (stream: string) =>
  ((await redis.xinfo('CONSUMERS', stream, 'pullers')) as unknown[][]).map((c) => ({
    name: String(c[1]),
    pending: Number(c[3]),
  }));

describe('consumer names of dead replicas', () => {
  it('are removed once idle far past the lease with nothing pending; one with pending work stays', async () => {
    await redis.connect();
    const keys = new RedisKeys(prefix);
    const stream = keys.pulls();
    await redis.xgroup('CREATE', stream, 'pullers', '0', 'MKSTREAM');
    // Two replicas that died long ago: one had finished its work, one still had an entry pending.
    await redis.xgroup('CREATECONSUMER', stream, 'pullers', 'dead-idle');
    await redis.xadd(stream, '*', 'open_kfid', 'wkSomeAccount');
    await redis.xreadgroup('GROUP', 'pullers', 'dead-busy', 'COUNT', 1, 'STREAMS', stream, '>');
    await new Promise((r) => setTimeout(r, 300)); // both idle longer than pruneIdleMs below

    // A long lease keeps the live replica from claiming the pending entry during the test.
    work = new RedisPullWork({ redis, keys }, new KfbotMetrics(), pino({ level: 'silent' }), Date.now, {
      consumer: 'live',
      leaseMs: 60_000,
      pruneIdleMs: 200,
    });
    await work.start(async () => {});
    await waitFor(
      async () => !(await consumers(stream)).some((c) => c.name === 'dead-idle'),
      'the idle consumer to be pruned',
      15_000,
    );
    const left = await consumers(stream);
    expect(left.find((c) => c.name === 'dead-busy')?.pending).toBe(1);
    expect(left.map((c) => c.name)).not.toContain('dead-idle');
  });
});
