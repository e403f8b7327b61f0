import { cpSync, existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { addEdit, type Draft } from '../../src/authoring/draft.ts';
import type { RuleEdit } from '../../src/authoring/rule-edit.ts';
import { readRuleFiles, rulesFolder } from '../../src/authoring/rules-folder.ts';
import { describeRefusalZh } from '../../src/publishing/describe-refusal-zh.ts';
import {
  newDraft,
  type PublishContext,
  publishDraft,
  rollbackTo,
} from '../../src/publishing/publish-draft.ts';
import { finishInterruptedWrite, JOURNAL } from '../../src/publishing/write-rule-files.ts';
import { loadRules } from '../../src/rules/load-rules.ts';
import { RULE_VERSIONS_KEPT_WHOLE } from '../../src/store/rule-version-log.ts';
import { SqliteStore } from '../../src/store/sqlite-store.ts';

let dir: string;
let store: SqliteStore;
let ctx: PublishContext;
let reloads: number;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'kfbot-publish-'));
  cpSync('rules', dir, { recursive: true });
  store = new SqliteStore(':memory:');
  reloads = 0;
  ctx = {
    folder: rulesFolder(dir, '/'),
    versions: store.ruleVersions,
    now: () => 1_000,
    reload: () => reloads++,
  };
});
afterEach(async () => {
  await store.close();
});

async function draftWith(...edits: RuleEdit[]): Promise<Draft> {
  let d = await newDraft('运营小王', ctx);
  for (const e of edits) d = addEdit(d, e, ctx.folder);
  return d;
}

const answerTo = (text: string) => loadRules(dir).ruleSet?.faq?.index.match(text);
const snapshot = () => Object.fromEntries(readRuleFiles(ctx.folder));

