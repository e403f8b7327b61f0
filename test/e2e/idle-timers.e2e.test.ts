/**
 * Durable idle timers in real `kfbot serve` processes on a real clock: killed with SIGKILL just
 * before or just after a timer is due, on SQLite and on Redis, a restarted kfbot fires it exactly
 * once; three replicas on one Redis, one killed and one frozen past its lease, fire every due timer
 * exactly once, and the frozen one sends nothing after it wakes.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { startSimulator, type WeComSimulator } from '../../src/simulator/index.ts';
import { redisClient } from '../../src/store/redis-store.ts';
import { useOwnRedisDatabase } from '../support/own-redis-database.ts';
import { AES_KEY, type KfbotProcess, startKfbotProcess, storeDir, TOKEN, waitFor } from './kfbot-process.ts';

const REDIS = process.env.KFBOT_TEST_REDIS_E2E ?? 'redis://127.0.0.1:6379/13';
useOwnRedisDatabase(REDIS);
const RULES = 'test/e2e/idle-rules';
const REMINDER = '您还在吗？';
const CLOSING = '会话已结束';

let sim: WeComSimulator | undefined;
let running: KfbotProcess[] = [];

afterEach(async () => {
  for (const p of running) {
    if (p.child.signalCode === 'SIGSTOP') p.child.kill('SIGCONT');
    await p.stop('SIGKILL');
  }
  running = [];
  await sim?.close();
  sim = undefined;
});

async function flushRedis(): Promise<void> {
  const admin = redisClient(REDIS);
  await admin.connect();
  await admin.flushdb();
  await admin.quit();
}

async function start(store: string, dir = storeDir()): Promise<KfbotProcess> {
  const s = sim as WeComSimulator;
  const p = await startKfbotProcess({
    apiBase: s.url,
    corpId: s.corpId,
    secret: s.secret,
    store: dir,
    rules: RULES,
    env: { KFBOT_STORE: store },
  });
  running.push(p);
  s.callbacks.configure({ url: `${p.url}/callback`, token: TOKEN, encodingAesKey: AES_KEY });
  return p;
}

const texts = (openKfId: string, id: string) =>
  (sim as WeComSimulator)
    .sent(openKfId, id)
    .map((m) => (m.content.text as { content: string } | undefined)?.content ?? m.msgtype);

/** One customer's echo answered: its silence (and the timers) start at the answer. */
async function customerWrites(
  openKfId?: string,
): Promise<{ openKfId: string; id: string; answeredAt: number }> {
  const s = sim as WeComSimulator;
  const id = s.customerSays({ text: 'echo 你好', ...(openKfId && { openKfId }) }).external_userid as string;
  const account = openKfId ?? s.openKfId;
  await waitFor(() => texts(account, id).length === 1, 'the echo');
  return { openKfId: account, id, answeredAt: Date.now() };
}

const sleepUntil = (at: number) => new Promise((r) => setTimeout(r, Math.max(0, at - Date.now())));

for (const backend of ['sqlite', 'redis'] as const) {
  describe(`idle timers on ${backend}`, () => {
    const storeUrl = (dir: string) => (backend === 'redis' ? REDIS : `sqlite:${dir}/kfbot.db`);

    it('fire exactly once when kfbot is killed with SIGKILL just before a timer is due', async () => {
      if (backend === 'redis') await flushRedis();
      sim = await startSimulator();
      const dir = storeDir();
      const bot = await start(storeUrl(dir), dir);
      const c = await customerWrites();
      await sleepUntil(c.answeredAt + 9_000);
      await bot.stop('SIGKILL');
      await sleepUntil(c.answeredAt + 11_000);
      await start(storeUrl(dir), dir);
      await waitFor(() => texts(c.openKfId, c.id).length >= 3, 'the reminder and the timeout', 20_000);
      await new Promise((r) => setTimeout(r, 2000));
      expect(texts(c.openKfId, c.id)).toEqual(['收到：echo 你好', REMINDER, CLOSING]);
    }, 60_000);

    it('fire exactly once when kfbot is killed with SIGKILL just after a timer is due', async () => {
      if (backend === 'redis') await flushRedis();
      sim = await startSimulator({ settings: { latencyMs: 150 } });
      const dir = storeDir();
      const bot = await start(storeUrl(dir), dir);
      const c = await customerWrites();
      // Killed while the reminder is being decided, recorded or sent (each API call takes 150 ms).
      await waitFor(
        () => bot.logs.some((l) => String(l.msg).includes('idle rule "提醒" is due')),
        'the reminder falling due',
        20_000,
      );
      await new Promise((r) => setTimeout(r, 100));
      await bot.stop('SIGKILL');
      await start(storeUrl(dir), dir);
      await waitFor(() => texts(c.openKfId, c.id).length >= 3, 'the reminder and the timeout', 20_000);
      await new Promise((r) => setTimeout(r, 2000));
      expect(texts(c.openKfId, c.id)).toEqual(['收到：echo 你好', REMINDER, CLOSING]);
    }, 60_000);
  });
}

describe('idle timers on three replicas', () => {
  it('fire every due timer exactly once through a SIGKILL and a SIGSTOP past the lease', async () => {
    await flushRedis();
    sim = await startSimulator({ accounts: [{ name: '售前' }, { name: '售后' }, { name: '会员' }] });
    const replicas = [await start(REDIS), await start(REDIS), await start(REDIS)];
    const s = sim;
    // The first replica to start receives the callbacks; each replica pulls whatever it leases.
    s.callbacks.configure({ url: `${replicas[0]?.url}/callback`, token: TOKEN, encodingAesKey: AES_KEY });
    const customers: Awaited<ReturnType<typeof customerWrites>>[] = [];
    for (let i = 0; i < 12; i++) customers.push(await customerWrites(s.accounts[i % 3]?.openKfId));
    // Before the reminders fall due: kill one replica, freeze another past its 5 s lease.
    const [, killed, frozen] = replicas as [KfbotProcess, KfbotProcess, KfbotProcess];
    await killed.stop('SIGKILL');
    frozen.child.kill('SIGSTOP');
    const frozenAt = Date.now();
    await waitFor(
      () => customers.every((c) => texts(c.openKfId, c.id).length >= 3),
      'every reminder and timeout',
      40_000,
    );
    await sleepUntil(frozenAt + 20_000);
    const sentBeforeWaking = s.sent().length;
    frozen.child.kill('SIGCONT');
    await new Promise((r) => setTimeout(r, 3000));
    expect(s.sent().length).toBe(sentBeforeWaking);
    for (const c of customers)
      expect(texts(c.openKfId, c.id)).toEqual(['收到：echo 你好', REMINDER, CLOSING]);
  }, 120_000);
});
