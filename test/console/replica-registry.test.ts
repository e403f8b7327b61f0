/**
 * Every live replica's rules, on the 规则 page and in /readyz: two kfbots on one Redis each see
 * both, with the published version each runs; one that stops leaves the list at once, one that
 * stops beating (a crash) leaves it when its entry expires. With SQLite the list is this process.
 */
import { cpSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { request } from 'undici';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { REPLICA_TTL_MS } from '../../src/runtime/replica-heartbeat.ts';
import { startSimulator, type WeComSimulator } from '../../src/simulator/index.ts';
import { RedisStore, redisClient } from '../../src/store/redis-store.ts';
import { type InProcessKfbot, startInProcess } from '../support/in-process-kfbot.ts';
import { ConsoleClient } from './console-client.ts';

// A database of its own: other files flush theirs.
const REDIS = (process.env.KFBOT_TEST_REDIS ?? 'redis://127.0.0.1:6379/15').replace(/\/\d+$/, '/5');
const PASSWORD = 'replica registry password';

let sim: WeComSimulator;
const running: InProcessKfbot[] = [];

async function start(store: string): Promise<InProcessKfbot> {
  const rules = mkdtempSync(join(tmpdir(), 'kfbot-replica-registry-'));
  cpSync('test/e2e/rules', rules, { recursive: true });
  const bot = await startInProcess(sim, {
    config: { store, rules, consolePassword: PASSWORD, logLevel: 'warn' },
  });
  running.push(bot);
  return bot;
}

async function readyz(bot: InProcessKfbot) {
  const r = await request(`${bot.app.url}/readyz`);
  return (await r.body.json()) as {
    replicas: { id: string; rulesPublished: number; rulesVersion: number }[];
  };
}

async function rulesPage(bot: InProcessKfbot) {
  const c = new ConsoleClient(bot.app.url);
  await c.signIn(PASSWORD);
  const r = await c.go('/console/api/rules');
  expect(r.status).toBe(200);
  return JSON.parse(r.body) as {
    replicas: { id: string; self: boolean; rulesPublished: number; at: string }[];
  };
}

beforeAll(async () => {
  const admin = redisClient(REDIS);
  await admin.connect();
  await admin.flushdb();
  await admin.quit();
  sim = await startSimulator();
}, 30_000);

afterAll(async () => {
  for (const bot of running) await bot.close();
  await sim?.close();
});

describe('replicas on one Redis', () => {
  it('each replica lists both, with the published version each runs, and drops one that stops', async () => {
    const a = await start(REDIS);
    const b = await start(REDIS);
    expect(a.app.replicaId).not.toBe(b.app.replicaId);
    const ids = [a.app.replicaId, b.app.replicaId].sort();
    for (const bot of [a, b]) {
      const ready = await readyz(bot);
      expect(ready.replicas.map((r) => r.id)).toEqual(ids);
      // The first replica seeded the store with its files as version 1; the second adopted it.
      for (const r of ready.replicas) expect(r).toMatchObject({ rulesPublished: 1, rulesVersion: 1 });
      const page = await rulesPage(bot);
      expect(page.replicas.map((r) => r.id)).toEqual(ids);
      // The page marks the row of the replica that drew it.
      expect(page.replicas.filter((r) => r.self).map((r) => r.id)).toEqual([bot.app.replicaId]);
    }
    await b.close();
    running.splice(running.indexOf(b), 1);
    expect((await readyz(a)).replicas.map((r) => r.id)).toEqual([a.app.replicaId]);
    expect((await rulesPage(a)).replicas.map((r) => r.id)).toEqual([a.app.replicaId]);
  }, 60_000);

  it('a replica that stopped beating without saying so (a crash) drops out when its entry expires', async () => {
    const connection = redisClient(REDIS);
    await connection.connect();
    const store = new RedisStore(connection);
    const now = Date.now();
    const entry = {
      id: 'crashed:1:abc',
      host: 'crashed',
      rulesVersion: 3,
      rulesPublished: 1,
      rulesDiverged: false,
      startedAt: now - 60_000,
      at: now - REPLICA_TTL_MS - 1_000,
    };
    await store.replicas.beatReplica(entry, REPLICA_TTL_MS);
    expect((await store.replicas.listReplicas(now)).map((r) => r.id)).not.toContain('crashed:1:abc');
    await store.replicas.beatReplica({ ...entry, at: now }, REPLICA_TTL_MS);
    expect((await store.replicas.listReplicas(now)).map((r) => r.id)).toContain('crashed:1:abc');
    expect((await store.replicas.listReplicas(now + REPLICA_TTL_MS + 1)).map((r) => r.id)).not.toContain(
      'crashed:1:abc',
    );
    await store.close();
  });
});

describe('SQLite', () => {
  it('lists this process: the one replica using the file', async () => {
    const bot = await start('sqlite::memory:');
    const ready = await readyz(bot);
    expect(ready.replicas.map((r) => r.id)).toEqual([bot.app.replicaId]);
    expect((await rulesPage(bot)).replicas.map((r) => r.id)).toEqual([bot.app.replicaId]);
  }, 30_000);
});
