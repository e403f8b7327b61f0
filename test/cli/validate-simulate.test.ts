import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { runCli } from './run-cli.ts';

const AT = ['--at', '2026-11-26T10:00:00+08:00'];

function rulesFile(yaml: string): string {
  const dir = mkdtempSync(join(tmpdir(), 'kfbot-cli-'));
  writeFileSync(join(dir, 'rules.yaml'), yaml);
  return join(dir, 'rules.yaml');
}

describe('kfbot validate', () => {
  it('accepts the shipped rules and sums them up', async () => {
    const r = await runCli(['validate']);
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(
      /^✓ \.\/rules: 7 files, \d+ rules, \d+ menus with \d+ click answers, FAQ of \d+ items and \d+ typed questions\n$/,
    );
  });

  it('reads KFBOT_RULES when no path is given', async () => {
    const r = await runCli(['validate'], { env: { KFBOT_RULES: 'examples/01-welcome-menu/rules.yaml' } });
    expect(r.stdout).toContain('examples/01-welcome-menu/rules.yaml: 1 file, 2 rules');
  });

  it('takes --rules PATH as simulate, test, serve and doctor do, and refuses two paths', async () => {
    const r = await runCli(['validate', '--rules', 'examples/01-welcome-menu/rules.yaml']);
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('examples/01-welcome-menu/rules.yaml: 1 file, 2 rules');
    const two = await runCli(['validate', 'rules', '--rules', 'examples/01-welcome-menu/rules.yaml']);
    expect(two.code).toBe(2);
    expect(two.stderr).toContain('give at most one rules path');
  });

  it('prints every problem with file:line:col and exits 1', async () => {
    const file = rulesFile('rules:\n  - name: a\n    when: { txt: x }\n    then: [ { say: x } ]\n');
    const r = await runCli(['validate', file]);
    expect(r.code).toBe(1);
    expect(r.stdout).toContain(`${file}:3:13: error: unknown fact "txt"`);
    expect(r.stdout).toContain(`${file}:4:15: error: unknown action "say"`);
    expect(r.stdout).toContain('✗');
  });

  it('prints problems as JSON with --json', async () => {
    const file = rulesFile('rules:\n  - name: a\n    when: { txt: x }\n    then: [ { reply: x } ]\n');
    const r = await runCli(['validate', file, '--json']);
    const out = JSON.parse(r.stdout) as { ok: boolean; problems: { line: number; message: string }[] };
    expect(out.ok).toBe(false);
    expect(out.problems[0]).toMatchObject({ line: 3, severity: 'error' });
  });

  it('rejects an unknown option with usage help', async () => {
    const r = await runCli(['validate', '--strict']);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('kfbot validate: unknown option --strict; the options are --json, --rules\n');
    expect(r.stderr).toContain('Run "kfbot validate --help"');
  });
});

