/**
 * Many accounts: a hotel chain or a franchise runs one kf account per shop. 500 accounts (BENCH_
 * ACCOUNTS) on three `kfbot serve` replicas sharing one Redis, light traffic (one customer per
 * account). Prints:
 *
 * - how evenly the replicas share the accounts (accounts whose replies each replica sent);
 * - Redis commands per second while idle (INFO stats, over 10 s), and the commands behind them;
 * - memory per replica (RSS and V8 heap, from each replica's /metrics);
 * - after one replica is SIGKILLed, how long until every account it served has answered a new
 *   message (the others take its work over once its leases expire);
 * - whether any account was served by two replicas at once: every message answered exactly once.
 *
 *   npx tsx bench/many-accounts.ts
 */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { request } from 'undici';
import { startSimulator, type WeComSimulator } from '../src/simulator/index.ts';
import { redisClient } from '../src/store/redis-store.ts';
import {
  AES_KEY,
  type KfbotProcess,
  memoryMb,
  startKfbotProcess,
  storeDir,
  TOKEN,
} from '../test/e2e/kfbot-process.ts';
import { startRedisProcess } from '../test/support/redis-servers.ts';

const ACCOUNTS = Number(process.env.BENCH_ACCOUNTS ?? 500);
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

let replicas: KfbotProcess[] = [];
const alive = (r: KfbotProcess) => r.child.exitCode === null && r.child.signalCode === null;

/** Each callback to a random live replica, as a load balancer would. */
function loadBalancer(): Promise<Server> {
  const server = createServer(async (req, res) => {
    const chunks: Buffer[] = [];
    for await (const c of req) chunks.push(c as Buffer);
    const live = replicas.filter(alive);
    const target = live[Math.floor(Math.random() * live.length)];
    let status = 502;
    if (target) {
      try {
        const r = await request(`${target.url}${req.url}`, {
          method: 'POST',
          body: Buffer.concat(chunks),
          headersTimeout: 3000,
        });
        await r.body.text();
        status = r.statusCode;
      } catch {
        // WeCom retries
      }
    }
    res.writeHead(status).end(status === 200 ? 'success' : '');
  });
  return new Promise((resolve) => server.listen(0, '127.0.0.1', () => resolve(server)));
}

async function until(check: () => boolean, timeoutMs: number): Promise<number> {
  const started = Date.now();
  while (!check()) {
    if (Date.now() - started > timeoutMs) return Number.NaN;
    await sleep(20);
  }
  return Date.now() - started;
}

