import { randomBytes } from 'node:crypto';
import { afterAll } from 'vitest';
import { RedisKeys } from '../../src/store/redis-keys.ts';
import { RedisStore, redisClient } from '../../src/store/redis-store.ts';
import { REDIS_URL } from './redis-url.ts';
import { storeContract } from './store-contract.ts';

const admin = redisClient(REDIS_URL);
const prefixes: string[] = [];

async function open(): Promise<RedisStore> {
  const prefix = `kfbot-test-${randomBytes(4).toString('hex')}:`;
  prefixes.push(prefix);
  const redis = redisClient(REDIS_URL);
  await redis.connect();
  return new RedisStore(redis, new RedisKeys(prefix));
}

afterAll(async () => {
  if (admin.status !== 'ready') await admin.connect();
  for (const prefix of prefixes) {
    const keys = await admin.keys(`${prefix}*`);
    if (keys.length) await admin.del(...keys);
  }
  await admin.quit();
});

let lastPrefix = '';
storeContract(
  'Redis',
  async () => {
    const store = await open();
    lastPrefix = store.keys.prefix;
    return store;
  },
  {
    ttlOf: async (kind, id) => {
      if (admin.status !== 'ready') await admin.connect();
      return admin.pttl(`${lastPrefix}${kind}:${id}`);
    },
    reopen: async (s) => {
      const prefix = (s as RedisStore).keys.prefix;
      await s.close();
      const redis = redisClient(REDIS_URL);
      await redis.connect();
      return new RedisStore(redis, new RedisKeys(prefix));
    },
    setLeaseOwner: async (key, token) => {
      if (admin.status !== 'ready') await admin.connect();
      await admin.set(key, token);
    },
  },
);
