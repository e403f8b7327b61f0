/**
 * The sandbox page on a phone-sized screen (390 px wide, as operators try it): one column,
 * nothing wider than the screen, a top bar that wraps whole controls, and explain JSON that
 * breaks between tokens rather than inside a key.
 */
import pino from 'pino';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { type Sandbox, startSandbox } from '../../src/sandbox/start-sandbox.ts';
import { launchChromium } from '../support/chromium.ts';
import { say } from '../support/sandbox-chat.ts';

// On a loaded machine (CI, several sessions on two cores) the page takes seconds to draw what it
// was sent: expect.poll waits up to 10 s here, not vitest's 1 s. Waiting longer asserts nothing less.
vi.setConfig({ expect: { poll: { timeout: 10_000 } } });

let sandbox: Sandbox;
let browser: Browser;
let page: Page;

beforeAll(async () => {
  sandbox = await startSandbox({
    env: { KFBOT_PORT: '0', KFBOT_HOST: '127.0.0.1', KFBOT_RULES: 'test/e2e/rules' },
    cwd: process.cwd(),
    logger: pino({ level: 'silent' }),
  });
  browser = await launchChromium();
  page = await browser.newPage({ viewport: { width: 390, height: 844 }, deviceScaleFactor: 1 });
  await page.goto(sandbox.url);
}, 30_000);

afterAll(async () => {
  await browser?.close();
  await sandbox?.close();
});

const box = async (selector: string) => {
  const b = await page.locator(selector).first().boundingBox();
  if (!b) throw new Error(`${selector} is not shown`);
  return b;
};

describe('the sandbox page at 390 px', () => {
  it('is one column no wider than the screen, with a top bar of whole controls', async () => {
    await page.locator('.customers button[aria-current="true"]').waitFor();
    expect(await page.evaluate<number>('document.documentElement.scrollWidth')).toBeLessThanOrEqual(390);
    const [phone, side, sidebar] = [await box('.phone'), await box('.side'), await box('.sidebar')];
    for (const b of [phone, side, sidebar]) {
      expect(b.x).toBeGreaterThanOrEqual(0);
      expect(b.x + b.width).toBeLessThanOrEqual(390);
    }
    expect(side.y).toBeGreaterThanOrEqual(phone.y + phone.height);
    expect(sidebar.y).toBeGreaterThanOrEqual(side.y + side.height);
    // One line each: the title and the clock keep their words together.
    expect((await box('.topbar > strong')).height).toBeLessThan(30);
    expect((await box('#wait-form')).height).toBeLessThan(40);
    await page.screenshot({ path: 'test-results/sandbox-390.png', fullPage: true });
  }, 30_000);

  it('breaks explain JSON between tokens, never inside a key', async () => {
    await page.getByRole('button', { name: /进入会话/ }).click();
    await say(page, 'echo 一段足够长的客户消息，让请求的正文在窄屏上折行');
    await page.locator('.msg.customer .bubble', { hasText: 'echo' }).click();
    // The explanation is drawn as kfbot's events arrive: wait for the send and WeCom's answer, so
    // every request's JSON is on the page before it is measured.
    await expect.poll(() => page.locator('#explain').textContent()).toContain('POST /cgi-bin/kf/send_msg');
    await expect.poll(() => page.locator('#explain').textContent()).toContain('✓ accepted');
    // In the page (a string: this project's TypeScript has no DOM types outside the page code).
    const split = await page.evaluate<string[]>(`(() => {
      const broken = [];
      for (const pre of document.querySelectorAll('#explain pre')) {
        const walker = document.createTreeWalker(pre, NodeFilter.SHOW_TEXT);
        for (let node = walker.nextNode(); node; node = walker.nextNode()) {
          for (const m of (node.textContent ?? '').matchAll(/"[a-z_]+"(?=:)/g)) {
            const range = document.createRange();
            range.setStart(node, m.index);
            range.setEnd(node, m.index + m[0].length);
            if (new Set([...range.getClientRects()].map((r) => Math.round(r.top))).size > 1) broken.push(m[0]);
          }
        }
      }
      return broken;
    })()`);
    expect(split).toEqual([]);
    expect(await page.evaluate<number>('document.documentElement.scrollWidth')).toBeLessThanOrEqual(390);
  }, 30_000);
});
