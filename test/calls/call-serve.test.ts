/**
 * `call:` through the real app (receiver → pull → decide → call → reply) against a real HTTP
 * backend on loopback: what the customer receives for each outcome, what the backend sees (one
 * Idempotency-Key per call, X-Kfbot-Attempt, User-Agent), placeholder encoding, and secrets kept
 * out of logs, replies and stored records.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { startSimulator, type WeComSimulator } from '../../src/simulator/index.ts';
import { daysQuery } from '../../src/store/activity-days.ts';
import { ruleDir } from '../rules/helpers.ts';
import { type InProcessKfbot, startInProcess } from '../support/in-process-kfbot.ts';
import { type OrderBackend, startOrderBackend } from '../support/order-backend.ts';
import { until } from '../support/until.ts';

const SECRET = 'sk-live-9f8e7d6c5b4a';
let sim: WeComSimulator;
let bot: InProcessKfbot;
let backend: OrderBackend;

function rules(port: number, extra = ''): string {
  return `settings:
  calls:
    allow: ["127.0.0.1:${port}", "127.0.0.1:${port + 1}"]
    timeout: 800ms
rules:
  - name: 查订单
    when: { text: { regex: '(?<order>\\d{12,20})' } }
    then:
      - call:
          name: order_status
          url: http://127.0.0.1:${port}/api/orders/{{match.order}}
          headers: { Authorization: "Bearer {{env.SHOP_TOKEN}}" }
          retries: 1
          save: { status: data.status, eta: data.eta }
          on_status: { "404": [ { reply: "没有找到订单 {{match.order}}，请核对订单号" } ] }
          on_error: [ { reply: 抱歉，订单系统暂时查不到，请稍后再试 } ]
      - reply: "订单 {{match.order}}：{{var.status}}，预计 {{var.eta}} 送达"
  - name: 搜索
    when: { text: { regex: '^搜(?<q>.+)$' } }
    then:
      - call:
          name: search
          method: POST
          url: http://127.0.0.1:${port}/search/{{match.q}}?from=kf
          headers: { X-Token: "{{env.SHOP_TOKEN}}" }
          body: { q: "{{text}}", customer: "{{customer}}", n: 1 }
          on_error: [ { reply: 搜索失败 } ]
      - reply: 搜索完成
  - name: 外部
    when: { text: { equals: 外部 } }
    then:
      - call: { name: other_port, url: "http://127.0.0.1:${port + 1}/x", on_error: [ { reply: "外部失败" } ] }
      - reply: 外部成功
${extra}`;
}

async function start(extra = '', env: Record<string, string | undefined> = { SHOP_TOKEN: SECRET }) {
  sim = await startSimulator();
  const dir = ruleDir({ 'rules.yaml': rules(backend.port, extra) });
  bot = await startInProcess(sim, { config: { rules: dir }, env });
}

const texts = (id: string) =>
  sim.sent(sim.openKfId, id).map((m) => (m.content.text as { content: string } | undefined)?.content);

async function ask(text: string, count = 1): Promise<string[]> {
  const id = sim.customerSays({ text }).external_userid as string;
  await until(() => texts(id).length >= count, `${count} replies to ${text}`);
  await bot.app.work.idle();
  return texts(id) as string[];
}

beforeEach(async () => {
  backend = await startOrderBackend();
});
afterEach(async () => {
  await bot?.close();
  await sim?.close();
  await backend.close();
});

describe('call: against a real backend', () => {
  it('saves from a 2xx answer and replies with it, sending one Idempotency-Key, the attempt, the User-Agent and the secret', async () => {
    await start();
    expect(await ask('我的订单 2026113012345 到哪了')).toEqual([
      '订单 2026113012345：已发货，预计 12月9日 送达',
    ]);
    expect(backend.seen).toHaveLength(1);
    const r = backend.seen[0];
    expect(r?.method).toBe('GET');
    expect(r?.path).toBe('/api/orders/2026113012345');
    expect(r?.headers.authorization).toBe(`Bearer ${SECRET}`);
    expect(r?.headers['idempotency-key']).toMatch(/^kfbot-[A-Za-z0-9_-]{43}$/);
    expect(r?.headers['x-kfbot-attempt']).toBe('1');
    expect(r?.headers['user-agent']).toMatch(/^kfbot\/\d+\.\d+\.\d+/);
  });

  it('runs on_status for a listed status instead of the rest', async () => {
    await start();
    backend.behave(() => ({ status: 404, json: { error: 'no such order' } }));
    expect(await ask('订单 2026113012345')).toEqual(['没有找到订单 2026113012345，请核对订单号']);
  });

  it('runs on_error for a 5xx after its one retry, with the same key and attempt 2', async () => {
    await start();
    backend.behave(() => ({ status: 503, text: 'busy' }));
    expect(await ask('订单 2026113012345')).toEqual(['抱歉，订单系统暂时查不到，请稍后再试']);
    expect(backend.seen.map((r) => r.headers['x-kfbot-attempt'])).toEqual(['1', '2']);
    expect(new Set(backend.seen.map((r) => r.headers['idempotency-key'])).size).toBe(1);
  });

  it('counts a failed call as a miss of its rule for kfbot report rules, and a listed status as none', async () => {
    await start();
    backend.behave(() => ({ status: 503 }));
    await ask('订单 2026113012345');
    backend.behave(() => ({ status: 404 }));
    await ask('订单 2026113012346');
    const rows = await bot.app.store.activity.listRuleOutcomes(daysQuery('UTC', '2000-01-01'));
    expect(rows.find((r) => r.rule === '查订单')).toMatchObject({ hits: 2, misses: 1 });
    const metrics = await (await fetch(`${bot.app.url}/metrics`)).text();
    expect(metrics).toMatch(/kfbot_calls_total\{call="order_status",outcome="503"\} 1/);
    expect(metrics).toMatch(/kfbot_calls_total\{call="order_status",outcome="404"\} 1/);
    expect(metrics).toMatch(/kfbot_call_duration_seconds_count\{call="order_status"\} 2/);
  });

  it('runs on_error for a timeout within timeout × (retries + 1) plus backoff', async () => {
    await start();
    backend.behave(() => ({ delayMs: Number.POSITIVE_INFINITY }));
    const started = Date.now();
    expect(await ask('订单 2026113012345')).toEqual(['抱歉，订单系统暂时查不到，请稍后再试']);
    expect(Date.now() - started).toBeLessThan(800 * 2 + 2000);
    expect(backend.seen).toHaveLength(2);
  });

  it('runs on_error for an answer that is not JSON when save: needs it, and for one over 1 MB', async () => {
    await start();
    backend.behave(() => ({ text: '<html>oops</html>' }));
    expect(await ask('订单 2026113012345')).toEqual(['抱歉，订单系统暂时查不到，请稍后再试']);
    backend.behave(() => ({ bytes: 2 * 1024 * 1024 }));
    expect(await ask('订单 2026113012346')).toEqual(['抱歉，订单系统暂时查不到，请稍后再试']);
    const outcomes = bot
      .logs()
      .filter((l) => l.call === 'order_status' && l.outcome !== undefined)
      .map((l) => l.outcome);
    expect(outcomes).toEqual(['not_json', 'too_large']);
  });

  it('runs on_error for a redirect to a host not allowed, and follows none', async () => {
    await start();
    backend.behave((r) =>
      r.path.startsWith('/api')
        ? { status: 302, headers: { location: 'http://169.254.169.254/latest/meta-data' } }
        : {},
    );
    expect(await ask('订单 2026113012345')).toEqual(['抱歉，订单系统暂时查不到，请稍后再试']);
    expect(backend.seen).toHaveLength(1);
    expect(bot.logs().find((l) => l.call === 'order_status' && l.outcome !== undefined)?.outcome).toBe(
      'redirect',
    );
  });

  it('runs on_error for a refused connection', async () => {
    await start(); // port + 1 is allowed but nothing listens there (almost surely)
    expect(await ask('外部')).toEqual(['外部失败']);
    expect(bot.logs().find((l) => l.call === 'other_port' && l.outcome !== undefined)?.outcome).toBe(
      'refused',
    );
  });

  it('skips the rest (and says so in the log) when a call without on_error fails', async () => {
    await start(`  - name: 无兜底
    when: { text: { equals: 无兜底 } }
    then:
      - reply: 稍等
      - call: { name: bare, url: "http://127.0.0.1:${backend.port}/bare" }
      - reply: 不应发送
`);
    backend.behave(() => ({ status: 500 }));
    expect(await ask('无兜底')).toEqual(['稍等']);
    expect(bot.logs().some((l) => l.call === 'bare' && l.outcome === '500')).toBe(true);
  });

  it("encodes placeholders for where they go: a customer's ../, ?, # and quotes cannot change the URL's path or the JSON's shape", async () => {
    await start();
    const text = '搜../../admin?x=1#"},"evil":"1\n第二行';
    expect(await ask(text)).toEqual(['搜索完成']);
    const r = backend.seen[0];
    expect(r?.method).toBe('POST');
    expect(r?.path.startsWith('/search/')).toBe(true);
    expect(r?.path.endsWith('?from=kf')).toBe(true);
    expect(decodeURIComponent(r?.path.slice('/search/'.length, -'?from=kf'.length) ?? '')).toBe(
      '../../admin?x=1#"},"evil":"1 第二行',
    );
    const body = JSON.parse(r?.body ?? '') as Record<string, unknown>;
    expect(Object.keys(body)).toEqual(['q', 'customer', 'n']);
    expect(body.q).toBe(text);
    expect(body.customer).toMatch(/^wm/);
    expect(r?.headers['content-type']).toBe('application/json');
  });

  it('never puts an env value in a log line, a reply or a stored record', async () => {
    await start();
    const msgids = new Set<string>();
    bot.app.onDecision((e) => msgids.add(e.item.msgid));
    await ask('订单 2026113012345');
    await ask('搜东西');
    expect(bot.lines.join('\n')).not.toContain(SECRET);
    for (const m of sim.sent()) expect(JSON.stringify(m)).not.toContain(SECRET);
    expect(msgids.size).toBe(2);
    for (const id of msgids) {
      const record = await bot.app.store.getMessage(id);
      expect(record?.status).toBe('done');
      expect(JSON.stringify(record)).not.toContain(SECRET);
    }
  });

  it('fails a call whose env variable is unset with on_error, naming the variable in the log', async () => {
    await start('', {});
    expect(await ask('订单 2026113012345')).toEqual(['抱歉，订单系统暂时查不到，请稍后再试']);
    expect(backend.seen).toHaveLength(0);
    expect(bot.logs().find((l) => l.call === 'order_status' && l.outcome !== undefined)?.detail).toMatch(
      /SHOP_TOKEN is not set/,
    );
  });
});
