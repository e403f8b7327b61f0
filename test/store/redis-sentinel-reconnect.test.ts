/**
 * kfbot's Redis connection follows a Sentinel failover also when the sentinels announce the new
 * primary (+switch-master) while kfbot is asking one of them where the primary is — the moment a
 * reconnecting client spends most of a failover in. Found by `bench/failover.ts`: about one
 * failover in sixteen left kfbot's connections closed for good, so every customer went unanswered
 * (docs/replicas.md). Here the moment is made certain: a relay in front of the first sentinel
 * holds kfbot's question until the sentinels have announced the promotion.
 */
import { createConnection, createServer, type Server, type Socket } from 'node:net';
import { Redis } from 'ioredis';
import { afterEach, expect, it } from 'vitest';
import { redisClient } from '../../src/store/redis-store.ts';
import { type SentinelGroup, startSentinelGroup } from '../support/redis-servers.ts';

/** A TCP relay to a sentinel; while it holds, new connections wait (their bytes kept) until release. */
interface HoldingRelay {
  port: number;
  /** Connections accepted while holding and not yet let through. */
  readonly held: number;
  hold(): void;
  release(): void;
  close(): void;
}

async function holdingRelay(targetPort: number): Promise<HoldingRelay> {
  let holding = false;
  let waiting: (() => void)[] = [];
  const sockets = new Set<Socket>();
  const server: Server = createServer((client) => {
    sockets.add(client);
    const open = () => {
      const upstream = createConnection(targetPort, '127.0.0.1');
      sockets.add(upstream);
      const end = () => {
        client.destroy();
        upstream.destroy();
      };
      client.on('error', end).on('close', end);
      upstream.on('error', end).on('close', end);
      client.pipe(upstream).pipe(client);
    };
    if (holding) waiting.push(open);
    else open();
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
  return {
    port: (server.address() as { port: number }).port,
    get held() {
      return waiting.length;
    },
    hold: () => {
      holding = true;
    },
    release: () => {
      holding = false;
      for (const open of waiting) open();
      waiting = [];
    },
    close: () => {
      for (const s of sockets) s.destroy();
      server.close();
    },
  };
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

async function until(what: string, ok: () => boolean, ms: number): Promise<void> {
  const deadline = Date.now() + ms;
  while (!ok()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await sleep(20);
  }
}

let group: SentinelGroup | undefined;
const cleanup: (() => void)[] = [];

afterEach(() => {
  for (const c of cleanup.splice(0)) c();
  group?.kill();
});

it('follows a failover the sentinels announce while kfbot is asking them for the primary', async () => {
  group = await startSentinelGroup('kfbot');
  const [primary] = group.servers as [SentinelGroup['servers'][number]];
  const [first, second, third] = group.sentinels as [
    SentinelGroup['sentinels'][number],
    SentinelGroup['sentinels'][number],
    SentinelGroup['sentinels'][number],
  ];
  const relay = await holdingRelay(first.port);
  cleanup.push(() => relay.close());
  // kfbot asks the sentinels in the order given: the relayed one first.
  const url = `redis+sentinel://127.0.0.1:${relay.port},127.0.0.1:${second.port},127.0.0.1:${third.port}/kfbot/0`;
  const redis = redisClient(url);
  cleanup.push(() => redis.disconnect());
  await redis.connect();
  await redis.set('kfbot:test:failover', 'before');

  const watcher = new Redis({ host: '127.0.0.1', port: second.port, lazyConnect: true });
  cleanup.push(() => watcher.disconnect());
  watcher.on('error', () => {});
  let announced = false;
  watcher.on('message', () => {
    announced = true;
  });
  await watcher.connect();
  await watcher.subscribe('+switch-master');

  relay.hold();
  primary.kill();
  // kfbot's connection closes and it asks the first sentinel for the primary: held.
  await until('kfbot to ask the sentinels for the primary again', () => relay.held > 0, 10_000);
  await until('the sentinels to announce the promoted replica', () => announced, 30_000);
  await sleep(500); // every sentinel has published it by now
  expect(redis.status).not.toBe('ready');
  relay.release();

  // kfbot writes again, to the promoted replica, without being restarted.
  let lastError = '';
  const deadline = Date.now() + 15_000;
  for (;;) {
    try {
      await redis.set('kfbot:test:failover', 'after');
      break;
    } catch (err) {
      lastError = (err as Error).message;
      if (Date.now() > deadline)
        throw new Error(
          `kfbot's connection did not follow the failover (status ${redis.status}): ${lastError}`,
        );
      await sleep(100);
    }
  }
  expect(await redis.get('kfbot:test:failover')).toBe('after');
  expect(redis.status).toBe('ready');
}, 60_000);
