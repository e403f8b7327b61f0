/**
 * A rule's call: across kill -9 of the real `kfbot serve`, on SQLite and on Redis: killed before
 * the call, during it, and after it but before the reply. The backend (a real HTTP server on
 * loopback) sees one Idempotency-Key per call; the customer gets exactly one reply; a POST whose
 * only attempt was interrupted is not repeated (retries: 0) and the customer gets on_error.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { startSimulator, type WeComSimulator } from '../../src/simulator/index.ts';
import { ruleDir } from '../rules/helpers.ts';
import { ORDER, type OrderBackend, startOrderBackend } from '../support/order-backend.ts';
import { useOwnRedisDatabase } from '../support/own-redis-database.ts';
import {
  emptyRedis,
  type KfbotProcess,
  killHard,
  serveForSimulator,
  storeDir,
  waitFor,
} from './kfbot-process.ts';

const REDIS = process.env.KFBOT_TEST_REDIS_CRASH ?? 'redis://127.0.0.1:6379/12';
useOwnRedisDatabase(REDIS);
const SECRET = 'sk-crash-test-5566';
let sim: WeComSimulator;
let backend: OrderBackend;
let bot: KfbotProcess | undefined;
let rules: string;
let dir: string;

const RULES = (port: number) => `settings:
  calls: { allow: ["127.0.0.1:${port}"], timeout: 10s }
rules:
  - name: 查订单
    when: { text: { regex: '^订单(?<order>\\d{12})$' } }
    then:
      - reply: 正在查询
      - call:
          name: order_status
          url: http://127.0.0.1:${port}/orders/{{match.order}}
          headers: { Authorization: "Bearer {{env.SHOP_TOKEN}}" }
          save: { status: data.status }
          on_error: [ { reply: 查询失败 } ]
      - reply: "状态：{{var.status}}"
  - name: 下单
    when: { text: { equals: 下单 } }
    then:
      - call: { name: create, method: POST, url: "http://127.0.0.1:${port}/create", on_error: [ { reply: 下单结果未知 } ] }
      - reply: 已下单
`;

const start = (store: 'sqlite' | 'redis'): Promise<KfbotProcess> =>
  serveForSimulator(sim, {
    store: dir,
    rules,
    env: { SHOP_TOKEN: SECRET, ...(store === 'redis' && { KFBOT_STORE: REDIS }) },
  });

const texts = (id: string) =>
  sim.sent(sim.openKfId, id).map((m) => (m.content.text as { content: string } | undefined)?.content);

const kill = () => killHard(bot);

beforeEach(async () => {
  sim = await startSimulator();
  backend = await startOrderBackend();
  rules = ruleDir({ 'rules.yaml': RULES(backend.port) });
  dir = storeDir();
  await emptyRedis(REDIS);
});

afterEach(async () => {
  if (bot) expect(bot.lines.join('\n')).not.toContain(SECRET);
  await bot?.stop('SIGKILL');
  bot = undefined;
  await sim.close();
  await backend.close();
});

describe.each(['sqlite', 'redis'] as const)('call: across kill -9 (%s)', (store) => {
  it('killed before the call: the backend sees it once, the customer each reply once', async () => {
    bot = await start(store);
    // The reply before the call hangs at WeCom: kfbot dies with the call not yet made.
    sim.faults.inject({ api: 'kf/send_msg', delayMs: 60_000 });
    const id = sim.customerSays({ text: '订单202611301234' }).external_userid as string;
    await waitFor(() => sim.requests.byApi('kf/send_msg').length > 0, 'the first reply on its way');
    await kill();
    sim.faults.clear();
    expect(backend.seen).toHaveLength(0);
    bot = await start(store);
    await waitFor(() => texts(id).length >= 2, 'both replies', 15_000);
    await new Promise((r) => setTimeout(r, 500));
    expect(texts(id)).toEqual(['正在查询', '状态：已发货']);
    expect(backend.seen).toHaveLength(1);
  });

  it('killed during the call: the GET is made again with the same key (attempt 2), one reply', async () => {
    backend.behave((r) =>
      r.headers['x-kfbot-attempt'] === '1' ? { delayMs: Number.POSITIVE_INFINITY } : { json: ORDER },
    );
    bot = await start(store);
    const id = sim.customerSays({ text: '订单202611301234' }).external_userid as string;
    await waitFor(() => backend.seen.length === 1, 'the call to reach the backend');
    await kill();
    bot = await start(store);
    await waitFor(() => texts(id).length >= 2, 'the replies', 15_000);
    await new Promise((r) => setTimeout(r, 500));
    const callLog = JSON.stringify(bot.logs.filter((l) => l.call === 'order_status'));
    expect(
      backend.seen.map((r) => r.headers['x-kfbot-attempt']),
      callLog,
    ).toEqual(['1', '2']);
    expect(new Set(backend.seen.map((r) => r.headers['idempotency-key'])).size).toBe(1);
    expect(texts(id)).toEqual(['正在查询', '状态：已发货']);
  });

  it('killed after the call, before the reply: the recorded outcome is used, no second call', async () => {
    bot = await start(store);
    // The first reply goes out; the one after the call hangs at WeCom.
    sim.faults.inject({
      api: 'kf/send_msg',
      delayMs: 60_000,
      match: (b) => JSON.stringify(b).includes('状态'),
    });
    const id = sim.customerSays({ text: '订单202611301234' }).external_userid as string;
    await waitFor(() => backend.seen.length === 1 && texts(id).length === 1, 'the call answered');
    await waitFor(() => sim.requests.byApi('kf/send_msg').length >= 2, 'the reply after the call on its way');
    await kill();
    sim.faults.clear();
    bot = await start(store);
    await waitFor(() => texts(id).length >= 2, 'the reply after the call', 15_000);
    await new Promise((r) => setTimeout(r, 500));
    expect(texts(id)).toEqual(['正在查询', '状态：已发货']);
    expect(backend.seen).toHaveLength(1);
  });

  it('a POST killed mid-call with retries: 0 is not repeated; the customer gets on_error once', async () => {
    backend.behave(() => ({ delayMs: Number.POSITIVE_INFINITY }));
    bot = await start(store);
    const id = sim.customerSays({ text: '下单' }).external_userid as string;
    await waitFor(() => backend.seen.length === 1, 'the POST to reach the backend');
    await kill();
    bot = await start(store);
    await waitFor(() => texts(id).length >= 1, 'the answer', 15_000);
    await new Promise((r) => setTimeout(r, 500));
    expect(texts(id)).toEqual(['下单结果未知']);
    expect(backend.seen).toHaveLength(1);
  });
});
