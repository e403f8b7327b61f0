/**
 * Whole-pipeline measurements against the WeCom simulator on loopback, each next to what it is
 * compared with in the same run: throughput (SQLite; Redis with one and three replicas) against the
 * raw limit of plain HTTP round trips to the same simulator; welcome latency at a steady offered
 * load; memory over many messages; start-up time with many rules.
 */
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Pool } from 'undici';
import { NOOP_PATH } from '../src/simulator/http/server.ts';
import { startSimulator, type WeComSimulator } from '../src/simulator/index.ts';
import { redisClient } from '../src/store/redis-store.ts';
import {
  AES_KEY,
  type KfbotProcess,
  rssMb,
  startKfbotProcess,
  storeDir,
  TOKEN,
} from '../test/e2e/kfbot-process.ts';
import { driveConversations } from '../test/support/conversation-driver.ts';
import { roundRobin } from './round-robin.ts';
import { ruleFile } from './rule-file.ts';

/** A budget no loopback run reaches (WeCom's real one would hold kfbot to ~158 sends/s). */
export const LOOPBACK_BUDGET = '100000000/1m';
const REDIS = process.env.BENCH_REDIS ?? 'redis://127.0.0.1:6379/11';
const log = (text: string) => process.stderr.write(`bench: ${text}\n`);

/** Loopback, frequency limits off: these figures measure kfbot's own cost per message. */
async function simulator(): Promise<WeComSimulator> {
  return startSimulator({
    accounts: [{ name: '售前' }, { name: '售后' }, { name: '会员' }],
    settings: { rateLimits: [] },
  });
}

async function bots(
  sim: WeComSimulator,
  count: number,
  store: string,
  rules = 'test/e2e/rules',
): Promise<KfbotProcess[]> {
  const dir = storeDir();
  const list = await Promise.all(
    Array.from({ length: count }, () =>
      startKfbotProcess({
        apiBase: sim.url,
        corpId: sim.corpId,
        secret: sim.secret,
        store: dir,
        rules,
        // The platform's limits are off on both sides here: these figures are kfbot's own cost.
        env: {
          KFBOT_STORE: store.replace('$DIR', dir),
          LOG_LEVEL: 'info',
          KFBOT_API_BUDGET: LOOPBACK_BUDGET,
        },
      }),
    ),
  );
  return list;
}

/** Plain undici POST round trips per second to the simulator doing no work: the ceiling. */
export async function rawLimit(seconds = 3, connections = 16): Promise<number> {
  const sim = await simulator();
  const pool = new Pool(sim.url, { connections });
  let done = 0;
  const until = performance.now() + seconds * 1000;
  await Promise.all(
    Array.from({ length: connections * 2 }, async () => {
      while (performance.now() < until) {
        const res = await pool.request({ path: NOOP_PATH, method: 'POST', body: '{"x":1}' });
        await res.body.text();
        done++;
      }
    }),
  );
  await pool.close();
  await sim.close();
  return done / seconds;
}

/** Customer messages answered per second through everything, with `replicas` kfbot processes. */
export async function throughput(
  store: string,
  replicas: number,
  messages: number,
): Promise<{ perSec: number; exact: boolean }> {
  const sim = await simulator();
  const list = await bots(sim, replicas, store);
  // One balancer-less target is enough for one replica; several share the callbacks round-robin.
  const lb = await roundRobin(list);
  sim.callbacks.configure({
    url: `${lb.url}/callback`,
    token: TOKEN,
    encodingAesKey: AES_KEY,
  });
  const result = await driveConversations(sim, { total: messages, customers: 1000, window: 2 });
  for (const b of list) await b.stop('SIGTERM');
  lb.close();
  await sim.close();
  return {
    perSec: result.answered / result.seconds,
    exact: result.wrong.length === 0 && result.answered === messages,
  };
}

