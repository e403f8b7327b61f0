/**
 * `kfbot test` as a new user writes tests: the mistakes that used to pass silently (or say
 * nothing) are named, with their line, and the limits of --faq say which one failed.
 */
import { describe, expect, it } from 'vitest';
import { ruleDir } from '../rules/helpers.ts';
import { runCli } from './run-cli.ts';

const RULES = `
menus:
  main:
    items:
      - { click: "1", label: 退款多久到账？, questions: [钱什么时候退回来], reply: 1-3 个工作日到账 }
rules:
  - name: 欢迎语
    when: { kind: enter_session }
    then:
      - welcome: { menu: main }
  - name: 直播间
    priority: 10
    when: { kind: enter_session, scene: live, scene_param: room01 }
    then:
      - welcome: 欢迎直播间01的朋友
  - name: 转人工
    when: { text: { any: [转人工] } }
    then:
      - transfer: { to: queue }
  - name: 兜底
    fallback: true
    then:
      - reply: 没听懂
`;

const test = (body: string) => `tests:\n${body}`;

describe('kfbot test: what a test file can say', () => {
  it('a rules file finds the tests/ folder beside it', async () => {
    const dir = ruleDir({
      'shop.yaml': RULES,
      'tests/a.yaml': test(
        '  - name: 点击\n    steps:\n      - click: 1\n        expect: { text: 工作日到账 }\n',
      ),
    });
    const r = await runCli(['test', '--rules', `${dir}/shop.yaml`]);
    expect(r.stderr).toBe('');
    expect(r.stdout).toBe('1 passed, 0 failed\n');
  }, 30_000);

  it('an unclosed quote in a test file is named at the line it opens on, not the end of the file', async () => {
    const dir = ruleDir({
      'rules.yaml': RULES,
      'tests/a.yaml': test(
        '  - name: 点击\n    steps:\n      - say: "退款\n        expect: { text: 工作日到账 }\n  - name: 直播间\n    steps:\n      - click: 1\n        expect: { text: 工作日到账 }\n',
      ),
    });
    const r = await runCli(['test', '--rules', dir]);
    expect(r.code).not.toBe(0);
    expect(r.stderr).toMatch(
      /a\.yaml:4: YAML: Missing closing "quote: the " that starts this text is never closed/,
    );
    expect(r.stderr).not.toMatch(/a\.yaml:1[01]:/);
  }, 30_000);

  it('enter: sets scene_param; click: 1 needs no quotes', async () => {
    const dir = ruleDir({
      'rules.yaml': RULES,
      'tests/a.yaml': test(
        '  - name: 直播间\n    steps:\n      - enter: { scene: live, scene_param: room01 }\n        expect: { text: 直播间01 }\n      - click: 1\n        expect: { text: 工作日到账 }\n',
      ),
    });
    const r = await runCli(['test', '--rules', dir]);
    expect(r.stdout).toBe('1 passed, 0 failed\n');
  }, 30_000);

  it('names duplicate test names, empty steps and an expect that matches anything; --json still prints JSON', async () => {
    const dir = ruleDir({
      'rules.yaml': RULES,
      'tests/a.yaml': test(
        [
          '  - name: 同名',
          '    steps:',
          '      - say: 你好',
          '  - name: 同名',
          '    steps: []',
          '  - name: 空文字',
          '    steps:',
          '      - say: 你好',
          '        expect: { text: "" }',
          '  - name: 错的期望',
          '    steps:',
          '      - say: 你好',
          '        expect: { transfer: human }',
          '',
        ].join('\n'),
      ),
    });
    const r = await runCli(['test', '--rules', dir]);
    expect(r.code).toBe(1);
    expect(r.stderr).toContain('a.yaml:6: a test has at least one step');
    expect(r.stderr).toMatch(/a\.yaml:5: test name "同名" is used twice \(also at \S+a\.yaml:2\)/);
    expect(r.stderr).toContain('a.yaml:9: expect: { text: "" } would match any reply');
    expect(r.stderr).toContain('{ transfer: queue | servicer | end }');
    const json = await runCli(['test', '--rules', dir, '--json']);
    expect(JSON.parse(json.stdout)).toMatchObject({ ok: false, problems: expect.any(Array) });
  }, 30_000);

  it('a servicer takes over only a customer waiting in the queue, as in WeCom and the sandbox', async () => {
    const early = test('  - name: 太早\n    steps:\n      - say: 你好\n      - servicer: takes over\n');
    const dir = ruleDir({ 'rules.yaml': RULES, 'tests/a.yaml': early });
    const r = await runCli(['test', '--rules', dir]);
    expect(r.code).toBe(1);
    expect(r.stdout).toContain(
      'the bot is serving the customer; a servicer takes a session only from the queue',
    );
    const queued = test(
      '  - name: 排队后\n    steps:\n      - say: 转人工\n        expect: { transfer: queue }\n      - servicer: takes over\n      - say: 在吗\n',
    );
    const ok = await runCli(['test', '--rules', ruleDir({ 'rules.yaml': RULES, 'tests/a.yaml': queued })]);
    expect(ok.stdout).toBe('1 passed, 0 failed\n');
  }, 30_000);
});

describe('kfbot test --faq limits', () => {
  it('refuses an empty phrasing list, a limit without --faq, and an empty limit; takes 90%; says which limit failed', async () => {
    const dir = ruleDir({
      'rules.yaml': RULES,
      'empty.txt': '# 只有注释\n# only comments\n',
      'p.txt': '钱几天能退回来 → 1\n发票怎么开 → 1\n',
    });
    const empty = await runCli(['test', '--rules', dir, '--faq', `${dir}/empty.txt`, '--min-accuracy', '90']);
    expect(empty.code).toBe(1);
    expect(empty.stderr).toContain('has no phrasings');
    const alone = await runCli(['test', '--rules', dir, '--min-accuracy', '90']);
    expect(alone.code).toBe(2);
    expect(alone.stderr).toContain('--min-accuracy is a limit of --faq FILE');
    const blank = await runCli(['test', '--rules', dir, '--faq', `${dir}/p.txt`, '--min-accuracy', '']);
    expect(blank.code).toBe(2);
    const pct = await runCli(['test', '--rules', dir, '--faq', `${dir}/p.txt`, '--min-accuracy', '90%']);
    expect(pct.code).toBe(1);
    expect(pct.stdout).toMatch(/✗ answered right \d+\.\d % is below --min-accuracy 90 %/);
    expect(pct.stdout).not.toContain('--max-out-of-domain');
  }, 30_000);
});
