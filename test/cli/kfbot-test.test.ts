import { describe, expect, it } from 'vitest';
import { ruleDir } from '../rules/helpers.ts';
import { runCli } from './run-cli.ts';

const RULES = `
menus:
  main:
    items:
      - click: refund_time
        label: 退款多久到账？
        questions: [钱什么时候退回来]
        reply: 1-3 个工作日到账
rules:
  - name: 人工接待中不打扰
    priority: 1000
    when: { service_state: [queued, human] }
    then:
      - nothing: 人工接待中
  - name: 转人工
    when: { text: { any: [转人工] } }
    then:
      - transfer: { to: queue }
  - name: 欢迎语
    when: { kind: enter_session }
    then:
      - welcome: { menu: main }
  - name: 结束语
    when: { change_type: ended }
    then:
      - closing: 感谢咨询
  - name: 兜底
    fallback: true
    then:
      - reply: 没听懂
`;

describe('kfbot test', () => {
  it('runs the conversation tests shipped with the default rules, and they pass', async () => {
    const r = await runCli(['test']);
    expect(r.stderr).toBe('');
    expect(r.stdout).toMatch(/^\d+ passed, 0 failed\n$/);
    expect(r.code).toBe(0);
  });

  it('passes when every step gets the replies expected, across enter, say, click and a servicer', async () => {
    const dir = ruleDir({
      'rules.yaml': RULES,
      'tests/refund.yaml': `
tests:
  - name: 退款
    steps:
      - enter: {}
        expect: { menu: main }
      - say: 钱啥时候退回来
        expect: { text: 工作日到账 }
      - click: refund_time
        expect: { text: 工作日到账 }
      - say: 转人工
        expect: { transfer: queue }
      - servicer: takes over
      - say: 在吗
        expect: nothing
      - servicer: ends
        expect: { text: 感谢咨询 }
`,
    });
    const r = await runCli(['test', '--rules', dir]);
    expect(r.stdout).toBe('1 passed, 0 failed\n');
    expect(r.code).toBe(0);
  });

  it('prints a diff for each failing step and exits 1; --json for machines', async () => {
    const dir = ruleDir({
      'rules.yaml': RULES,
      'tests/refund.yaml': `
tests:
  - name: 退款要三天
    steps:
      - say: 钱啥时候退回来
        expect: { text: 三天 }
      - say: 今天天气怎么样
        expect: nothing
`,
    });
    const r = await runCli(['test', '--rules', dir]);
    expect(r.code).toBe(1);
    expect(r.stdout).toContain('退款要三天 — step 1 (say "钱啥时候退回来")');
    expect(r.stdout).toContain('- expected: a text containing "三天"');
    expect(r.stdout).toContain('+ got:      text "1-3 个工作日到账"');
    expect(r.stdout).toContain('step 2 (say "今天天气怎么样")');
    expect(r.stdout).toContain('+ got:      text "没听懂"');
    expect(r.stdout).toContain('0 passed, 1 failed');
    const json = await runCli(['test', '--rules', dir, '--json']);
    expect(json.code).toBe(1);
    const out = JSON.parse(json.stdout) as { ok: boolean; failures: { step: number; got: string }[] };
    expect(out.ok).toBe(false);
    expect(out.failures.map((f) => f.step)).toEqual([1, 2]);
  }, 60_000);

  it('names the line of a malformed step', async () => {
    const dir = ruleDir({
      'rules.yaml': RULES,
      'tests/bad.yaml': 'tests:\n  - name: x\n    steps:\n      - shout: 你好\n',
    });
    const r = await runCli(['test', '--rules', dir]);
    expect(r.code).toBe(1);
    expect(r.stderr).toContain('tests/bad.yaml:4: unknown step "shout"');
    const wait = ruleDir({
      'rules.yaml': RULES,
      'tests/bad.yaml': 'tests:\n  - name: x\n    steps:\n      - wait: soon\n',
    });
    expect((await runCli(['test', '--rules', wait])).stderr).toContain(
      'tests/bad.yaml:4: wait: takes a duration such as 30s, 10m, 2h or 1h30m',
    );
  });

  it('fires idle rules within a wait: step at their own time, and shows the step that got them', async () => {
    const dir = ruleDir({
      'rules.yaml': `${RULES}
  - name: 提醒
    when: { kind: idle, idle_for: 5m }
    then: [ { reply: 您还在吗 } ]
`,
      'tests/idle.yaml': `
tests:
  - name: 沉默
    steps:
      - say: 钱啥时候退回来
      - wait: 4m
        expect: { text: 您还在吗 }
      - wait: 1m
        expect: { text: 您还在吗 }
`,
    });
    const r = await runCli(['test', '--rules', dir]);
    expect(r.stdout).toContain('沉默 — step 2 (wait 4m)');
    expect(r.stdout).toContain('+ got:      nothing');
    expect(r.stdout).not.toContain('step 3 (wait 1m)');
    expect(r.code).toBe(1);
  });

  it('sums up FAQ accuracy over phrasing lines with the confusions, and fails below --min-accuracy', async () => {
    const dir = ruleDir({
      'rules.yaml': RULES,
      'phrasings.txt':
        '# 退款\n钱几天能退回来 → refund_time\n发票怎么开 → refund_time\n今天天气怎么样 → none\n',
    });
    const r = await runCli(['test', '--rules', dir, '--faq', `${dir}/phrasings.txt`]);
    expect(r.stdout).toContain('answered right (top-1)     50.0 %  (1/2)');
    expect(r.stdout).toContain('out of domain answered     0.0 %  (0/1)');
    expect(r.stdout).toMatch(
      /… right item suggested {3}\d+\.\d % {2}\(in a suggest: menu, 猜你想问，含正确项\)/,
    );
    expect(r.stdout).toContain('refund_time → none: 1  ("发票怎么开", line 3)');
    expect(r.code).toBe(0);
    const strict = await runCli([
      'test',
      '--rules',
      dir,
      '--faq',
      `${dir}/phrasings.txt`,
      '--min-accuracy',
      '90',
    ]);
    expect(strict.code).toBe(1);
  }, 60_000);
});
