import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { runCli } from '../cli/run-cli.ts';

describe('kfbot chat', () => {
  it('plays a whole conversation from stdin: welcome, menu click, explain, handoff, closing', async () => {
    const input = [
      '/enter',
      '1',
      'echo 你好',
      '/explain',
      '天气',
      '不懂',
      '/takeover lisi',
      '/as servicer',
      '您好，我是李四',
      '/end',
      '/quit',
      '',
    ].join('\n');
    const r = await runCli(['chat', '--rules', 'test/e2e/rules'], { input });
    expect(r.code).toBe(0);
    const out = r.stdout;
    // The welcome menu, with numbered click items.
    expect(out).toMatch(/bot › .*欢迎！\n\s+1\. 营业时间\n\s+2\. 转人工/);
    // "1" clicked the first item.
    expect(out).toContain('bot › 每天 9:00-21:00');
    expect(out).toContain('bot › 收到：echo 你好');
    // /explain shows the rule and the call.
    expect(out).toContain('✓ 复述 (test/e2e/rules/e2e.yaml:');
    expect(out).toContain('→ POST kf/send_msg (rule 复述)');
    expect(out).toMatch(/session: 1 智能助手接待 · quota \d\/5/);
    // Two misses: the fallback, then the handoff notice.
    expect(out).toContain('bot › 没听懂，请点菜单');
    expect(out).toContain('bot › 抱歉没能帮到您，正在转接人工');
    expect(out).toContain('— lisi 接入会话 took the session —');
    expect(out).toContain('客服 lisi › 您好，我是李四');
    expect(out).toContain('— 会话已结束 the session ended —');
    expect(out).toContain('bot › 感谢咨询，再见！');
    expect(out.trim().endsWith('bye')).toBe(true);
  }, 60_000);

  it('says in the user’s terms why a takeover is not possible, and how to get there', async () => {
    const input = ['/takeover', '/enter', '1', '/takeover', '/enter', '/quit', ''].join('\n');
    const r = await runCli(['chat', '--rules', 'test/e2e/rules'], { input });
    expect(r.stdout).toContain(
      '✗ the customer has not opened the chat yet: open it first (/enter, or 进入会话 on the page)',
    );
    expect(r.stdout).toContain(
      '✗ nobody is waiting for a human: the bot is serving this customer, and a servicer takes a session only from the queue. Let the customer ask for one first (type 转人工 or click the handoff item in the menu), then take over',
    );
    expect(r.stdout).not.toContain('servicerTakes');
    // The second /enter has no welcome_code: the chat says so once, in words, and no log line shows.
    expect(r.stdout).toContain('⚠ 未发送 not sent (欢迎语): no welcome_code');
    expect(`${r.stdout}${r.stderr}`).not.toContain('{"level"');
  }, 60_000);

  it('runs at the pace --latency sets for the simulated WeCom, and refuses a pace that is not a number', async () => {
    const r = await runCli(['chat', '--rules', 'test/e2e/rules', '--latency', '50'], {
      input: '/enter\n1\n/quit\n',
    });
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('The simulated WeCom answers each API call in 50 ms ± 10.');
    expect(r.stdout).toContain('bot › 每天 9:00-21:00');
    const bad = await runCli(['chat', '--latency', 'fast'], { input: '/quit\n' });
    expect(bad.code).not.toBe(0);
    expect(bad.stderr).toContain('--latency must be a number of ms ≥ 0, not "fast"');
  }, 60_000);

  it('prints the address of its sandbox page', async () => {
    const r = await runCli(['chat', '--rules', 'test/e2e/rules'], { input: '/quit\n' });
    expect(r.stdout).toMatch(
      /^The same conversation on the sandbox page: http:\/\/127\.0\.0\.1:\d+\/sandbox$/m,
    );
  }, 60_000);

  it('skips the clock ahead with /wait, so the default rules’ reminder and timeout show without waiting', async () => {
    const input = ['/enter', '退款多久到账', '/wait 9m', '/wait 1m', '/wait 20m', '/quit', ''].join('\n');
    const r = await runCli(['chat', '--rules', 'rules'], { input });
    expect(r.code).toBe(0);
    const out = r.stdout;
    const reminder = out.indexOf('bot › 您还在吗？');
    expect(out.indexOf('— 9m later')).toBeLessThan(reminder);
    expect(out.indexOf('— 1m later')).toBeLessThan(reminder);
    expect(out.split('bot › 您还在吗？')).toHaveLength(2); // once
    // At 30 minutes: the session ends, and the closing remark is the satisfaction menu.
    expect(out.indexOf('— 20m later')).toBeLessThan(out.indexOf('本次服务已结束'));
    expect(r.stdout).toContain('/wait 5m');
  }, 60_000);

  it('says how to write a /wait duration it cannot read', async () => {
    const r = await runCli(['chat', '--rules', 'rules'], { input: '/wait soon\n/quit\n' });
    expect(r.stdout).toContain(
      '✗ wait takes a duration such as 30s, 5m, 2h or 1h30m, up to 168h (got "soon")',
    );
  }, 60_000);
});

describe('the kfbot chat transcript the README and docs/sandbox.md show', () => {
  it.each(['README.md', 'docs/sandbox.md'])(
    'is what kfbot chat prints with the shipped rules (%s)',
    async (file) => {
      const text = readFileSync(file, 'utf8');
      const block = /```text\n\$ npx kfbot chat\n([\s\S]*?)```/.exec(text)?.[1];
      expect(block, `${file} shows a kfbot chat transcript`).toBeDefined();
      const lines = (block as string).split('\n').filter((l) => l.trim() !== '');
      const typed = lines.filter((l) => l.startsWith('> ')).map((l) => l.slice(2));
      const r = await runCli(['chat', '--rules', 'rules'], { input: [...typed, '/quit', ''].join('\n') });
      expect(r.code).toBe(0);
      // The customer's nickname is invented anew each run; the docs show 小明.
      const nickname = /you are (\S+),/.exec(r.stdout)?.[1] as string;
      for (const line of lines.filter((l) => !l.startsWith('> '))) {
        expect(r.stdout).toContain(line.replaceAll('小明', nickname));
      }
    },
    60_000,
  );
});
