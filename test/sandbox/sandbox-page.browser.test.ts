import { cpSync, existsSync, mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pino from 'pino';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { type Sandbox, startSandbox } from '../../src/sandbox/start-sandbox.ts';
import { launchChromium } from '../support/chromium.ts';
import { newCustomer, say } from '../support/sandbox-chat.ts';

// On a loaded machine (CI, several sessions on two cores) the page takes seconds to draw what it
// was sent: expect.poll waits up to 10 s here, not vitest's 1 s. Waiting longer asserts nothing less.
vi.setConfig({ expect: { poll: { timeout: 10_000 } } });

const SCREENSHOT = 'test-results/sandbox.png';
let sandbox: Sandbox;
let browser: Browser;
let page: Page;
let rulesDir: string;

beforeAll(async () => {
  rulesDir = mkdtempSync(join(tmpdir(), 'kfbot-sandbox-rules-'));
  cpSync('test/e2e/rules', rulesDir, { recursive: true });
  writeFileSync(
    join(rulesDir, 'idle.yaml'),
    'rules:\n  - { name: 提醒, when: { kind: idle, idle_for: 5m }, then: [ { reply: 您还在吗？ } ] }\n',
  );
  sandbox = await startSandbox({
    env: { KFBOT_PORT: '0', KFBOT_HOST: '127.0.0.1', KFBOT_RULES: rulesDir },
    cwd: process.cwd(),
    logger: pino({ level: 'silent' }),
  });
  browser = await launchChromium();
  page = await browser.newPage({ viewport: { width: 1280, height: 860 } });
  await page.goto(sandbox.url);
});

afterAll(async () => {
  await browser?.close();
  await sandbox?.close();
});

const bot = (text: string) => page.locator('.msg.bot .bubble', { hasText: text });

describe('the sandbox page in a real Chromium', () => {
  it('welcomes, answers a menu click, closes the session with the closing remark, and explains', async () => {
    await page.getByRole('button', { name: /New customer/ }).waitFor();
    await page.locator('.customers button[aria-current="true"]').waitFor();

    await page.getByLabel('scene', { exact: true }).fill('ad');
    await page.getByRole('button', { name: /进入会话/ }).click();
    await expect.poll(() => bot('欢迎！').count()).toBe(1);
    await expect.poll(() => page.locator('.notice', { hasText: 'scene=ad' }).count()).toBe(1);

    await page.getByRole('button', { name: '营业时间' }).click();
    await expect.poll(() => bot('每天 9:00-21:00').count()).toBe(1);

    await say(page, 'echo 沙盒');
    await expect.poll(() => bot('收到：echo 沙盒').count()).toBe(1);
    await expect.poll(() => page.locator('#session-state').textContent()).toContain('1 智能助手接待');

    // The explain panel: the rule that fired, and the exact request with WeCom's answer.
    await page.locator('.msg.customer .bubble', { hasText: 'echo 沙盒' }).click();
    await expect.poll(() => page.locator('#explain').textContent()).toContain('✓ 复述');
    await expect.poll(() => page.locator('#explain').textContent()).toContain('POST /cgi-bin/kf/send_msg');
    await expect.poll(() => page.locator('#explain').textContent()).toContain('✓ accepted');

    await page.getByRole('button', { name: /结束会话/ }).click();
    await expect.poll(() => page.locator('.notice', { hasText: '会话已结束' }).count()).toBe(1);
    await expect.poll(() => bot('感谢咨询，再见！').count()).toBe(1);

    mkdirSync('test-results', { recursive: true });
    await page.screenshot({ path: SCREENSHOT, fullPage: true });
    expect(existsSync(SCREENSHOT)).toBe(true);
  });

  it('skips the clock ahead, and an idle rule’s reminder shows at once', async () => {
    await newCustomer(page);
    await say(page, 'echo 计时');
    await expect.poll(() => bot('收到：echo 计时').count()).toBe(1);
    // kfbot has skipped the clock when the action is answered (the page's clock ticks on its own,
    // so a changed clock shows nothing).
    const skip = async (by: string) => {
      await page.getByLabel(/Skip ahead by/).fill(by);
      const [answered] = await Promise.all([
        page.waitForResponse((r) => r.url().endsWith('/sandbox/actions')),
        page.getByRole('button', { name: /快进/ }).click(),
      ]);
      return answered.status();
    };
    expect(await skip('4m')).toBe(200);
    expect(await bot('您还在吗？').count()).toBe(0);
    expect(await skip('1m')).toBe(200);
    await expect.poll(() => bot('您还在吗？').count()).toBe(1);
    await page.getByLabel(/Skip ahead by/).fill('soon');
    await page.getByRole('button', { name: /快进/ }).click();
    await expect.poll(() => page.locator('#action-error').textContent()).toContain('wait takes a duration');
  });

  it('shows a refusal plainly, and the errors of rules that no longer load', async () => {
    // A rule that insists on replying even while a human has the session: WeCom refuses it.
    const rules = readFileSync(join(rulesDir, 'e2e.yaml'), 'utf8');
    writeFileSync(
      join(rulesDir, 'e2e.yaml'),
      rules.replace(
        'rules:\n',
        'rules:\n  - { name: 强制回复, priority: 2000, ignore_service_state: true, when: { text: { any: [强制] } }, then: [ { reply: 强制回复 } ] }\n',
      ),
    );
    // The watcher sees the file, and the rules load in a child process: seconds on a loaded machine.
    await expect
      .poll(() => page.locator('#rules-status').textContent(), { timeout: 15_000 })
      .toContain('rules v2');

    await newCustomer(page);
    await say(page, '天气');
    await expect.poll(() => bot('没听懂').count()).toBe(1);
    await say(page, '不懂');
    await expect.poll(() => bot('正在转接人工').count()).toBe(1);
    await page.getByRole('button', { name: /Take from queue/ }).click();
    await expect.poll(() => page.locator('#session-state').textContent()).toContain('3 人工接待');
    await say(page, '强制');
    await page.locator('.msg.customer .bubble', { hasText: '强制' }).click();
    await expect
      .poll(() => page.locator('#explain .refusal').textContent())
      .toBe('✗ WeCom refused: errcode 95018 — the session state does not allow sending');

    writeFileSync(
      join(rulesDir, 'e2e.yaml'),
      'rules:\n  - { name: 坏的, when: { txt: x }, then: [ { reply: x } ] }\n',
    );
    await expect
      .poll(() => page.locator('#rules-problems').textContent(), { timeout: 15_000 })
      .toContain('unknown fact "txt"');
    await expect
      .poll(() => page.locator('#rules-status').textContent(), { timeout: 15_000 })
      .toContain('invalid');
  });
});