/** Welcome latency (enter_session emitted → welcome delivered) at a steady offered load. */
export async function welcomeLatency(
  ratePerSec: number,
  seconds: number,
): Promise<{ p50: number; p99: number; delivered: number; offered: number }> {
  const sim = await simulator();
  const [bot] = await bots(sim, 1, 'sqlite:$DIR/kfbot.db');
  if (!bot) throw new Error('no kfbot');
  sim.callbacks.configure({ url: `${bot.url}/callback`, token: TOKEN, encodingAesKey: AES_KEY });
  const entered = new Map<string, number>();
  const latencies: number[] = [];
  const stop = sim.onSent((m) => {
    const t = entered.get(m.externalUserId);
    if (t !== undefined && m.codeKind === 'welcome') latencies.push(performance.now() - t);
  });
  const total = ratePerSec * seconds;
  const started = performance.now();
  for (let i = 0; i < total; i++) {
    const due = started + (i * 1000) / ratePerSec;
    const wait = due - performance.now();
    if (wait > 1) await new Promise((r) => setTimeout(r, wait));
    const id = `wmLatency${i}`;
    entered.set(id, performance.now());
    sim.customerEnters({ openKfId: sim.accounts[i % 3]?.openKfId as string, externalUserId: id });
  }
  const deadline = performance.now() + 30_000;
  while (latencies.length < total && performance.now() < deadline)
    await new Promise((r) => setTimeout(r, 50));
  stop();
  await bot.stop('SIGTERM');
  await sim.close();
  latencies.sort((a, b) => a - b);
  const pct = (p: number) =>
    latencies[Math.min(latencies.length - 1, Math.floor(latencies.length * p))] ?? Number.NaN;
  return { p50: pct(0.5), p99: pct(0.99), delivered: latencies.length, offered: total };
}

/** kfbot's resident memory idle, after `messages`, and the growth between the first tenth and the end. */
export async function memory(
  messages: number,
): Promise<{ idleMb: number; afterMb: number; growthPer100kMb: number }> {
  const sim = await simulator();
  const [bot] = await bots(sim, 1, 'sqlite:$DIR/kfbot.db');
  if (!bot) throw new Error('no kfbot');
  sim.callbacks.configure({ url: `${bot.url}/callback`, token: TOKEN, encodingAesKey: AES_KEY });
  await new Promise((r) => setTimeout(r, 1000));
  const idleMb = await rssMb(bot.url);
  const samples: { answered: number; rss: number }[] = [];
  await driveConversations(sim, {
    total: messages,
    customers: 1000,
    window: 2,
    onProgress: async (answered) => {
      samples.push({ answered, rss: await rssMb(bot.url) });
    },
  });
  const afterMb = await rssMb(bot.url);
  await bot.stop('SIGTERM');
  await sim.close();
  const first = samples[0];
  const last = samples.at(-1);
  const growth =
    first && last && last.answered > first.answered
      ? ((last.rss - first.rss) * 100_000) / (last.answered - first.answered)
      : Number.NaN;
  return { idleMb, afterMb, growthPer100kMb: growth };
}

/** Process start → /readyz answering 200, with `rules` rules. */
export async function startup(rules: number): Promise<number> {
  const dir = mkdtempSync(join(tmpdir(), 'kfbot-bench-start-'));
  const file = join(dir, 'rules.yaml');
  writeFileSync(file, ruleFile(rules));
  const sim = await simulator();
  const started = performance.now();
  const [bot] = await bots(sim, 1, 'sqlite:$DIR/kfbot.db', file);
  const { request } = await import('undici');
  while ((await request(`${bot?.url}/readyz`)).statusCode !== 200) await new Promise((r) => setTimeout(r, 5));
  const ms = performance.now() - started;
  await bot?.stop('SIGTERM');
  await sim.close();
  return ms;
}

export async function flushRedis(): Promise<void> {
  const admin = redisClient(REDIS);
  await admin.connect();
  await admin.flushdb();
  await admin.quit();
}

export { log, REDIS };
