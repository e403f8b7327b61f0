/**
 * KFBOT_REDIS_WAIT_REPLICAS against a real primary and replica: the `attempting` record of a send
 * is on the replica before the WeCom call, and a replica that is gone slows kfbot once, not always.
 */
import { afterAll, beforeAll, expect, it } from 'vitest';
import { createLogger } from '../../src/runtime/logger.ts';
import { ReplicaWait, SKIP_MS } from '../../src/store/redis-replica-wait.ts';
import { RedisStore, redisClient } from '../../src/store/redis-store.ts';
import { type RedisProcess, startRedisProcess } from '../support/redis-servers.ts';

const TEST_TIMEOUT_MS = 2000;

let primary: RedisProcess;
let replica: RedisProcess;

beforeAll(async () => {
  primary = await startRedisProcess(['--repl-diskless-sync-delay', '0']);
  replica = await startRedisProcess(['--replicaof', '127.0.0.1', String(primary.port)]);
  const started = Date.now();
  // The primary counts the replica for WAIT only once it says the sync succeeded.
  while (
    !/Synchronization with replica \S+ succeeded/.test(primary.output()) &&
    Date.now() - started < 10_000
  )
    await new Promise((r) => setTimeout(r, 20));
  // …and WAIT counts it only once the replica has acknowledged an offset: wait for that, so the
  // test measures kfbot's waits, not the replica's start.
  const probe = redisClient(`redis://127.0.0.1:${primary.port}/0`);
  await probe.connect();
  while (Number(await probe.call('WAIT', 1, 1000)) < 1 && Date.now() - started < 20_000);
  probe.disconnect();
}, 30_000);

afterAll(() => {
  primary?.kill();
  replica?.kill();
});

it('has the attempting record on the replica when putSend returns, and stops waiting for a dead replica', {
  timeout: 30_000,
}, async () => {
  const redis = redisClient(`redis://127.0.0.1:${primary.port}/0`);
  const onReplica = redisClient(`redis://127.0.0.1:${replica.port}/0`);
  await redis.connect();
  await onReplica.connect();
  const waits: number[] = [];
  let shortfalls = 0;
  let clock = 1_000_000;
  const wait = new ReplicaWait(
    redis,
    1,
    createLogger('silent'),
    { observe: (s) => waits.push(s), shortfall: () => shortfalls++ },
    () => clock,
    // A replica on a loaded test machine may take longer than production's 250 ms to acknowledge;
    // what is tested is that kfbot waits for it, and how it stops waiting for a dead one.
    TEST_TIMEOUT_MS,
  );
  const store = new RedisStore(redis, undefined, wait);
  const record = {
    key: 'in1:0',
    inboundMsgid: 'in1',
    openKfId: 'wk1',
    externalUserId: 'wm1',
    api: 'kf/send_msg' as const,
    rule: 'r',
    status: 'attempting' as const,
    attempts: 1,
    updatedAt: clock,
  };
  await store.putSend(record);
  // Read from the replica right away: no sleep, no retry.
  expect(await onReplica.get(store.keys.send('in1:0'))).not.toBeNull();
  expect(waits).toHaveLength(1);
  expect(shortfalls).toBe(0);

  replica.kill();
  await new Promise((r) => setTimeout(r, 200));
  const before = performance.now();
  await store.putSend({ ...record, key: 'in2:0' });
  expect(performance.now() - before).toBeGreaterThanOrEqual(TEST_TIMEOUT_MS - 5);
  expect(shortfalls).toBe(1);
  // Within SKIP_MS the next send does not wait at all; after it, kfbot tries again.
  await store.putSend({ ...record, key: 'in3:0' });
  expect(waits).toHaveLength(2);
  clock += SKIP_MS + 1;
  await store.putSend({ ...record, key: 'in4:0' });
  expect(waits).toHaveLength(3);
  expect(shortfalls).toBe(2);
  // Only the attempting record waits: the outcome written after the call does not.
  await store.putSend({ ...record, key: 'in4:0', status: 'sent' });
  expect(waits).toHaveLength(3);
  redis.disconnect();
  onReplica.disconnect();
});
