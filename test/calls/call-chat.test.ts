/**
 * `kfbot chat` (the sandbox's real serve path) makes a rule's call for real, and /explain shows
 * the request (secret redacted), the answer, the time it took and which actions ran after it.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { runCli } from '../cli/run-cli.ts';
import { ruleDir } from '../rules/helpers.ts';
import { type OrderBackend, startOrderBackend } from '../support/order-backend.ts';

let backend: OrderBackend;
afterEach(async () => {
  await backend.close();
});

describe('kfbot chat and calls', () => {
  it('makes the call for real and explains request, answer, duration and branch', async () => {
    backend = await startOrderBackend();
    const rules = ruleDir({
      'rules.yaml': `settings:
  calls: { allow: ["127.0.0.1:${backend.port}"] }
rules:
  - name: 查订单
    when: { text: { regex: '(?<order>\\d{12})' } }
    then:
      - call:
          name: order_status
          url: http://127.0.0.1:${backend.port}/orders/{{match.order}}
          headers: { Authorization: "Bearer {{env.SHOP_TOKEN}}" }
          save: { status: data.status }
      - reply: "状态：{{var.status}}"
`,
    });
    const r = await runCli(['chat', '--rules', rules], {
      input: '订单202611301234\n/explain\n/quit\n',
      env: { SHOP_TOKEN: 'sk-chat-secret-77' },
    });
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('bot › 状态：已发货');
    expect(r.stdout).toMatch(
      /↔ call order_status \(rule 查订单\): GET http:\/\/127\.0\.0\.1:\d+\/orders\/202611301234 → ✓ 200 saved \{"status":"已发货"\} in \d+ ms → rest/,
    );
    expect(r.stdout).toContain('headers {"Authorization":"Bearer ‹env.SHOP_TOKEN›"}');
    expect(`${r.stdout}${r.stderr}`).not.toContain('sk-chat-secret-77');
    expect(backend.seen[0]?.headers.authorization).toBe('Bearer sk-chat-secret-77');
  }, 60_000);
});