async function main(): Promise<void> {
  const redis = await startRedisProcess(['--appendonly', 'no']);
  const url = `redis://127.0.0.1:${redis.port}/0`;
  const admin = redisClient(url);
  await admin.connect();
  const sim: WeComSimulator = await startSimulator({
    accounts: Array.from({ length: ACCOUNTS }, (_, i) => ({ name: `门店${i + 1}` })),
    settings: { callbackTimeoutMs: 4000 },
  });
  const start = () =>
    startKfbotProcess({
      apiBase: sim.url,
      corpId: sim.corpId,
      secret: sim.secret,
      store: storeDir(),
      rules: 'test/e2e/rules',
      env: { KFBOT_STORE: url, LOG_LEVEL: 'info' },
    });
  replicas = await Promise.all([start(), start(), start()]);
  const lb = await loadBalancer();
  sim.callbacks.configure({
    url: `http://127.0.0.1:${(lb.address() as AddressInfo).port}/callback`,
    token: TOKEN,
    encodingAesKey: AES_KEY,
  });
  const accounts = sim.accounts.map((a) => a.openKfId);
  const say = (round: number, which: readonly string[]) => {
    for (const openKfId of which)
      sim.customerSays({ openKfId, externalUserId: `wm${openKfId.slice(-8)}`, text: `echo ${round}` });
  };

  // 1. One customer on every account.
  say(1, accounts);
  const firstMs = await until(() => sim.sent().length >= ACCOUNTS, 60_000);
  console.log(`${ACCOUNTS} accounts, 3 replicas: one message on each account all answered in ${firstMs} ms`);

  // 2. Evenness: whose pid sent each account's reply.
  const pidOf = (ua: string) => Number(/pid (\d+)\)/.exec(ua)?.[1]);
  const servedBy = new Map<number, Set<string>>();
  for (const r of sim.requests.all) {
    if (r.api !== 'kf/send_msg') continue;
    const openKfId = (r.body as { open_kfid?: string }).open_kfid ?? '';
    const pid = pidOf(r.userAgent);
    if (!servedBy.has(pid)) servedBy.set(pid, new Set());
    servedBy.get(pid)?.add(openKfId);
  }
  const shares = replicas.map((r) => servedBy.get(r.child.pid as number)?.size ?? 0);
  console.log(
    `accounts answered per replica: ${shares.join(' / ')} (even: ${Math.round(ACCOUNTS / 3)} each)`,
  );

  // 3. Idle Redis load.
  // Long enough for the activity log of the last answers to be written: what follows is idle.
  await sleep(15_000);
  const stats = async () => {
    const info = await admin.info('commandstats');
    const calls = new Map<string, number>();
    for (const [, cmd, n] of info.matchAll(/^cmdstat_(\S+):calls=(\d+)/gm))
      calls.set(cmd as string, Number(n));
    return calls;
  };
  const before = await stats();
  const idleMs = 10_000;
  await sleep(idleMs);
  const after = await stats();
  const rates = [...after]
    .map(([cmd, n]) => [cmd, ((n - (before.get(cmd) ?? 0)) / idleMs) * 1000] as const)
    .filter(([, r]) => r > 0)
    .sort((a, b) => b[1] - a[1]);
  const total = rates.reduce((a, [, r]) => a + r, 0);
  console.log(
    `idle Redis load: ${total.toFixed(1)} commands/s (${rates
      .slice(0, 8)
      .map(([c, r]) => `${c} ${r.toFixed(1)}`)
      .join(', ')})`,
  );
  const mem = await Promise.all(replicas.map((r) => memoryMb(r.url)));
  console.log(`memory per replica: ${mem.map((m) => `RSS ${m.rss} MB, heap ${m.heap} MB`).join('; ')}`);
  const redisMem = /used_memory:(\d+)/.exec(await admin.info('memory'))?.[1];
  console.log(`Redis used_memory: ${Math.round(Number(redisMem) / 1024 / 1024)} MB`);

  // 4. A replica dies: every account it served writes again.
  const victim = replicas[0] as KfbotProcess;
  const orphaned = [...(servedBy.get(victim.child.pid as number) ?? [])];
  victim.child.kill('SIGKILL');
  const killedAt = Date.now();
  say(2, orphaned);
  const answeredTwice = () => orphaned.every((id) => sim.sent(id, `wm${id.slice(-8)}`).length >= 2);
  const takeoverMs = await until(answeredTwice, 60_000);
  console.log(
    `replica killed: all ${orphaned.length} of its accounts answered again ${takeoverMs} ms after its death (target < 10,000 ms)`,
  );
  // Everything else writes once more, then: exactly once everywhere.
  say(3, accounts);
  await until(() => sim.sent().length >= ACCOUNTS * 2 + orphaned.length, 60_000);
  await sleep(2000);
  let doubled = 0;
  let missing = 0;
  for (const id of accounts) {
    const replies = sim
      .sent(id, `wm${id.slice(-8)}`)
      .map((m) => (m.content.text as { content: string }).content);
    doubled += replies.length - new Set(replies).size;
    const want = orphaned.includes(id) ? 3 : 2;
    missing += Math.max(0, want - new Set(replies).size);
  }
  console.log(
    `exactly once: ${doubled} replies doubled, ${missing} messages unanswered (${Date.now() - killedAt} ms after the death)`,
  );
  for (const r of replicas) await r.stop('SIGKILL');
  lb.close();
  await sim.close();
  admin.disconnect();
  redis.kill();
  process.exit(0);
}

void main();