describe('publishing a draft', () => {
  it('writes the change, reloads, and keeps the version with who, message and diff', async () => {
    const d = await draftWith({
      op: 'add-item',
      id: 'gift_wrap',
      questions: ['有礼品包装吗', '能包装成礼物吗', '送礼盒吗'],
      reply: '可以免费礼品包装。',
    });
    const out = await publishDraft(d, { by: '运营小王', message: '礼品包装' }, ctx);
    expect(out).toMatchObject({ ok: true, version: 2, files: ['faq.yaml'] });
    expect(reloads).toBe(1);
    expect(answerTo('有礼品包装吗')).toMatchObject({ type: 'answer', candidate: { id: 'gift_wrap' } });
    const versions = await store.ruleVersions.listRuleVersions(10);
    expect(versions.map((v) => [v.version, v.by, v.message])).toEqual([
      [2, '运营小王', '礼品包装'],
      [1, 'kfbot', 'the rules as found on disk before the first publish'],
    ]);
    expect((await store.ruleVersions.ruleVersion(2))?.diff).toContain('+  - id: gift_wrap');
    expect((await store.ruleVersions.ruleVersion(2))?.files?.['faq.yaml']).toBe(
      readFileSync(join(dir, 'faq.yaml'), 'utf8'),
    );
    expect(existsSync(join(dir, JOURNAL))).toBe(false);
  });

  it('refuses an edit that breaks validation, with the reason, changing nothing', async () => {
    const before = snapshot();
    const d = await draftWith({ op: 'set-item', id: 'order_invoice', menu: 'no_such_menu' });
    const out = await publishDraft(d, { by: 'ops', message: '' }, ctx);
    expect(out.ok).toBe(false);
    expect(out).toMatchObject({ reason: 'invalid' });
    expect(out.ok || out.message).toMatch(/faq\.yaml:\d+:\d+.*no_such_menu/);
    // The console's: where, in Chinese, before the line kfbot validate prints.
    if (out.ok) throw new Error('expected a refusal');
    expect(describeRefusalZh(out)).toMatch(
      /^规则检查（kfbot validate）没有通过，共 1 个问题 · the rules would not validate:\n- 错误：faq\.yaml 第 \d+ 行第 \d+ 列 · faq\.yaml:\d+:\d+: error: .*no_such_menu/,
    );
    expect(snapshot()).toEqual(before);
    expect(await store.ruleVersions.latestRuleVersion()).toBe(0);
    expect(reloads).toBe(0);
  });

  it('refuses an edit that fails a conversation test, showing the test’s diff', async () => {
    const before = snapshot();
    const d = await draftWith({ op: 'set-item', id: 'ship_time', reply: '请联系客服。' });
    const out = await publishDraft(d, { by: 'ops', message: '' }, ctx);
    expect(out).toMatchObject({ ok: false, reason: 'tests' });
    expect(out.ok || out.message).toContain('- expected: a text containing "48 小时内发货"');
    expect(out.ok || out.message).toContain('+ got:      text "请联系客服。"');
    // The console's version of it: Chinese first, the CLI's English beside each line.
    if (out.ok || out.reason !== 'tests') throw new Error('expected a tests refusal');
    const zh = describeRefusalZh(out);
    expect(zh).toMatch(/^1 个对话测试步骤会答错 · 1 conversation test step\(s\) would fail\n✗ /);
    expect(zh).toMatch(/— 第 \d+ 步：客户说 "/);
    expect(zh).toContain(
      '- 应当 expected: 一条包含 "48 小时内发货" 的文字 · a text containing "48 小时内发货"',
    );
    expect(zh).toContain('+ 实际 got:      文字 "请联系客服。" · text "请联系客服。"');
    expect(snapshot()).toEqual(before);
  });

  it('shows a new question that collides with another item as a warning, and publishes', async () => {
    const d = await draftWith({
      op: 'set-item',
      id: 'pay_methods',
      questions: ['支持哪些付款方式', '开专票'],
    });
    const out = await publishDraft(d, { by: 'ops', message: '' }, ctx);
    expect(out.ok).toBe(true);
    expect(out.ok && out.warnings.map((w) => w.message).join('\n')).toMatch(
      /question "开专票" of "pay_methods" is as close to "order_invoice"/,
    );
  });

  it('reports a file changed on disk since the draft began as a conflict, never overwriting it', async () => {
    const d = await draftWith({
      op: 'set-item',
      id: 'ship_time',
      reply: '下单后 48 小时内发货，偏远地区另计。',
    });
    const path = join(dir, 'faq.yaml');
    const theirs = readFileSync(path, 'utf8').replace('支持微信支付', '支持微信支付与银联');
    writeFileSync(path, theirs);
    const out = await publishDraft(d, { by: 'ops', message: '' }, ctx);
    expect(out).toMatchObject({ ok: false, reason: 'conflict', files: ['faq.yaml'] });
    expect(readFileSync(path, 'utf8')).toBe(theirs);
  });

  it('rolls back through the same gates, as a new version', async () => {
    const original = snapshot();
    const d = await draftWith({
      op: 'set-item',
      id: 'refund_time',
      reply: '验收后 1 个工作日内退款，原路退回，1-3 个工作日到账。',
    });
    expect((await publishDraft(d, { by: 'ops', message: 'wording' }, ctx)).ok).toBe(true);
    expect(snapshot()).not.toEqual(original);
    const back = await rollbackTo(1, 'ops', ctx);
    expect(back).toMatchObject({ ok: true, version: 3, files: ['faq.yaml'] });
    expect(snapshot()).toEqual(original);
    expect((await store.ruleVersions.ruleVersion(3))?.message).toBe('rollback to version 1');
    const none = await rollbackTo(9, 'ops', ctx);
    expect(none).toMatchObject({ ok: false, reason: 'refused' });
    // The console says it in Chinese first, the CLI's English after.
    if (none.ok) throw new Error('expected a refusal');
    expect(describeRefusalZh(none)).toBe(
      '没有已发布的版本 9：请在“版本”列表里选一个版本回滚 · there is no published version 9',
    );
  });

  it('refuses to roll back to a version whose files were let go, saying why and leaving the files', async () => {
    const files = snapshot();
    const entry = { at: 1, by: 'ops', message: 'm', changed: 1, diff: '', files };
    for (let n = 1; n <= RULE_VERSIONS_KEPT_WHOLE + 2; n++)
      await store.ruleVersions.publishRuleVersion(n - 1, entry);
    const out = await rollbackTo(2, 'ops', ctx);
    expect(out).toMatchObject({ ok: false, reason: 'refused' });
    expect(JSON.stringify(out)).toContain(`newest ${RULE_VERSIONS_KEPT_WHOLE} published versions`);
    if (out.ok) throw new Error('expected a refusal');
    expect(describeRefusalZh(out)).toMatch(
      new RegExp(
        `^版本 2 早于最近的 ${RULE_VERSIONS_KEPT_WHOLE} 个发布版本.*无法回滚；请从 git 或备份恢复 · version 2 is older`,
      ),
    );
    expect(snapshot()).toEqual(files);
    expect(await store.ruleVersions.latestRuleVersion()).toBe(RULE_VERSIONS_KEPT_WHOLE + 2);
  });
});

describe('a publish interrupted by a crash', () => {
  it('is finished from its journal at the next start', () => {
    const folder = rulesFolder(dir, '/');
    writeFileSync(
      join(dir, JOURNAL),
      JSON.stringify({ version: 7, writes: { 'faq.yaml': 'faq: []\n', 'keywords.yaml': null } }),
    );
    expect(finishInterruptedWrite(folder)).toBe(7);
    expect(readFileSync(join(dir, 'faq.yaml'), 'utf8')).toBe('faq: []\n');
    expect(existsSync(join(dir, 'keywords.yaml'))).toBe(false);
    expect(existsSync(join(dir, JOURNAL))).toBe(false);
  });

  it('a journal cut short never started: it is dropped', () => {
    const before = snapshot();
    writeFileSync(join(dir, JOURNAL), '{"version": 7, "wri');
    expect(finishInterruptedWrite(rulesFolder(dir, '/'))).toBeUndefined();
    expect(snapshot()).toEqual(before);
  });
});
