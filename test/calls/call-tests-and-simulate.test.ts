/**
 * `kfbot test` with call fixtures (a call without one fails the test, and never reaches a
 * backend) and `kfbot simulate` showing a call redacted, taking a fixture, or making it.
 */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { PassThrough } from 'node:stream';
import { afterEach, describe, expect, it } from 'vitest';
import { main } from '../../src/cli/main.ts';
import { ruleDir } from '../rules/helpers.ts';
import { type OrderBackend, startOrderBackend } from '../support/order-backend.ts';

let backend: OrderBackend | undefined;
afterEach(async () => {
  await backend?.close();
  backend = undefined;
});

async function kfbot(args: string[], cwd: string, env: Record<string, string> = {}) {
  const stdout = new PassThrough();
  let text = '';
  stdout.on('data', (d: Buffer) => {
    text += d;
  });
  const code = await main(args, { stdout, stderr: stdout, cwd, env });
  return { code, text };
}

const RULES = (port: number) => `settings:
  calls: { allow: ["127.0.0.1:${port}"] }
rules:
  - name: 查订单
    when: { text: { regex: '(?<order>\\d{12})' } }
    then:
      - call:
          name: order_status
          url: http://127.0.0.1:${port}/orders/{{match.order}}
          headers: { Authorization: "Bearer {{env.SHOP_TOKEN}}" }
          save: { status: data.status }
          on_error: [ { reply: 查不到 } ]
      - reply: "状态：{{var.status}}"
  - name: 下单
    when: { text: { equals: 下单 } }
    then:
      - call: { name: create, method: POST, url: "http://127.0.0.1:${port}/orders", body: { who: "{{customer}}" } }
      - reply: 已下单
`;

describe('kfbot test with call fixtures', () => {
  it("answers calls from the step's fixtures, and fails a step whose call has none", async () => {
    const dir = ruleDir({
      'rules.yaml': RULES(9),
      'tests/t.yaml': `tests:
  - name: 有 fixture
    steps:
      - say: 订单 202611301234
        calls: { order_status: { status: 200, body: { data: { status: 已发货 } } } }
        expect: { text: 状态：已发货 }
      - say: 订单 202611301235
        calls: { order_status: timeout }
        expect: { text: 查不到 }
  - name: 没有 fixture
    steps:
      - say: 订单 202611301234
        expect: { text: 状态 }
`,
    });
    const { code, text } = await kfbot(['test', '--rules', join(dir, 'rules.yaml'), join(dir, 'tests')], dir);
    expect(code).toBe(1);
    expect(text).toMatch(/1 passed, 1 failed/);
    expect(text).toMatch(/没有 fixture.*\n.*expected: a fixture for call "order_status"/);
    expect(text).toMatch(/call "order_status" has no fixture; add calls: \{ order_status:/);
  });

  it("passes example 10's conversation tests", async () => {
    const { code, text } = await kfbot(
      ['test', 'examples/10-order-lookup/tests', '--rules', 'examples/10-order-lookup/rules.yaml'],
      process.cwd(),
    );
    expect(text).toMatch(/4 passed, 0 failed/);
    expect(code).toBe(0);
  });
});

describe('kfbot simulate and calls', () => {
  it('makes a GET for real with the secret but shows it redacted; shows a POST without making it; --calls makes it', async () => {
    backend = await startOrderBackend();
    const dir = ruleDir({ 'rules.yaml': RULES(backend.port) });
    const env = { SHOP_TOKEN: 'sk-secret-123' };
    const get = await kfbot(
      ['simulate', '--rules', join(dir, 'rules.yaml'), '--text', '订单 202611301234'],
      dir,
      env,
    );
    expect(get.code).toBe(0);
    expect(get.text).toContain(
      `GET http://127.0.0.1:${backend.port}/orders/202611301234  ← rule 查订单, call order_status`,
    );
    expect(get.text).toContain('"Authorization":"Bearer ‹env.SHOP_TOKEN›"');
    expect(get.text).toContain('saved {"status":"已发货"}');
    expect(get.text).toContain('状态：已发货');
    expect(get.text).not.toContain('sk-secret-123');
    expect(backend.seen[0]?.headers.authorization).toBe('Bearer sk-secret-123');

    const post = await kfbot(['simulate', '--rules', join(dir, 'rules.yaml'), '--text', '下单'], dir, env);
    expect(post.text).toMatch(/not made: a POST call is made with --calls/);
    expect(backend.seen).toHaveLength(1);
    const made = await kfbot(
      ['simulate', '--rules', join(dir, 'rules.yaml'), '--text', '下单', '--calls'],
      dir,
      env,
    );
    expect(made.text).toContain('已下单');
    expect(backend.seen).toHaveLength(2);
    expect(backend.seen[1]?.body).toBe('{"who":"wmDryRunCustomer"}');
  });

  it('takes a fixture with --call name=file, and shows which branch ran', async () => {
    const dir = ruleDir({ 'rules.yaml': RULES(9) });
    writeFileSync(join(dir, 'down.json'), '{"status": 503, "body": "busy"}');
    const r = await kfbot(
      [
        'simulate',
        '--rules',
        join(dir, 'rules.yaml'),
        '--text',
        '订单 202611301234',
        '--call',
        'order_status=down.json',
      ],
      dir,
    );
    expect(r.text).toContain('✓ status 503');
    expect(r.text).toContain('then: on_error');
    expect(r.text).toContain('查不到');
  });
});
