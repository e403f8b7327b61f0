/**
 * 编辑与发布 in a real Chromium, against the sandbox (whose console is open on the loopback): an
 * unanswered question becomes a 相似问法 and is published, and the next sandbox customer typing it
 * gets the answer; a breaking edit is refused with the reason and nothing changes; rollback
 * restores the previous answers; a file changed on disk meanwhile is a conflict; a reply holding
 * markup is shown as text.
 */
import { cpSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import ExcelJS from 'exceljs';
import pino from 'pino';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { type Sandbox, startSandbox } from '../../src/sandbox/start-sandbox.ts';
import { holdRequests, launchChromium } from '../support/chromium.ts';
import { newCustomer, say } from '../support/sandbox-chat.ts';

// On a loaded machine (CI, several sessions on two cores) the page takes seconds to draw what it
// was sent: expect.poll waits up to 10 s here, not vitest's 1 s. Waiting longer asserts nothing less.
vi.setConfig({ expect: { poll: { timeout: 10_000 } } });

let sandbox: Sandbox;
let browser: Browser;
let chat: Page;
let editor: Page;
let rulesDir: string;
let original: string;

beforeAll(async () => {
  rulesDir = mkdtempSync(join(tmpdir(), 'kfbot-edit-rules-'));
  cpSync('rules', rulesDir, { recursive: true });
  original = readFileSync(join(rulesDir, 'welcome.yaml'), 'utf8');
  // A named regex group, so the 订单号 rule's texts may use {{match.order}} (and the editor says so).
  const keywords = join(rulesDir, 'keywords.yaml');
  writeFileSync(
    keywords,
    readFileSync(keywords, 'utf8').replace(
      String.raw`'^xm\d{8,}$'`,
      () => String.raw`'^(?<order>xm\d{8,})$'`,
    ),
  );
  sandbox = await startSandbox({
    env: { KFBOT_PORT: '0', KFBOT_HOST: '127.0.0.1', KFBOT_RULES: rulesDir },
    cwd: process.cwd(),
    logger: pino({ level: 'silent' }),
  });
  browser = await launchChromium();
  const context = await browser.newContext({ viewport: { width: 1280, height: 900 } });
  chat = await context.newPage();
  editor = await context.newPage();
  editor.on('dialog', (d) => void d.accept());
  await chat.goto(sandbox.url);
}, 60_000);

afterAll(async () => {
  await browser?.close();
  await sandbox?.close();
});

const consoleUrl = () => sandbox.url.replace(/\/sandbox$/, '/console/edit');

/** A new sandbox customer says `text` (in their own chat: newCustomer waits for the switch). */
async function customerSays(text: string): Promise<void> {
  await newCustomer(chat);
  await say(chat, text);
}
/**
 * 放弃草稿, waiting until the page says the draft is gone: the next test's goto would otherwise
 * cancel the request and find this test's draft still there.
 */
async function discardDraft(): Promise<void> {
  await editor.getByRole('button', { name: /放弃草稿/ }).click();
  await expect.poll(() => editor.locator('#draft').textContent()).toContain('没有修改');
}
/**
 * Whether the page's links are stuck to the top of the screen and `heading` is in sight below
 * them, not hidden under them (what a click on one of the links should leave).
 */
async function headingBelowLinks(page: Page, heading: string, screenHeight: number): Promise<boolean> {
  const nav = await page.locator('nav.page-links').boundingBox();
  const h2 = await page.locator(heading).boundingBox();
  return (
    !!nav && !!h2 && Math.abs(nav.y) < 1 && h2.y >= nav.y + nav.height && h2.y + h2.height <= screenHeight
  );
}
const bot = (text: string) => chat.locator('.msg.bot .bubble', { hasText: text });

describe('editing and publishing in the console', () => {
  it('turns an unanswered question into a 相似问法; the next customer typing it gets the answer', async () => {
    await chat.getByRole('button', { name: /New customer/ }).waitFor();
    await customerSays('能寄国外吗');
    await expect.poll(() => bot('没太明白').count(), { timeout: 10_000 }).toBeGreaterThan(0);
    expect(await bot('全国包邮').count()).toBe(0);

    const started = Date.now();
    await editor.goto(consoleUrl());
    const row = editor.locator('#unanswered tr', { hasText: '能寄国外吗' });
    await row.waitFor();
    await editor.screenshot({ path: 'test-results/console-edit-1280.png', fullPage: true });
    // Nothing published yet: the versions panel says so rather than showing an empty table.
    expect(await editor.locator('#versions').textContent()).toContain('还没有发布过');
    expect(await editor.locator('#versions table').count()).toBe(0);
    // Preselected: the nearest item (no one chose from 猜你想问 yet).
    await expect.poll(() => row.locator('select').inputValue()).toBe('shipping_fee');
    await row.getByRole('button', { name: /加为相似问法/ }).click();
    await expect
      .poll(() => editor.locator('#draft pre.diff').textContent())
      .toContain('+        questions: [配送范围');
    expect(await editor.locator('#draft pre.diff').textContent()).toContain('能寄国外吗]');
    await editor.getByLabel('发布人 Your name').fill('运营小王');
    await editor.getByLabel('说明 Message').fill('国外配送的问法');
    // While the publish runs (held here until looked at), the page says so and takes no second click.
    const publishing = await holdRequests(editor, '**/console/api/publish');
    await editor.getByRole('button', { name: '验证并发布 Publish' }).click();
    await editor.locator('#working').waitFor();
    expect(await editor.locator('#working').textContent()).toBe('处理中… Working…');
    expect(await editor.getByRole('button', { name: '验证并发布 Publish' }).isDisabled()).toBe(true);
    publishing.release();
    await expect
      .poll(() => editor.locator('#outcome').textContent(), { timeout: 15_000 })
      .toContain('已发布版本 2');
    await editor.unroute('**/console/api/publish');
    expect(await editor.locator('#working').count()).toBe(0);
    console.log(`unanswered row → published: ${Date.now() - started} ms`);

    await customerSays('能寄国外吗');
    await expect.poll(() => bot('全国包邮').count(), { timeout: 10_000 }).toBe(1);
    expect(readFileSync(join(rulesDir, 'welcome.yaml'), 'utf8')).toContain('能寄国外吗]');
  }, 60_000);

  it('refuses an edit that breaks a conversation test, showing why, and changes nothing', async () => {
    const before = readFileSync(join(rulesDir, 'faq.yaml'), 'utf8');
    await editor.goto(consoleUrl());
    const item = editor.locator('details.item', { hasText: 'ship_time' });
    // Its own summary (the placeholders' hint inside has one too).
    await item.locator(':scope > summary').click();
    await item.locator('textarea[name=reply]').fill('请联系客服。<b>粗体</b>');
    await item.getByRole('button', { name: /保存到草稿/ }).click();
    await expect
      .poll(() => editor.locator('#draft pre.diff').textContent())
      .toContain('请联系客服。<b>粗体</b>');
    await editor.getByRole('button', { name: '验证并发布 Publish' }).click();
    const outcome = editor.locator('#outcome');
    // What failed and what to do in Chinese first; the English and its code after.
    await expect
      .poll(() => outcome.locator('p.error').textContent(), { timeout: 15_000 })
      .toMatch(/^✗ 未发布：对话测试没有通过：这些修改会让下面的对话答错。请改正草稿再发布/);
    expect(await outcome.locator('p.error').textContent()).toMatch(
      / · Not published: the conversation tests would fail（原因代码 reason code: tests）$/,
    );
    // The failing step in Chinese, kfbot test's English beside it.
    const why = (await outcome.locator('pre').textContent()) ?? '';
    expect(why).toContain('个对话测试步骤会答错');
    expect(why).toMatch(/第 \d+ 步：客户说 "/);
    expect(why).toContain(
      '- 应当 expected: 一条包含 "48 小时内发货" 的文字 · a text containing "48 小时内发货"',
    );
    expect(why).toMatch(/\+ 实际 got: +文字 "请联系客服。<b>粗体<\/b>" · text "/);
    await outcome.screenshot({ path: 'test-results/console-edit-refused-1280.png' });
    // Markup in a reply is text on the page, never an element.
    expect(await editor.locator('#draft pre.diff b').count()).toBe(0);
    expect(readFileSync(join(rulesDir, 'faq.yaml'), 'utf8')).toBe(before);
    await discardDraft();
  }, 60_000);

  it('reports a file changed on disk since the draft began as a conflict', async () => {
    await editor.goto(consoleUrl());
    const item = editor.locator('details.item', { hasText: 'pay_methods' });
    await item.locator(':scope > summary').click();
    await item.locator('textarea[name=reply]').fill('支持微信支付（含信用卡）。');
    await item.getByRole('button', { name: /保存到草稿/ }).click();
    await editor.locator('#draft pre.diff').waitFor();
    const path = join(rulesDir, 'faq.yaml');
    const theirs = readFileSync(path, 'utf8').replace('能用花呗吗', '能用花呗分期吗');
    writeFileSync(path, theirs);
    await editor.reload();
    await expect.poll(() => editor.locator('#conflict').textContent()).toContain('faq.yaml');
    await editor.getByRole('button', { name: '验证并发布 Publish' }).click();
    await expect
      .poll(() => editor.locator('#outcome').textContent(), { timeout: 15_000 })
      .toContain('conflict');
    expect(readFileSync(path, 'utf8')).toBe(theirs);
    // Redoing the edits on the new files keeps both changes.
    await editor.getByRole('button', { name: /在最新文件上重做/ }).click();
    await expect.poll(() => editor.locator('#conflict').count()).toBe(0);
    await discardDraft();
  }, 60_000);

  it('rolls back to the version before, and customers get the previous answers', async () => {
    await editor.goto(consoleUrl());
    await editor.getByRole('button', { name: '回滚到版本 1' }).click();
    await expect
      .poll(() => editor.locator('#outcome').textContent(), { timeout: 15_000 })
      .toContain('已发布版本 3');
    expect(readFileSync(join(rulesDir, 'welcome.yaml'), 'utf8')).toBe(original);
    await customerSays('能寄国外吗');
    await expect.poll(() => bot('没太明白').count(), { timeout: 10_000 }).toBe(1);
    expect(await bot('全国包邮').count()).toBe(0);
    // The versions' 说明 in Chinese: kfbot's own messages translated, the operator's as typed.
    await editor.reload();
    // The versions table is drawn by the page's script after load: wait for it, do not race it.
    await expect
      .poll(() => editor.locator('#versions td.version-message').allTextContents(), { timeout: 10_000 })
      .toEqual([
        '回滚到版本 1 · rollback to version 1',
        '国外配送的问法',
        '首次发布前磁盘上原有的规则 · the rules as found on disk before the first publish',
      ]);
    // Who published each: the name typed, and which sign-in it came from (the console has no
    // accounts), explained in the title; kfbot itself recorded the files found on disk, and says
    // it was no person.
    const by = await editor.locator('#versions td.by').allTextContents();
    expect(by).toEqual([
      expect.stringMatching(/^运营小王（登录 #[0-9a-f]{6}）$/),
      by[0],
      'kfbot（系统自动保存，不是人发布的）',
    ]);
    expect(await editor.locator('#versions td.by span[title]').last().getAttribute('title')).toMatch(
      /^不是人发布的：第一次发布前，kfbot 把当时磁盘上的规则文件自动存为版本 1/,
    );
    expect(await editor.locator('#versions td.by span[title]').first().getAttribute('title')).toMatch(
      /^控制台登录 [0-9a-f]{10}：同一次登录发布的版本编号相同/,
    );
    await editor.locator('#versions').screenshot({ path: 'test-results/console-edit-versions-1280.png' });
    // 运行中 says what the number counts, in place.
    const running = editor.locator('#rules-status span[title]');
    expect(await running.textContent()).toMatch(/^运行中：第 \d+ 次加载的规则 loaded #\d+$/);
    expect(await running.getAttribute('title')).toContain('不是发布的版本号');
  }, 60_000);

  it('adds an FAQ item with three 相似问法, tries it, publishes it (timed walk-through)', async () => {
    const t0 = Date.now();
    await editor.goto(consoleUrl());
    const form = editor.locator('#new-item');
    await form.locator('input[name=id]').fill('gift_wrap');
    await form.locator('textarea[name=questions]').fill('有礼品包装吗\n能包装成礼物吗\n可以送礼盒吗');
    await form.locator('textarea[name=reply]').fill('可以免费礼品包装，下单时备注“礼品包装”即可。');
    await form.getByRole('button', { name: /加入草稿/ }).click();
    await expect.poll(() => editor.locator('#draft pre.diff').textContent()).toContain('+  - id: gift_wrap');
    const t1 = Date.now();
    await editor.getByLabel('客户说 Customer says').fill('礼品包装有吗');
    await editor.getByRole('button', { name: '试一试 Try' }).click();
    await expect
      .poll(() => editor.locator('#try-reply').textContent(), { timeout: 10_000 })
      .toContain('免费礼品包装');
    const t2 = Date.now();
    await editor.getByRole('button', { name: '验证并发布 Publish' }).click();
    await expect
      .poll(() => editor.locator('#outcome').textContent(), { timeout: 15_000 })
      .toContain('已发布版本');
    const t3 = Date.now();
    await customerSays('能包装成礼物吗');
    await expect.poll(() => bot('免费礼品包装').count(), { timeout: 10_000 }).toBe(1);
    console.log(
      `walk-through (scripted): item with 3 相似问法 into the draft ${t1 - t0} ms, try ${t2 - t1} ms, publish (validate + tests + write + reload) ${t3 - t2} ms, the sandbox customer answered ${Date.now() - t3} ms later`,
    );
  }, 60_000);

  it('imports a knowledge-base Excel into the draft, merging by question', async () => {
    const wb = new ExcelJS.Workbook();
    const sheet = wb.addWorksheet('知识库');
    sheet.addRow(['分组', '问题', '相似问法', '答案']);
    sheet.addRow(['售后', '怎么取消订单', '订单能撤回吗\n下单后反悔了', '别的答案']);
    sheet.addRow(['售前', '有实体店吗', '线下门店在哪', '我们只在线上销售。']);
    const path = join(mkdtempSync(join(tmpdir(), 'kfbot-kb-')), '知识库.xlsx');
    await wb.xlsx.writeFile(path);
    await editor.goto(consoleUrl());
    // The file button reads Chinese (not the browser's "Choose File"), and importing with no file
    // chosen says what to do instead of doing nothing.
    const kb = editor.locator('#kb');
    expect(await kb.locator('label.file-pick').textContent()).toBe(
      '选择知识库 Excel 文件 Choose the .xlsx file',
    );
    expect(await kb.locator('#kb-file-name').textContent()).toBe('未选择文件 No file chosen');
    await editor.getByRole('button', { name: /导入到草稿/ }).click();
    expect(await editor.locator('#kb-status').getByRole('alert').textContent()).toContain(
      '请先选择一个 .xlsx 文件',
    );
    // By keyboard: Tab from the export link reaches the file input itself — a native
    // <input type=file>, which the browser opens on Space or Enter. (The test sets the file on it
    // directly: a headless browser shared with other tabs does not always raise its chooser.)
    await kb.getByRole('link', { name: '导出已发布的问答 Export' }).focus();
    await editor.keyboard.press('Tab');
    expect(await editor.evaluate('document.activeElement.id')).toBe('kb-file');
    expect(await editor.evaluate('document.activeElement.type')).toBe('file');
    await kb.locator('#kb-file').setInputFiles(path);
    expect(await kb.locator('#kb-file-name').textContent()).toBe('知识库.xlsx');
    await kb.screenshot({ path: 'test-results/console-edit-kb-1280.png' });
    await editor.getByRole('button', { name: /导入到草稿/ }).click();
    await expect.poll(() => editor.locator('#kb-status').textContent()).toContain('新增 1 项 · 合并 1 项');
    expect(await editor.locator('#kb-status').textContent()).toContain('保留原答案');
    const diff = (await editor.locator('#draft pre.diff').textContent()) ?? '';
    expect(diff).toContain('订单能撤回吗, 下单后反悔了]');
    expect(diff).toContain('+    reply: 我们只在线上销售。');
    expect(diff).not.toContain('别的答案');
    expect(diff.split('\n').filter((l) => l.startsWith('-') && !l.startsWith('---'))).toHaveLength(1);
    await discardDraft();
  }, 60_000);

  it('links every panel from the top of the page, the links staying in sight while it scrolls', async () => {
    await editor.goto(consoleUrl());
    const links = editor.getByRole('navigation', { name: '本页目录 On this page' }).locator('a');
    await expect.poll(() => links.count()).toBeGreaterThan(7);
    const names = await links.allTextContents();
    for (const name of ['草稿', '试一试', '新建问答', '问答 (', '菜单', '话术', '知识库 Excel', '版本'])
      expect(
        names.some((n) => n.startsWith(name)),
        name,
      ).toBe(true);
    // Every link leads to a panel on the page.
    for (const href of await links.evaluateAll((as) => as.map((a) => a.getAttribute('href'))))
      expect(await editor.locator(`main ${href}`).count(), `${href}`).toBe(1);
    // 试一试 lands on its heading and what it does, not on a bare form.
    await links.getByText('试一试', { exact: true }).click();
    await expect.poll(() => headingBelowLinks(editor, '#try h2', 900)).toBe(true);
    expect(await editor.locator('#try h2').textContent()).toBe('试一试 Try the draft');
    expect(await editor.locator('#try p').first().textContent()).toMatch(
      /^在草稿上试：输入客户会发的话，看机器人怎么回，不影响线上/,
    );
    // Typed but not saved: a jump within the page keeps it (the page is not redrawn).
    const say = editor.getByLabel('客户说 Customer says');
    await say.fill('还没试的一句话');
    await links.getByText('版本', { exact: true }).click();
    // The versions' heading comes into sight just below the links, which stayed at the top.
    await expect.poll(() => headingBelowLinks(editor, '#versions h2', 900)).toBe(true);
    await editor.screenshot({ path: 'test-results/console-edit-links-1280.png' });
    expect(await say.inputValue()).toBe('还没试的一句话');
  }, 60_000);

  it('shows beside each text the placeholders it may use, and names them when one is wrong', async () => {
    await editor.goto(consoleUrl());
    const order = editor.locator('#texts .text-item', { hasText: '订单号（第 2 步）' });
    const hint = order.locator('details.placeholders');
    await hint.waitFor();
    const summary = (await hint.locator('summary').textContent()) ?? '';
    // The variables this rule set saves, by name (订单号 saves order_no with set:), not {{var.<名称>}}.
    for (const name of [
      '{{nickname}}',
      '{{text}}',
      '{{var.order_no}}',
      '{{var.unhappy}}',
      '{{counter.<名称>}}',
      '{{match.order}}',
    ])
      expect(summary).toContain(name);
    expect(summary).not.toContain('{{var.<名称>}}');
    expect(summary).not.toContain('env.');
    // A rule without a named regex group is offered no {{match.…}}.
    const invoice = editor.locator('#texts .text-item', { hasText: '发票（第 1 步）' });
    expect(await invoice.locator('details.placeholders summary').textContent()).not.toContain('match.');
    await hint.locator('summary').click();
    expect(await hint.locator('li', { hasText: '{{match.order}}' }).textContent()).toContain(
      '本规则正则里 (?<order>…) 匹配到的文字',
    );
    expect(await hint.locator('li', { hasText: '{{nickname}}' }).textContent()).toContain('昵称');
    expect(await hint.locator('li', { hasText: '{{var.order_no}}' }).textContent()).toContain(
      '由规则「订单号」保存',
    );
    await order.screenshot({ path: 'test-results/console-edit-placeholders-1280.png' });
    // An FAQ answer and a menu's head and tail are templates too: the same list, no regex groups.
    for (const where of ['#new', '#items details.item', '#menus details.item']) {
      const other = editor.locator(where).first().locator('details.placeholders summary');
      expect(await other.textContent(), where).toContain('{{nickname}}');
      expect(await other.textContent(), where).not.toContain('match.');
    }

    await order.locator('textarea').fill('已收到订单号 {{match.order}}，{{ordr_no}} 正在转接～');
    await order.getByRole('button', { name: /保存到草稿/ }).click();
    await expect.poll(() => editor.locator('#draft pre.diff').textContent()).toContain('{{ordr_no}}');
    // 试一试 and publish both say which names this field may use, in Chinese — and name first the
    // field the operator typed it in, as the page names it, not only the file's line and column.
    await editor.getByLabel('客户说 Customer says').fill('你好');
    await editor.getByRole('button', { name: '试一试 Try' }).click();
    const tryProblems = editor.locator('#try-problems li');
    await expect.poll(() => tryProblems.first().textContent()).toContain('不认识的占位符 {{ordr_no}}');
    const tried = (await tryProblems.first().textContent()) ?? '';
    expect(tried).toMatch(/^错误：话术「订单号（第 2 步）」，不认识的占位符 \{\{ordr_no\}\}/);
    expect(tried).toContain('这里可用的占位符：{{nickname}} {{scene}}');
    expect(tried).toContain('{{var.<名称>}} {{counter.<名称>}} {{match.<分组名>}}');
    // The file place stays, after it, for whoever edits the files.
    expect(tried).toMatch(/ · keywords\.yaml 第 \d+ 行第 \d+ 列 · keywords\.yaml:\d+:\d+: error: /);
    await editor.locator('#try').screenshot({ path: 'test-results/console-edit-try-problem-1280.png' });
    // The field's name is a button to it: the text's box gets the cursor, marked wrong, the problem beside it.
    await tryProblems.first().getByRole('button', { name: '话术「订单号（第 2 步）」' }).click();
    const box = order.locator('textarea');
    await expect.poll(() => editor.evaluate('document.activeElement?.name')).toBe('text');
    expect(await box.getAttribute('aria-invalid')).toBe('true');
    const beside = order.locator('.field-problem');
    expect(await beside.textContent()).toMatch(/^错误：不认识的占位符 \{\{ordr_no\}\}/);
    expect(await box.getAttribute('aria-describedby')).toBe(await beside.getAttribute('id'));
    await order.screenshot({ path: 'test-results/console-edit-field-problem-1280.png' });

    // An FAQ item's answer, closed on the page: the refusal names it by its title and opens it.
    const refund = editor.locator('details.item[data-item-id="refund_time"]');
    await refund.locator(':scope > summary').click();
    await refund.locator('textarea[name=reply]').fill('1-3 个工作日到账 {{amount}}');
    await refund.getByRole('button', { name: /保存到草稿/ }).click();
    await expect.poll(() => editor.locator('#draft pre.diff').textContent()).toContain('{{amount}}');
    expect(await editor.locator('details.item[data-item-id="refund_time"]').getAttribute('open')).toBeNull();
    await editor.getByRole('button', { name: '验证并发布 Publish' }).click();
    const outcome = editor.locator('#outcome');
    // The refusal's line: Chinese, then English, then the reason's code with a Chinese label — no bare English word.
    await expect
      .poll(() => outcome.locator('p.error').textContent(), { timeout: 15_000 })
      .toMatch(
        /^✗ 未发布：修改后的规则检查不通过.* · Not published: the rules would not validate（原因代码 reason code: invalid）$/,
      );
    const refused = outcome.locator('ul.problems li');
    expect(await refused.allTextContents()).toEqual([
      expect.stringMatching(
        /^错误：问答「退款多久到账？」的答案，不认识的占位符 \{\{amount\}\}.* · faq\.yaml 第 \d+ 行/,
      ),
      expect.stringMatching(
        /^错误：话术「订单号（第 2 步）」，不认识的占位符 \{\{ordr_no\}\}.*这里可用的占位符：\{\{nickname\}\}/,
      ),
    ]);
    await refused.first().getByRole('button', { name: '问答「退款多久到账？」的答案' }).click();
    const reply = editor.locator('details.item[data-item-id="refund_time"] textarea[name=reply]');
    await expect
      .poll(() =>
        editor.evaluate(
          `document.activeElement?.closest('details.item')?.dataset.itemId + ':' + document.activeElement?.name`,
        ),
      )
      .toBe('refund_time:reply');
    expect(await editor.locator('details.item[data-item-id="refund_time"]').getAttribute('open')).toBe('');
    expect(await reply.getAttribute('aria-invalid')).toBe('true');
    // One field marked at a time: the text marked before is no longer.
    expect(await box.getAttribute('aria-invalid')).toBeNull();
    expect(await editor.locator('.field-problem').count()).toBe(1);
    // On a phone the problems' long lines wrap within the screen.
    await editor.setViewportSize({ width: 390, height: 844 });
    await expect
      .poll(() => editor.evaluate('document.documentElement.scrollWidth - window.innerWidth'))
      .toBeLessThanOrEqual(0);
    await outcome.screenshot({ path: 'test-results/console-edit-placeholder-refused-390.png' });
    await editor.locator('#try').screenshot({ path: 'test-results/console-edit-try-problem-390.png' });
    await editor.setViewportSize({ width: 1280, height: 900 });
    await outcome.screenshot({ path: 'test-results/console-edit-placeholder-refused-1280.png' });
    await discardDraft();
  }, 60_000);

  it('fits a phone-sized screen without sideways scrolling', async () => {
    const phone = await browser.newPage({ viewport: { width: 390, height: 844 } });
    await phone.goto(consoleUrl());
    await phone.locator('#items').waitFor();
    await phone.locator('details.item').first().locator(':scope > summary').click();
    const overflow = Number(await phone.evaluate('document.documentElement.scrollWidth - window.innerWidth'));
    // The versions' buttons: short Chinese labels side by side, one line per row.
    const rows = phone.locator('#versions tbody tr');
    expect(await rows.count()).toBeGreaterThan(1);
    for (const row of await rows.all()) {
      const [diff, back] = await row.locator('button').all();
      const a = await diff?.boundingBox();
      const b = await back?.boundingBox();
      expect(a && b && Math.abs(a.y - b.y)).toBeLessThan(2);
      // innerText, not textContent: what is drawn, without the English the phone hides.
      // biome-ignore lint/performance/useDomNodeTextContent: the rendered text is the point
      expect(await diff?.innerText()).toBe('差异');
      // biome-ignore lint/performance/useDomNodeTextContent: the rendered text is the point
      expect(await back?.innerText()).toBe('回滚');
      expect(a?.height).toBeLessThan(32);
    }
    await phone.locator('#versions').screenshot({ path: 'test-results/console-edit-versions-phone.png' });
    await phone.screenshot({ path: 'test-results/console-edit-phone.png', fullPage: false });
    await phone.screenshot({ path: 'test-results/console-edit-390-full.png', fullPage: true });
    // The panels' links: all on the screen (wrapped, not cut off), a short band at the top.
    const pageLinks = phone.locator('nav.page-links');
    for (const link of await pageLinks.locator('a').all()) {
      const box = await link.boundingBox();
      expect(box && box.x >= 0 && box.x + box.width <= 390, `${await link.textContent()}`).toBe(true);
    }
    expect((await pageLinks.boundingBox())?.height).toBeLessThan(80);
    await pageLinks.getByText('话术', { exact: true }).click();
    // 话术's heading comes into sight just below the links, which stayed at the top.
    await expect.poll(() => headingBelowLinks(phone, '#texts h2', 844)).toBe(true);
    // Under each text, its placeholders' count on one short line; a tap lists them with meanings.
    const hint = phone.locator('#texts details.placeholders').first();
    // biome-ignore lint/performance/useDomNodeTextContent: the rendered text is the point
    expect(await hint.locator('summary').innerText()).toMatch(
      /^可用的占位符 Placeholders（\d+ 个，点开看）$/,
    );
    await hint.locator('summary').click();
    await expect.poll(() => hint.locator('li').count()).toBeGreaterThan(8);
    expect((await hint.locator('li').first().boundingBox())?.width).toBeLessThan(390);
    await phone.screenshot({ path: 'test-results/console-edit-texts-phone.png' });
    expect(overflow).toBeLessThanOrEqual(0);
    await phone.close();
  }, 60_000);
});
