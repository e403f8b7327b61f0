import { describe, expect, it } from 'vitest';
import { loadRules } from '../../src/rules/load-rules.ts';
import { formatProblem } from '../../src/rules/problems.ts';
import { ruleDir } from '../rules/helpers.ts';

const SETTINGS = `settings:\n  calls:\n    allow: [shop.example.com, "10.0.0.5:8080"]\n    timeout: 3s\n`;

function problems(rules: string, settings = SETTINGS): string[] {
  const dir = ruleDir({ 'r.yaml': `${settings}rules:\n${rules}` });
  return loadRules(dir).problems.map((p) => formatProblem(p).replace(/^.*r\.yaml:/, 'r.yaml:'));
}

const ORDER_RULE = `  - name: 查订单
    when: { text: { regex: '(?<order>\\d{12,20})' } }
    then:
      - call:
          name: order_status
          url: https://shop.example.com/api/orders/{{match.order}}
          method: GET
          headers: { Authorization: "Bearer {{env.SHOP_TOKEN}}" }
          timeout: 5s
          retries: 1
          save: { status: data.status, eta: data.eta }
          on_status: { "404": [ { reply: "没有找到订单 {{match.order}}，请核对订单号" } ] }
          on_error: [ { reply: 抱歉，订单系统暂时查不到 } ]
      - reply: "订单 {{match.order}}：{{var.status}}，预计 {{var.eta}} 送达"
`;

describe('call: in rule files', () => {
  it('accepts the documented order lookup', () => {
    expect(problems(ORDER_RULE)).toEqual([]);
  });

  it('refuses a host outside settings.calls.allow, and a private address not listed, at file:line', () => {
    const out = problems(`  - name: a
    when: { text: { any: [x] } }
    then:
      - call: { name: a, url: "https://evil.example.net/x" }
      - call: { name: b, url: "http://127.0.0.1:9000/x" }
      - call: { name: c, url: "http://10.0.0.5:8081/x" }
      - call: { name: d, url: "http://10.0.0.5:8080/x" }
`);
    expect(out).toHaveLength(3);
    expect(out[0]).toMatch(
      /^r\.yaml:9:\d+: error: call\.url reaches evil\.example\.net, which is not in settings\.calls\.allow/,
    );
    expect(out[1]).toMatch(
      /^r\.yaml:10:.*127\.0\.0\.1:9000, a loopback, link-local or private address: list it/,
    );
    expect(out[2]).toMatch(/10\.0\.0\.5:8081/);
  });

  it('refuses a placeholder in the scheme or host, methods, long timeouts, bad save paths and retries', () => {
    const out = problems(`  - name: a
    when: { text: { any: [x] } }
    then:
      - call: { name: a, url: "https://{{env.HOST}}/x" }
      - call: { name: b, url: "https://shop.example.com/x", method: FETCH }
      - call: { name: c, url: "https://shop.example.com/x", timeout: 31s }
      - call: { name: d, url: "https://shop.example.com/x", save: { s: "data..x" } }
      - call: { name: e, url: "https://shop.example.com/x", retries: 9 }
      - call: { name: f, url: "https://shop.example.com/x", body: { a: 1 } }
`).join('\n');
    expect(out).toMatch(/written-out host, before any placeholder/);
    expect(out).toMatch(/call\.method is one of GET, POST, PUT, PATCH, DELETE/);
    expect(out).toMatch(/timeout is a duration from 1ms to 30s/);
    expect(out).toMatch(/save\.s is a dotted path/);
    expect(out).toMatch(/call\.retries is how many extra attempts/);
    expect(out).toMatch(/a GET call sends no body/);
  });

  it('refuses {{env.X}} outside a call, and a placeholder as a header name', () => {
    const out = problems(`  - name: a
    when: { text: { any: [x] } }
    then:
      - call: { name: a, url: "https://shop.example.com/x", headers: { "{{text}}": v } }
      - reply: "token {{env.SHOP_TOKEN}}"
`).join('\n');
    expect(out).toMatch(/a header name cannot be a placeholder/);
    expect(out).toMatch(/\{\{env\.SHOP_TOKEN\}\} is allowed only in a call's url, headers and body/);
  });

  it('refuses {{match.x}} naming a group the rule has no regex for', () => {
    const out = problems(`  - name: a
    when: { text: { regex: '(?<order>\\d+)' } }
    then:
      - reply: "订单 {{match.ordr}}"
`);
    expect(out).toHaveLength(1);
    expect(out[0]).toMatch(
      /^r\.yaml:9:.*\{\{match\.ordr\}\}: rule "a" has no regex with a named group "ordr" \(its groups: order\)/,
    );
  });

  it('refuses a welcome or closing after a call (their 20 s codes), and two calls with one name', () => {
    const out = problems(`  - name: w
    when: { kind: enter_session }
    then:
      - call: { name: a, url: "https://shop.example.com/x" }
      - welcome: 欢迎
  - name: c
    when: { text: { any: [x] } }
    then:
      - call: { name: a, url: "https://shop.example.com/x" }
      - call: { name: a, url: "https://shop.example.com/y" }
`).join('\n');
    expect(out).toMatch(/welcome after a call: its event code lives 20 s/);
    expect(out).toMatch(/two calls named "a"/);
  });

  it('refuses bad settings.calls entries', () => {
    const out = problems(
      '  - name: a\n    when: { text: { any: [x] } }\n    then: [ { reply: x } ]\n',
      'settings:\n  calls:\n    allow: ["http://x/y"]\n    timeout: 1m\n    concurrency: 0\n',
    ).join('\n');
    expect(out).toMatch(/calls\.allow takes hosts/);
    expect(out).toMatch(/timeout is a duration from 1ms to 30s/);
    expect(out).toMatch(/concurrency is how many calls/);
  });
});
