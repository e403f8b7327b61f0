/**
 * The console in a real Chromium (Debian's, through playwright-core, as the sandbox page's test):
 * signing in, the headers and cookie flags, the CSRF refusal, a hostile customer text shown and
 * never run, the overview's numbers against `kfbot report … --format json`, a session's
 * transcript, signing out, and the sign-in limit. Screenshots of every page at 1280×800 and on a
 * phone (390×844) land in test-results/ to be looked at.
 */
import { mkdirSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { startSimulator, type WeComSimulator } from '../../src/simulator/index.ts';
import type { SessionEndHow } from '../../src/store/activity-log.ts';
import { SqliteStore } from '../../src/store/sqlite-store.ts';
import { runInProcess } from '../cli/run-cli.ts';
import { holdRequests, launchChromium } from '../support/chromium.ts';
import { type InProcessKfbot, startInProcess } from '../support/in-process-kfbot.ts';

// On a loaded machine (CI, several sessions on two cores) the page takes seconds to draw what it
// was sent: expect.poll waits up to 10 s here, not vitest's 1 s. Waiting longer asserts nothing less.
vi.setConfig({ expect: { poll: { timeout: 10_000 } } });

const PASSWORD = 'browser test password';
const HOSTILE = '<img src=x onerror="window.__xss=1"><script>window.__xss=2</script>退货';
const DAY = 86_400_000;
const NOW = Date.now();
const SESSION_START = NOW - 3600_000;

let sim: WeComSimulator;
let bot: InProcessKfbot;
let browser: Browser;
let storeUrl: string;

async function seed(path: string): Promise<void> {
  const s = new SqliteStore(path);
  const a = s.activity;
  const hows: SessionEndHow[] = ['timeout', 'servicer', 'bot', 'handover'];
  for (let d = 0; d < 30; d++)
    for (const kf of ['wkShop', 'wkHotel']) {
      const at = NOW - d * DAY;
      for (let i = 0; i < 4 + (d % 6); i++) await a.recordRuleOutcomes({ openKfId: kf, at, hits: ['复述'] });
      for (let i = 0; i < d % 3; i++) await a.recordRuleOutcomes({ openKfId: kf, at, hits: ['没听懂'] });
      if (d % 4 === 0) await a.recordRuleOutcomes({ openKfId: kf, at, hits: ['两次没听懂转人工'] });
      // Today a long answer reached each account's customer in part: 2 of its 3 parts.
      if (d === 0)
        await a.recordRuleOutcomes({
          openKfId: kf,
          at,
          hits: ['没听懂'],
          partly: [{ rule: '没听懂', sent: 2, of: 3 }],
        });
      if (d % 2) await a.recordRuleOutcomes({ openKfId: kf, at, unmatched: true });
      await a.recordSessionEnd({
        openKfId: kf,
        externalUserId: `wm${d}`,
        at,
        how: hows[d % 4] as SessionEndHow,
      });
      await a.recordScore({
        openKfId: kf,
        externalUserId: `wm${d}`,
        sessionStartedAt: at - 1,
        score: 1 + (d % 5),
        clickId: 'r',
        at,
      });
    }
  await s.recordUnanswered({
    openKfId: 'wkShop',
    text: '退货',
    example: HOSTILE,
    at: NOW,
    candidates: [{ id: 'returns', score: 0.42, question: '怎么退货' }],
  });
  const entry = { openKfId: 'wkShop', externalUserId: 'wmHostile', sessionStartedAt: SESSION_START };
  await s.sessions.recordSessionEntries([
    {
      ...entry,
      at: SESSION_START,
      msgid: 'h1',
      seq: 0,
      from: 'customer',
      kind: 'text',
      text: HOSTILE,
      why: '没有规则匹配 no rule matched',
    },
    {
      ...entry,
      at: SESSION_START + 1,
      msgid: 'h1',
      seq: 1,
      from: 'bot',
      kind: 'text',
      text: '没听懂，请点菜单',
      rules: ['没听懂'],
    },
    {
      ...entry,
      at: SESSION_START + 60_000,
      msgid: 'h2',
      seq: 0,
      from: 'servicer',
      kind: 'text',
      text: '您好，我是客服小李',
    },
  ]);
  await s.close();
}

beforeAll(async () => {
  mkdirSync('test-results', { recursive: true });
  const path = join(mkdtempSync(join(tmpdir(), 'kfbot-console-page-')), 'kfbot.db');
  await seed(path);
  storeUrl = `sqlite:${path}`;
  sim = await startSimulator();
  bot = await startInProcess(sim, { config: { store: storeUrl, consolePassword: PASSWORD } });
  browser = await launchChromium();
}, 60_000);

afterAll(async () => {
  await browser?.close();
  await bot?.close();
  await sim?.close();
});

/** A signed-in page; in `context` when given, so another tab of the same browser can share it. */
async function signedIn(width: number, height: number, context?: BrowserContext): Promise<Page> {
  const page = context ? await context.newPage() : await browser.newPage({ viewport: { width, height } });
  page.on('pageerror', (err) => {
    throw err;
  });
  await page.goto(`${bot.app.url}/console/login`);
  await page.getByLabel('密码 Password').fill(PASSWORD);
  await page.getByRole('button', { name: '登录 Sign in' }).click();
  await page.waitForURL(/\/console$/);
  return page;
}

describe('the console in Chromium', () => {
  it('shows a signed-out browser the login page only, with the security headers', async () => {
    const page = await browser.newPage({ viewport: { width: 1280, height: 800 } });
    const response = await page.goto(`${bot.app.url}/console/overview`);
    expect(page.url()).toBe(`${bot.app.url}/console/login?next=%2Fconsole%2Foverview`);
    const headers = response?.headers() ?? {};
    expect(headers['content-security-policy']).toContain("script-src 'self'");
    expect(headers['x-frame-options']).toBe('DENY');
    expect(headers['referrer-policy']).toBe('no-referrer');
    const status = (path: string) => page.evaluate(async (p) => (await fetch(p)).status, path);
    expect(await status('/console/api/overview')).toBe(401);
    expect(await status('/console/api/sessions')).toBe(401);
    expect(await status('/console/assets/console.js')).toBe(401);
    await page.screenshot({ path: 'test-results/console-login-1280.png' });
    await page.getByLabel('密码 Password').fill('not the password at all');
    await page.getByRole('button', { name: '登录 Sign in' }).click();
    await expect.poll(() => page.getByRole('alert').textContent()).toContain('密码不对，请重新输入');
    expect(await page.getByRole('alert').textContent()).toContain('Wrong password');
    await page.close();
  });

  it('signs in with an HttpOnly, SameSite=Strict cookie and draws the overview with the report’s numbers', async () => {
    const page = await signedIn(1280, 800);
    const cookie = (await page.context().cookies()).find((c) => c.name === 'kfbot_console');
    expect(cookie).toMatchObject({ httpOnly: true, sameSite: 'Strict', secure: false, path: '/console' });
    await page.locator('#chart-sessions .u-over').waitFor();
    await expect.poll(() => page.locator('.u-over').count()).toBe(6);
    await page.screenshot({ path: 'test-results/console-overview-1280.png' });
    // The sessions chart's table, day by day, against report sessions summed over the accounts.
    // The bars are stacked, yet pointing at a day the legend says each part's own count.
    const messages = (
      (await page.evaluate(async () => (await fetch('/console/api/overview')).json())) as {
        charts: { id: string; rows: Record<string, string | number>[] }[];
      }
    ).charts.find((c) => c.id === 'messages');
    const over = page.locator('#chart-messages .u-over');
    const box = await over.boundingBox();
    await over.hover({ position: { x: (box?.width ?? 0) / 2, y: (box?.height ?? 0) / 2 } });
    const legend = page.locator('#chart-messages .u-legend');
    // uPlot redraws the legend on the mouse's move, not necessarily before hover() returns: wait
    // for the day to replace the idle legend's 合计, then read the parts drawn with it.
    await expect
      .poll(() => legend.locator('.u-series').first().locator('.u-value').textContent())
      .toMatch(/^\d{4}-\d{2}-\d{2}$/);
    const shownParts = await legend.locator('.u-series .u-value').allTextContents();
    const pointed = shownParts[0];
    const row = messages?.rows.find((r) => r.day === pointed);
    expect(row).toBeDefined();
    expect(shownParts.slice(1).map(Number)).toEqual(
      ['answered', 'handoff', 'fallback', 'unmatched'].map((k) => Number(row?.[k])),
    );
    await page.mouse.move(0, 0);
    await page.locator('#chart-sessions summary').click();
    const shown = await page
      .locator('#chart-sessions table.data tbody tr')
      .evaluateAll((rows) => rows.map((r) => [...r.children].map((c) => c.textContent ?? '')));
    const report = JSON.parse(
      (await runInProcess(['report', 'sessions', '--format', 'json', '--store', storeUrl])).stdout,
    ) as Record<string, string | number>[];
    const byDay = new Map<string, number[]>();
    for (const r of report) {
      const sums = byDay.get(r.day as string) ?? [0, 0, 0, 0];
      ['timeout', 'servicer', 'bot', 'handover'].forEach((how, i) => {
        sums[i] = (sums[i] as number) + Number(r[how]);
      });
      byDay.set(r.day as string, sums);
    }
    expect(shown).toHaveLength(30);
    for (const [day, ...cells] of shown) {
      const expected = byDay.get(day as string) ?? [0, 0, 0, 0];
      expect(cells.map(Number), day).toEqual(expected);
    }
    const api = (await page.evaluate(async () => (await fetch('/console/api/overview')).json())) as {
      range: { from: string; to: string };
      totals: {
        containmentRate: number;
        handovers: number;
        handoff: number;
        csatAverage: number;
        csatCount: number;
      };
    };
    await expect
      .poll(() => page.locator('.card').first().textContent())
      .toContain(`${api.totals.containmentRate}%`);
    await page.close();
  });

  it('says what each overview number counts and on what scale, in yyyy-mm-dd days', async () => {
    const page = await signedIn(1280, 800);
    await page.locator('#chart-containment .u-over').waitFor();
    const { totals } = (await page.evaluate(async () => (await fetch('/console/api/overview')).json())) as {
      totals: { handovers: number; handoff: number; csatAverage: number; csatCount: number };
    };
    expect(await page.getAttribute('html', 'lang')).toBe('zh-CN');
    // Hand-overs (sessions) and hand-off rule hits (messages) are named, and why they differ is told.
    const handover = page.locator('#card-handover');
    expect(await handover.textContent()).toContain(`${totals.handovers} 个会话 sessions`);
    expect(await handover.textContent()).toContain(`${totals.handoff} 次规则命中 rule hits`);
    expect(totals.handovers).not.toBe(totals.handoff);
    // Why they differ is one click away, closed at first so the charts stay where they are.
    const why = handover.locator('details');
    expect(await why.getAttribute('open')).toBeNull();
    expect(await why.locator('p').first().isVisible()).toBe(false);
    const chartsTop = async () => (await page.locator('#chart-messages').boundingBox())?.y;
    const top = await chartsTop();
    await handover.getByText('为何两数不同？Why?').click();
    expect(await why.locator('p').first().isVisible()).toBe(true);
    expect(await why.textContent()).toContain('企业微信接受了转接');
    expect(await chartsTop()).toBe(top);
    await page.screenshot({ path: 'test-results/console-overview-handover-why-1280.png' });
    // 收起 closes it, and so does Esc.
    await why.getByRole('button', { name: '收起 Close' }).click();
    expect(await why.locator('p').first().isVisible()).toBe(false);
    await handover.getByText('为何两数不同？Why?').click();
    await page.keyboard.press('Escape');
    expect(await why.locator('p').first().isVisible()).toBe(false);
    // CSAT on its scale, with how many ratings it comes from.
    const csat = await page.locator('.card', { hasText: '满意度 CSAT' }).textContent();
    expect(csat).toContain(`${totals.csatAverage.toFixed(1)} / 5`);
    expect(csat).toContain(`${totals.csatCount} 份评价`);
    // The containment axis starts at 0 %, CSAT's at the lowest score.
    const axis = async (id: string) => {
      const box = page.locator(`#chart-${id} .chart`);
      return [await box.getAttribute('data-y-min'), await box.getAttribute('data-y-max')];
    };
    // The charts are drawn one after another, CSAT's after the containment chart waited for above.
    await expect.poll(() => axis('containment')).toEqual(['0', '100']);
    await expect.poll(() => axis('csat')).toEqual(['1', '5']);
    await page.screenshot({ path: 'test-results/console-overview-cards-1280.png' });
    await page.close();
  });

  it('shows and takes the days yyyy-mm-dd whatever the browser’s language, refusing a wrong one in Chinese', async () => {
    const page = await signedIn(1280, 800);
    await page.locator('#chart-messages .u-over').waitFor();
    const { range } = (await page.evaluate(async () => (await fetch('/console/api/overview')).json())) as {
      range: { from: string; to: string };
    };
    const from = page.getByRole('textbox', { name: '从 from' });
    const to = page.getByRole('textbox', { name: '到 to' });
    // This Chromium's language is English (a native date input would draw 11/09/2026 here).
    expect(await page.evaluate('navigator.language')).toMatch(/^en/);
    expect([await from.inputValue(), await to.inputValue()]).toEqual([range.from, range.to]);
    expect(await from.getAttribute('placeholder')).toBe('yyyy-mm-dd');
    // What else people type becomes yyyy-mm-dd on leaving the field.
    await from.fill('2026/1/31');
    await from.blur();
    expect(await from.inputValue()).toBe('2026-01-31');
    // A day that is none is refused beside the fields, and nothing is asked of kfbot.
    const before = page.url();
    await from.fill('2026-02-30');
    await page.getByRole('button', { name: '查看 Show' }).click();
    const problem = page.locator('#range-error');
    expect(await problem.textContent()).toBe(
      '“从 from”不是日期：请写成 yyyy-mm-dd，例如 2026-01-31，或点 📅 选择 · "2026-02-30" is not a day: write it yyyy-mm-dd, e.g. 2026-01-31',
    );
    expect(await from.getAttribute('aria-invalid')).not.toBeNull();
    expect(page.url()).toBe(before);
    await page.screenshot({ path: 'test-results/console-overview-date-error-1280.png' });
    await from.fill(range.to);
    await to.fill('2026-01-01');
    await page.getByRole('button', { name: '查看 Show' }).click();
    expect(await problem.textContent()).toContain('开始日期晚于结束日期');
    // A right range is kept in the address bar and drawn.
    await from.fill('2026-11-01');
    await to.fill('2026年11月7日');
    await page.getByRole('button', { name: '查看 Show' }).click();
    await page.waitForURL(/from=2026-11-01&to=2026-11-07/);
    await page.locator('#chart-messages .u-over').waitFor();
    expect(await page.locator('#range-error').isVisible()).toBe(false);
    expect(await page.getByRole('textbox', { name: '到 to' }).inputValue()).toBe('2026-11-07');
    // The calendar button opens the browser's picker; the day it picks lands in the field as yyyy-mm-dd.
    await page.locator('input[name="from"] ~ input.picker').fill('2026-10-05');
    expect(await page.getByRole('textbox', { name: '从 from' }).inputValue()).toBe('2026-10-05');
    expect(await page.getByRole('button', { name: '选日期 Pick 开始日期 the first day' }).isVisible()).toBe(
      true,
    );
    await page.close();
  });

  it('tells an operator looking at a range with no activity that it is empty, not broken', async () => {
    const page = await signedIn(1280, 800);
    await page.locator('#chart-messages .u-over').waitFor();
    expect(await page.locator('#no-activity').count()).toBe(0);
    await page.goto(`${bot.app.url}/console/overview?from=2025-01-01&to=2025-01-30`);
    await page.locator('#chart-messages .u-over').waitFor();
    expect(await page.locator('#no-activity').textContent()).toContain('此期间还没有客户消息');
    expect(await page.locator('.card', { hasText: '满意度 CSAT' }).textContent()).toContain(
      '还没有评价 no ratings yet',
    );
    await page.screenshot({ path: 'test-results/console-overview-empty-1280.png' });
    await page.close();
  });

  it('says in Chinese when the range is wrong, with a way back to the last 30 days', async () => {
    const page = await signedIn(1280, 800);
    for (const id of ['overview', 'unanswered', 'conversations', 'rules']) {
      await page.goto(`${bot.app.url}/console/${id}?from=2026-12-08&to=2026-11-01`);
      const alert = page.getByRole('alert');
      await alert.waitFor();
      expect(await alert.textContent(), id).toBe(
        '加载失败 Could not load: 开始日期晚于结束日期 · from (2026-12-08) is after to (2026-11-01)',
      );
      await page.getByRole('link', { name: '改看最近 30 天 Show the last 30 days' }).click();
      await page.locator('form.filter').waitFor();
      expect(page.url(), id).toBe(`${bot.app.url}/console/${id}`);
    }
    await page.close();
  });

  it('says in Chinese when a session is gone (erased, or past 90 days)', async () => {
    const page = await signedIn(1280, 800);
    const gone = new URLSearchParams({
      account: 'wkShop',
      customer: 'wmNobody',
      started: new Date(SESSION_START).toISOString(),
    });
    await page.goto(`${bot.app.url}/console/conversations?${gone}`);
    expect(await page.getByRole('alert').textContent()).toContain('没有这个会话');
    await page.close();
  });

  it('writes times on the rules page as the other pages do, yyyy-mm-dd hh:mm', async () => {
    const page = await signedIn(1280, 800);
    await page.goto(`${bot.app.url}/console/rules`);
    await page.locator('#rule-table').waitFor();
    const intro = await page.locator('#rules-loads').textContent();
    expect(intro).toMatch(/^本实例启动后已加载规则 \d+ 次，最近一次 \d{4}-\d{2}-\d{2} \d{2}:\d{2}，来自 /);
    // The load count says it is no version, beside the table's published version 0.
    expect(intro).toContain('这是加载次数，不是版本号');
    const replicaTimes = await page
      .locator('main table.data')
      .first()
      .locator('tbody tr td:nth-child(n+4)')
      .allTextContents();
    expect(replicaTimes.length).toBeGreaterThan(0);
    // Nothing published from this store yet: the version column says so, not a bare 0.
    expect(await page.locator('#replicas tbody td:nth-child(2)').first().textContent()).toBe(
      '0 (还没有发布过 none yet)',
    );
    for (const t of replicaTimes) expect(t).toMatch(/^\d{4}-\d{2}-\d{2} \d{2}:\d{2}$/);
    await page.close();
  });

  it('refuses a state change without the CSRF token', async () => {
    const page = await signedIn(1280, 800);
    const status = await page.evaluate(async () => {
      const r = await fetch('/console/api/forget', {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ externalUserId: 'wmHostile' }),
      });
      return r.status;
    });
    expect(status).toBe(403);
    expect(await bot.app.store.sessions.sessionEntries('wkShop', 'wmHostile', SESSION_START)).toHaveLength(3);
    await page.close();
  });

  it('says in Chinese what to do when the page’s token is stale or the session has ended, and erases nothing', async () => {
    const context = await browser.newContext({ viewport: { width: 1280, height: 800 } });
    const page = await signedIn(1280, 800, context);
    page.on('dialog', (d) => void d.accept());
    await page.goto(`${bot.app.url}/console/conversations`);
    await page.getByRole('link', { name: '查看 View' }).first().click();
    await page.locator('#transcript').waitFor();
    const erase = page.getByRole('button', { name: '删除该客户的全部数据 Erase this customer' });
    // Signing in again in another tab gives the browser a new session: this page's token is stale.
    const other = await context.newPage();
    await other.goto(`${bot.app.url}/console/login`);
    await other.getByLabel('密码 Password').fill(PASSWORD);
    await other.getByRole('button', { name: '登录 Sign in' }).click();
    await other.waitForURL(/\/console$/);
    await erase.click();
    const alert = page.locator('#forget-status [role=alert]');
    await expect
      .poll(() => alert.textContent())
      .toContain('页面已过期（安全令牌不符），请刷新页面后再做一次 · missing or wrong CSRF token');
    expect(await bot.app.store.sessions.sessionEntries('wkShop', 'wmHostile', SESSION_START)).toHaveLength(3);
    await page.screenshot({ path: 'test-results/console-csrf-stale-1280.png' });
    // Its reload button gives the page the new session's token: the button works again.
    // (The old page's #transcript is there until the new one loads: wait for the load itself.)
    const reloaded = page.waitForEvent('load');
    await alert.getByRole('button', { name: '刷新页面 Reload' }).click();
    await reloaded;
    await page.locator('#transcript').waitFor();
    expect(await erase.isEnabled()).toBe(true);
    // Signed out in the other tab: the next action says the session ended, with a way to sign in.
    await other.getByRole('button', { name: '退出 Sign out' }).click();
    await other.waitForURL(/\/console\/login$/);
    await erase.click();
    await expect.poll(() => alert.textContent()).toContain('会话已过期或已退出，请重新登录后再做一次');
    // 去登录 brings the operator back to this session's page after signing in.
    const transcriptUrl = page.url();
    const here = new URL(transcriptUrl);
    expect(await alert.getByRole('link', { name: '去登录 Sign in' }).getAttribute('href')).toBe(
      `/console/login?next=${encodeURIComponent(here.pathname + here.search)}`,
    );
    expect(await bot.app.store.sessions.sessionEntries('wkShop', 'wmHostile', SESSION_START)).toHaveLength(3);
    // A page opened with a cookie that no longer holds leads to the login page, which says why.
    await page
      .context()
      .addCookies([
        { name: 'kfbot_console', value: `${Date.now() - 1000}.bm9uY2U.bWFj`, url: `${bot.app.url}/console` },
      ]);
    await page.goto(`${bot.app.url}/console/overview?from=2026-11-01&to=2026-11-30`);
    await page.waitForURL(/\/console\/login\?ended&next=/);
    expect(await page.getByRole('status').textContent()).toBe(
      '会话已过期（登录 12 小时后）或已退出，请重新登录 · Your session ended (12 hours after signing in, or signed out): sign in again',
    );
    expect(await page.locator('.return-note').textContent()).toBe(
      '登录后回到刚才的页面「概览 Overview」 · back to where you were after signing in',
    );
    await page.screenshot({ path: 'test-results/console-login-ended-1280.png' });
    // Signing in there lands on the page asked for, its days kept, not on 概览's default.
    await page.getByLabel('密码 Password').fill(PASSWORD);
    await page.getByRole('button', { name: '登录 Sign in' }).click();
    await page.waitForURL(`${bot.app.url}/console/overview?from=2026-11-01&to=2026-11-30`);
    expect(await page.getByRole('textbox', { name: '从 from' }).inputValue()).toBe('2026-11-01');
    // And 去登录 from the session page, followed, brings the operator back to that session.
    await page.goto(`${bot.app.url}/console/login?next=${encodeURIComponent(here.pathname + here.search)}`);
    await page.getByLabel('密码 Password').fill(PASSWORD);
    await page.getByRole('button', { name: '登录 Sign in' }).click();
    await page.waitForURL(transcriptUrl);
    await page.locator('#transcript').waitFor();
    // A return address to another site is not followed: the login lands on 概览.
    await page.goto(`${bot.app.url}/console/login?next=${encodeURIComponent('//evil.example/console')}`);
    expect(await page.locator('input[name=next]').count()).toBe(0);
    await page.getByLabel('密码 Password').fill(PASSWORD);
    await page.getByRole('button', { name: '登录 Sign in' }).click();
    await page.waitForURL(`${bot.app.url}/console`);
    await context.close();
  }, 60_000);

  it('shows a hostile customer text as text, never running it, on the unanswered page and in the transcript', async () => {
    const page = await signedIn(1280, 800);
    await page.goto(`${bot.app.url}/console/unanswered`);
    await page.locator('#unanswered-table').waitFor();
    expect(await page.locator('#unanswered-table .customer-text').first().textContent()).toBe(HOSTILE);
    expect(await page.locator('#unanswered-table img').count()).toBe(0);
    // The nearest item's score says what it is, in place.
    const score = page.locator('#unanswered-table .score').first();
    expect(await score.textContent()).toBe('相似度 0.42');
    expect(await score.getAttribute('title')).toMatch(/^最接近的问答相似度 0\.42（/);
    expect(await page.locator('#score-help').textContent()).toContain('相似度：客户的话与该问答的问法有多像');
    await page.screenshot({ path: 'test-results/console-unanswered-1280.png' });

    await page.goto(`${bot.app.url}/console/conversations`);
    await page.locator('#session-table').waitFor();
    await page.screenshot({ path: 'test-results/console-conversations-1280.png' });
    await page.getByRole('link', { name: '查看 View' }).first().click();
    await page.locator('#transcript').waitFor();
    const lines = await page.locator('#transcript li .text').allTextContents();
    expect(lines).toEqual([HOSTILE, '没听懂，请点菜单', '您好，我是客服小李']);
    expect(await page.locator('#transcript img').count()).toBe(0);
    expect(await page.locator('#transcript li.bot .who').textContent()).toContain('没听懂');
    expect(await page.evaluate(() => (globalThis as { __xss?: number }).__xss)).toBeUndefined();
    await page.screenshot({ path: 'test-results/console-transcript-1280.png', fullPage: true });

    await page.goto(`${bot.app.url}/console/rules`);
    await page.locator('#rule-table').waitFor();
    expect(await page.locator('#rule-table').textContent()).toContain('两次没听懂转人工');
    // Actions in Chinese, the rules file's word beside each.
    const actions = (name: string) =>
      page
        .locator('#rule-table tr')
        .filter({ has: page.locator('td:first-child', { hasText: new RegExp(`^${name}$`) }) })
        .locator('td')
        .nth(3)
        .textContent();
    expect(await actions('两次没听懂转人工')).toBe('转人工（进待接入池）transfer → queue');
    expect(await actions('没听懂')).toBe('回复文字 reply');
    // What reached the customer, in `kfbot report rules`'s words: the two accounts' partial replies.
    const cells = (name: string) =>
      page
        .locator('#rule-table tr')
        .filter({ has: page.locator('td:first-child', { hasText: new RegExp(`^${name}$`) }) })
        .locator('td')
        .allTextContents();
    const [hits, delivered, partly, undelivered] = (await cells('没听懂')).slice(4, 8);
    expect([partly, undelivered]).toEqual(['2 (4 of 6 parts)', '0']);
    expect(Number(delivered)).toBe(Number(hits) - 2);
    expect(await page.locator('#replicas th').allTextContents()).toEqual([
      '实例 replica',
      '运行的发布版本 published version',
      '启动后加载次数 loads since start',
      '启动时间 started',
      '最近心跳 last heartbeat',
    ]);
    expect(await page.locator('#replicas-help').textContent()).toContain(
      '启动后加载次数：它启动以来读取规则文件的次数（文件每变一次读一次，重启后从 1 算起），不是版本号',
    );
    // The rule-less row counts what the overview's 无规则 counts (it read 0 whatever happened).
    const unmatched = (await page.evaluate(async () => (await fetch('/console/api/overview')).json())) as {
      totals: { unmatched: number };
    };
    expect(unmatched.totals.unmatched).toBeGreaterThan(0);
    expect(
      await page
        .locator('#rule-table tr', { hasText: '无规则匹配 no rule matched' })
        .locator('td.num')
        .first()
        .textContent(),
    ).toBe(String(unmatched.totals.unmatched));
    await page.screenshot({ path: 'test-results/console-rules-1280.png' });
    await page.close();
  });

  it('fits a phone screen', async () => {
    const page = await signedIn(390, 844);
    // Every chart drawn (one after another) before the page's width and legends are measured.
    const charts = () => page.locator('.u-over').count();
    await expect.poll(charts).toBe(6);
    const overflow = await page.evaluate(() => {
      const g = globalThis as unknown as {
        document: { documentElement: { scrollWidth: number } };
        innerWidth: number;
      };
      return g.document.documentElement.scrollWidth - g.innerWidth;
    });
    expect(overflow).toBeLessThanOrEqual(0);
    await page.screenshot({ path: 'test-results/console-overview-390-full.png', fullPage: true });
    // Before any pointing, a legend shows what the range comes to, not uPlot's "--".
    const legend = await page.locator('#chart-messages .u-legend').textContent();
    expect(legend).toContain('合计 total');
    expect(legend).not.toContain('--');
    expect(await page.locator('#chart-containment .u-legend').textContent()).toContain('全期 overall');
    // The two numbers of a card each say what they are.
    const notUnderstood = await page.locator('.card', { hasText: '未答 Not understood' }).textContent();
    expect(notUnderstood).toMatch(/\d+\s+兜底回复 fallback/);
    expect(notUnderstood).toMatch(/\d+\s+无规则 no rule/);
    // Every chart's download link stays on one line beside its title.
    const lineHeights = await page.locator('.panel-head .csv').evaluateAll((links) =>
      links.map((a) => {
        const g = globalThis as unknown as {
          getComputedStyle(e: unknown): { fontSize: string };
        };
        const el = a as unknown as { getBoundingClientRect(): { height: number } };
        return el.getBoundingClientRect().height / Number.parseFloat(g.getComputedStyle(a).fontSize);
      }),
    );
    expect(lineHeights).toHaveLength(6);
    for (const lines of lineHeights) expect(lines).toBeLessThan(2);
    for (const id of ['overview', 'unanswered', 'conversations', 'rules']) {
      await page.goto(`${bot.app.url}/console/${id}`);
      await page.locator('main h1').waitFor();
      await page.locator('main table, main .cards').first().waitFor();
      if (id === 'overview') await expect.poll(charts).toBe(6);
      expect(await page.getAttribute('html', 'lang'), id).toBe('zh-CN');
      // Nothing pushes the page sideways (wide tables scroll inside themselves), and every page's
      // link is on the screen: the nav wraps rather than hiding links off its edge.
      const sideways = await page.evaluate(() => {
        const g = globalThis as unknown as {
          document: { documentElement: { scrollWidth: number } };
          innerWidth: number;
        };
        return g.document.documentElement.scrollWidth - g.innerWidth;
      });
      expect(sideways, id).toBeLessThanOrEqual(0);
      for (const link of await page.locator('.top nav a').all()) {
        const box = await link.boundingBox();
        expect(box, id).not.toBeNull();
        expect(
          (box?.x ?? -1) >= 0 && (box?.x ?? 0) + (box?.width ?? 0) <= 390,
          `${id}: ${await link.textContent()}`,
        ).toBe(true);
      }
      if (id === 'rules') {
        // The replicas as one card each: no headers wrapped into tall columns, each value on a
        // line after its column's name — the same names the help text under the table explains.
        expect(await page.locator('#replicas thead').isVisible()).toBe(false);
        const cells = page.locator('#replicas tbody td');
        const labels = await cells.evaluateAll((tds) =>
          tds.map((td) => {
            const g = globalThis as unknown as {
              getComputedStyle(e: unknown, pseudo: string): { content: string };
            };
            return g.getComputedStyle(td, '::before').content;
          }),
        );
        expect(labels.slice(0, 5)).toEqual([
          '"实例"',
          '"运行的发布版本"',
          '"启动后加载次数"',
          '"启动时间"',
          '"最近心跳"',
        ]);
        const help = (await page.locator('#replicas-help').textContent()) ?? '';
        for (const label of ['运行的发布版本：', '启动后加载次数：']) expect(help).toContain(label);
        for (const td of await cells.all()) expect((await td.boundingBox())?.height).toBeLessThan(40);
        await page.locator('#replicas').screenshot({ path: 'test-results/console-rules-replicas-390.png' });
      }
      await page.screenshot({ path: `test-results/console-${id}-390.png`, fullPage: id !== 'overview' });
    }
    await page.close();
  });

  it('erases a customer from their session page, saying it is at work meanwhile', async () => {
    const page = await signedIn(1280, 800);
    page.on('dialog', (d) => void d.accept());
    await page.goto(`${bot.app.url}/console/conversations`);
    await page.getByRole('link', { name: '查看 View' }).first().click();
    await page.locator('#transcript').waitFor();
    const session = page.url();
    // The erasure is held here until the page has been looked at.
    const erasing = await holdRequests(page, '**/console/api/forget');
    await page.getByRole('button', { name: '删除该客户的全部数据 Erase this customer' }).click();
    await expect.poll(() => page.getByRole('status').last().textContent()).toBe('删除中… Erasing…');
    expect(await page.locator('#forget').isDisabled()).toBe(true);
    erasing.release();
    await expect.poll(() => page.getByRole('status').last().textContent()).toContain('已删除 Erased');
    expect(await page.locator('#forget').isDisabled()).toBe(true);
    // The session is gone, and the page says so in Chinese too.
    await page.goto(session);
    expect(await page.getByRole('alert').textContent()).toContain('没有这个会话');
    expect(await bot.app.store.sessions.sessionEntries('wkShop', 'wmHostile', SESSION_START)).toHaveLength(0);
    await page.close();
  });

  it('signs out, after which the pages lead to the login again', async () => {
    const page = await signedIn(1280, 800);
    await page.getByRole('button', { name: '退出 Sign out' }).click();
    await page.waitForURL(/\/console\/login$/);
    await page.goto(`${bot.app.url}/console/rules`);
    expect(page.url()).toBe(`${bot.app.url}/console/login?next=%2Fconsole%2Frules`);
    await page.close();
  });

  it('answers the sixth sign-in within a minute with 429 and when to try again', async () => {
    const page = await browser.newPage();
    let last = '';
    // One wrong password was tried above; the limit counts the failures from this address.
    for (let i = 0; i < 6; i++) {
      await page.goto(`${bot.app.url}/console/login`);
      await page.getByLabel('密码 Password').fill(`wrong ${i}`);
      const [response] = await Promise.all([
        page.waitForResponse((r) => r.url().endsWith('/console/login') && r.request().method() === 'POST'),
        page.getByRole('button', { name: '登录 Sign in' }).click(),
      ]);
      last = `${response.status()} ${await page.getByRole('alert').textContent()}`;
      if (response.status() === 429) break;
    }
    // Said on the login page, in Chinese first like the rest of it, with the form to try again.
    expect(last).toMatch(
      /^429 登录尝试过多，请 (\d+) 秒后再试 · too many sign-in attempts from this address: wait \1 s and try again$/,
    );
    expect(await page.getByLabel('密码 Password').isVisible()).toBe(true);
    await page.close();
  });
});