describe('kfbot simulate', () => {
  it('shows the rule that answers a typed text and the request WeCom would accept', async () => {
    const r = await runCli(['simulate', '--text', '你好', ...AT]);
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('✓ 打招呼  (rules/keywords.yaml:');
    expect(r.stdout).toContain('POST kf/send_msg  ← rule 打招呼');
    expect(r.stdout).toContain('"msgtype": "msgmenu"');
    expect(r.stdout).toContain('✓ WeCom would accept every call');
  });

  it('asks with a clarifying menu when a typed question is as close to two FAQ items', async () => {
    // The parcel or the refund? Both items list a question like it.
    const r = await runCli(['simulate', '--text', '怎么还没到', ...AT]);
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('close candidates: a clarifying menu asks which one');
    expect(r.stdout).toContain('"head_content": "您是想问："');
    expect(r.stdout).toContain('{"type":"click","click":{"id":"order_where","content":"我的快递到哪了？"}}');
    expect(r.stdout).toContain('{"type":"click","click":{"id":"refund_time","content":"退款多久到账？"}}');
    expect(r.stdout).toContain('✓ WeCom would accept every call');
  });

  it('lists what serve looks up before deciding apart from the calls it makes', async () => {
    const r = await runCli(['simulate', '--text', '退款', '--nickname', '小明', ...AT]);
    expect(r.code).toBe(0);
    const [lookups, calls] = [r.stdout.indexOf('\nlookups '), r.stdout.indexOf('\ncalls ')];
    expect(lookups).toBeGreaterThan(0);
    expect(lookups).toBeLessThan(r.stdout.indexOf('\nfacts '));
    const shown = r.stdout.slice(lookups, calls);
    expect(shown).toContain('1. POST kf/customer/batchget  → the nickname for {{nickname}}');
    expect(shown).toContain('"nickname":"小明"');
    expect(shown).toContain("2. POST kf/service_state/get  → the session's state, which kfbot does not know");
    expect(shown).toContain('✓ answered {"errcode":0,"errmsg":"ok","service_state":0}');
    // The calls are numbered on their own: only what serve sends.
    expect(r.stdout.slice(calls)).toMatch(/^\ncalls\s+1\. POST kf\/send_msg /);
    // A session state kfbot knows is not asked for.
    const known = await runCli(['simulate', '--text', '退款', '--service-state', 'bot', ...AT]);
    expect(known.stdout).not.toContain('kf/service_state/get');
  });

  it('lists a transfer notice WeCom gives no msg_code for as dropped, not as a call serve would make', async () => {
    const file = rulesFile(`
rules:
  - name: 转人工
    when: { text: 人工 }
    then: [ { transfer: { to: queue, notice: 正在为您转接 } } ]
`);
    // Already queued: 2 → 2 is refused (95016), so there is no msg_code for the notice.
    const r = await runCli([
      'simulate',
      '--rules',
      file,
      '--text',
      '人工',
      '--service-state',
      'queued',
      '--json',
      ...AT,
    ]);
    const report = JSON.parse(r.stdout) as {
      calls: { api: string }[];
      dropped: { rule: string; reason: string }[];
    };
    expect(report.calls.map((c) => c.api)).toEqual(['kf/service_state/trans']);
    expect(report.dropped).toEqual([
      expect.objectContaining({
        rule: '转人工',
        reason: expect.stringContaining('transfer notice not sent: service_state/trans was refused (95016)'),
      }),
    ]);
    expect(r.code).toBe(1);
  });

  it('reads a sync_msg item from stdin', async () => {
    const item = {
      msgid: 'from-stdin',
      open_kfid: 'wkX',
      external_userid: 'wmY',
      send_time: 1795658400, // the --at below
      origin: 3,
      msgtype: 'text',
      text: { content: '查询订单与物流', menu_id: 'order' },
    };
    const r = await runCli(['simulate', '-', ...AT, '--json'], { input: JSON.stringify(item) });
    const out = JSON.parse(r.stdout) as {
      ok: boolean;
      rules: { name: string; matched: boolean }[];
      lookups: { api: string; looksUp: string }[];
      calls: { api: string }[];
    };
    expect(r.code).toBe(0);
    expect(out.lookups.map((l) => [l.api, l.looksUp])).toEqual([
      ['kf/customer/batchget', 'nickname'],
      ['kf/service_state/get', 'service_state'],
    ]);
    expect(out.rules.filter((x) => x.matched).map((x) => x.name)).toEqual(['main → 📦 查询订单与物流']);
    expect(out.calls.map((c) => c.api)).toEqual(['kf/send_msg']);
  });

  it('exits 1 and shows why a reply WeCom would refuse is not sent', async () => {
    const file = rulesFile(
      'rules:\n  - { name: 总是回复, when: { text: { any: [在] } }, then: [ { reply: 在的 } ] }\n',
    );
    const r = await runCli([
      'simulate',
      '--rules',
      file,
      '--text',
      '在吗',
      '--service-state',
      'human',
      ...AT,
    ]);
    expect(r.code).toBe(1);
    // serve drops it before asking WeCom, naming WeCom's refusal; simulate shows the same.
    expect(r.stdout).toMatch(
      /dropped\s+总是回复: the session is with a human servicer \(state 3\); WeCom would refuse send_msg with 95018/,
    );
  });

  it('exits 1 when the quota of 5 replies per customer message runs out', async () => {
    const replies = Array.from({ length: 6 }, (_, i) => `{ reply: 第${i + 1}条 }`).join(', ');
    const file = rulesFile(
      `rules:\n  - { name: 话多, when: { text: { any: [你] } }, then: [ ${replies} ] }\n`,
    );
    const r = await runCli(['simulate', '--rules', file, '--text', '你好', ...AT]);
    expect(r.code).toBe(1);
    expect(r.stdout.match(/✓ accepted/g)).toHaveLength(5);
    expect(r.stdout).toMatch(/dropped\s+话多: the 5-message quota .* WeCom would refuse with 95001/);
  });

  it('validate warns about a reply over 2048 bytes; simulate shows its messages, each accepted', async () => {
    const text = '本店支持七天无理由退货，请保持商品完好。'.repeat(70); // 4,200 bytes
    const file = rulesFile(
      `rules:\n  - { name: 政策, when: { text: { any: [退货] } }, then: [ { reply: ${text} } ] }\n`,
    );
    const v = await runCli(['validate', file]);
    expect(v.code).toBe(0);
    expect(v.stdout).toContain(
      'rules.yaml:2:58: warning: the text is 4200 bytes, over the 2048 WeCom takes in one message',
    );
    expect(v.stdout).toContain(
      'it will go out as 3 messages, spending 3 of the 5 WeCom allows per customer message',
    );
    const r = await runCli(['simulate', '--rules', file, '--text', '退货', ...AT]);
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('1. POST kf/send_msg  ← rule 政策 (message 1 of 3 of a 4200-byte text)');
    expect(r.stdout).toContain('3. POST kf/send_msg  ← rule 政策 (message 3 of 3 of a 4200-byte text)');
    expect(r.stdout.match(/✓ accepted/g)).toHaveLength(3);
  });

  it('refuses rules with errors and points at validate', async () => {
    const file = rulesFile('rules:\n  - name: a\n');
    const r = await runCli(['simulate', '--rules', file, '--text', 'x']);
    expect(r.code).toBe(1);
    expect(r.stderr).toContain(`kfbot validate ${file}`);
  });

  it('asks for a message when none is given', async () => {
    const r = await runCli(['simulate']);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('give one message');
  });
});
