import { cpSync, mkdtempSync, readFileSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeEach, describe, expect, it } from 'vitest';
import { AuthoringError } from '../../src/authoring/authoring-error.ts';
import {
  addEdit,
  diffOf,
  draftChanges,
  draftConflicts,
  draftFiles,
  rebaseDraft,
  startDraft,
} from '../../src/authoring/draft.ts';
import type { RuleEdit } from '../../src/authoring/rule-edit.ts';
import { insideRules, type RulesFolder, rulesFolder } from '../../src/authoring/rules-folder.ts';
import { loadRules } from '../../src/rules/load-rules.ts';

let dir: string;
let folder: RulesFolder;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'kfbot-authoring-'));
  cpSync('rules', dir, { recursive: true });
  folder = rulesFolder(dir, process.cwd());
});

const draftWith = (...edits: RuleEdit[]) =>
  edits.reduce((d, e) => addEdit(d, e, folder), startDraft(folder, { by: 'ops', baseVersion: 0, now: 1 }));

/** The 1-based numbers of the lines that differ between two texts of the same length in lines. */
function changedLines(before: string, after: string): number[] {
  const a = before.split('\n');
  const b = after.split('\n');
  expect(b.length).toBe(a.length);
  return a.flatMap((line, i) => (line === b[i] ? [] : [i + 1]));
}

function writeDraft(files: Map<string, string>): string {
  const out = mkdtempSync(join(tmpdir(), 'kfbot-authored-'));
  cpSync(dir, out, { recursive: true });
  for (const [f, t] of files) writeFileSync(join(out, f), t);
  return out;
}

describe('editing rule files keeps everything untouched byte for byte', () => {
  it('adding a 相似问法 to a menu item changes only that item’s questions line', () => {
    const before = readFileSync(join(dir, 'faq.yaml'), 'utf8');
    const old = [
      '查物流',
      '物流信息怎么查',
      '包裹到哪里了',
      '快递怎么还没到',
      '查一下我的快递',
      '我的订单发货了没有',
      '物流到哪了',
      '快递几天了还没到',
      '发货了吗',
      '订单什么时候发出',
      '怎么查快递单号',
      '包裹一直没动静',
      '物流不更新',
    ];
    const d = draftWith({ op: 'set-item', id: 'order_where', questions: [...old, '快递到哪儿啦'] });
    const after = draftFiles(d).get('faq.yaml') as string;
    const line = before.split('\n').findIndex((l) => l.includes('[查物流,')) + 1;
    expect(changedLines(before, after)).toEqual([line]);
    expect(after).toContain('物流不更新, 快递到哪儿啦]');
    // every comment of the file is still there
    for (const c of before.split('\n').filter((l) => l.trim().startsWith('#'))) expect(after).toContain(c);
    expect(draftChanges(d).map((c) => c.file)).toEqual(['faq.yaml']);
  });

  it('changing a reply, a menu tail and a transfer notice touches those lines only', () => {
    const d = draftWith(
      { op: 'set-item', id: 'ship_time', reply: '下单后 24 小时内发货。' },
      { op: 'set-menu', menu: 'main', tail: '直接输入问题也可以' },
      { op: 'set-rule-text', rule: '转人工关键词', step: 0, text: '好的，马上为您转接, 请稍候' },
    );
    const files = draftFiles(d);
    const faqBefore = readFileSync(join(dir, 'faq.yaml'), 'utf8');
    expect(changedLines(faqBefore, files.get('faq.yaml') as string)).toHaveLength(1);
    const welcome = readFileSync(join(dir, 'welcome.yaml'), 'utf8');
    expect(changedLines(welcome, files.get('welcome.yaml') as string)).toHaveLength(1);
    const handoff = files.get('handoff.yaml') as string;
    expect(handoff).toContain('- transfer: { to: queue, notice: "好的，马上为您转接, 请稍候" }');
    expect(changedLines(readFileSync(join(dir, 'handoff.yaml'), 'utf8'), handoff)).toHaveLength(1);
    const loaded = loadRules(writeDraft(files));
    expect(loaded.ruleSet).toBeDefined();
  });

  it('a new FAQ item with three 相似问法 is appended as its own lines and answers', () => {
    const d = draftWith({
      op: 'add-item',
      id: 'gift_wrap',
      questions: ['可以包装成礼物吗', '有礼品包装吗', '能送礼盒吗'],
      reply: '可以，下单时备注“礼品包装”即可，免费。',
    });
    const diff = diffOf(draftChanges(d));
    expect(diff.split('\n').filter((l) => /^[+-][^+-]/.test(l))).toEqual([
      '+  - id: gift_wrap',
      '+    questions: [可以包装成礼物吗, 有礼品包装吗, 能送礼盒吗]',
      '+    reply: 可以，下单时备注“礼品包装”即可，免费。',
    ]);
    const loaded = loadRules(writeDraft(draftFiles(d)));
    expect(loaded.ruleSet?.faq?.index.match('有礼品包装吗')).toMatchObject({
      type: 'answer',
      candidate: { id: 'gift_wrap' },
    });
  });

  it('adds a menu item before the trailing 返回 item, moves and removes items', () => {
    const d = draftWith(
      {
        op: 'add-item',
        menu: 'returns',
        id: 'exchange_size',
        label: '能换尺码吗？',
        questions: ['换个尺码'],
        reply: '可以，申请售后时选择“换货”。',
      },
      { op: 'move-item', menu: 'returns', id: 'return_fee', to: 0 },
      { op: 'remove-item', id: 'cancel_order' },
    );
    const files = draftFiles(d);
    const set = loadRules(writeDraft(files)).ruleSet;
    const returns = set?.menus.get('returns');
    expect(returns?.items.map((i) => (i.type === 'click' ? i.id : i.type))).toEqual([
      'return_fee',
      'return_policy',
      'refund_time',
      'exchange_size',
      'back_to_main',
    ]);
    expect(files.get('faq.yaml')).not.toContain('cancel_order');
  });

  it('names a new item from its first question when no id is given, the same every time', () => {
    const edit: RuleEdit = { op: 'add-item', questions: ['有发票吗', '能开票吗'], reply: '可以。' };
    const once = draftFiles(draftWith(edit)).get('faq.yaml') as string;
    expect(once).toMatch(/- id: faq_[0-9a-f]{8}\n {4}questions: \[有发票吗, 能开票吗\]/);
    expect(draftFiles(draftWith(edit)).get('faq.yaml')).toBe(once);
  });

  it('a multi-line reply is written as a |- block', () => {
    const d = draftWith({ op: 'set-item', id: 'pay_methods', reply: '支持微信支付。\n暂不支持花呗。' });
    expect(draftFiles(d).get('faq.yaml')).toContain(
      '    reply: |-\n      支持微信支付。\n      暂不支持花呗。\n',
    );
  });

  it('a reply with markup is stored as text, quoted where YAML needs it', () => {
    const reply = '<script>alert(1)</script> # not a comment: {x}';
    const d = draftWith({ op: 'set-item', id: 'pay_methods', reply });
    const loaded = loadRules(writeDraft(draftFiles(d)));
    expect(loaded.ruleSet).toBeDefined();
    expect(draftFiles(d).get('faq.yaml')).toContain(
      JSON.stringify(reply).slice(1, -1).replace(/\\"/g, '"').slice(0, 10),
    );
  });
});

describe('refused edits say why and change nothing', () => {
  it('an unknown item, a duplicate id and an empty reply', () => {
    const d = startDraft(folder, { by: 'ops', baseVersion: 0, now: 1 });
    const codeOf = (e: RuleEdit) => {
      try {
        addEdit(d, e, folder);
      } catch (err) {
        return (err as AuthoringError).code;
      }
      return 'ok';
    };
    expect(codeOf({ op: 'set-item', id: 'nope', reply: 'x' })).toBe('not-found');
    expect(codeOf({ op: 'add-item', id: 'ship_time', questions: ['a'], reply: 'x' })).toBe('exists');
    expect(codeOf({ op: 'set-item', id: 'ship_time', reply: '  ' })).toBe('bad-edit');
    expect(codeOf({ op: 'add-item', id: 'x', questions: ['a'], reply: 'b', file: '../outside.yaml' })).toBe(
      'bad-path',
    );
    expect(d.edits).toEqual([]);
  });

  it('a list of items written inline is left to a person, not rewritten', () => {
    writeFileSync(join(dir, 'faq.yaml'), 'faq: [{ id: a, questions: [x], reply: y }]\n');
    const d = startDraft(folder, { by: 'ops', baseVersion: 0, now: 1 });
    expect(() => addEdit(d, { op: 'add-item', id: 'b', questions: ['q'], reply: 'r' }, folder)).toThrow(
      /inline/,
    );
  });
});

describe('paths stay inside the rules folder', () => {
  it('refuses .., absolute, hidden, non-YAML and symbolic links out', () => {
    for (const p of [
      '../x.yaml',
      '/etc/passwd.yaml',
      '.git/x.yaml',
      'a/../../x.yaml',
      'faq.txt',
      'a\\b.yaml',
    ])
      expect(() => insideRules(folder, p), p).toThrow(AuthoringError);
    const outside = mkdtempSync(join(tmpdir(), 'kfbot-outside-'));
    symlinkSync(outside, join(dir, 'linked'));
    expect(() => insideRules(folder, 'linked/x.yaml')).toThrow(/leads out/);
    expect(insideRules(folder, 'shop/new.yaml')).toBe(join(dir, 'shop', 'new.yaml'));
  });
});

describe('a file changed on disk since the draft began', () => {
  it('is a conflict for a draft that changes it, and the edits apply again on the new text', () => {
    const d = draftWith({ op: 'set-item', id: 'ship_time', reply: '当天发货。' });
    expect(draftConflicts(d, folder)).toEqual([]);
    const path = join(dir, 'faq.yaml');
    writeFileSync(path, readFileSync(path, 'utf8').replace('支持微信支付', '支持微信支付和银行卡'));
    expect(draftConflicts(d, folder)).toEqual(['faq.yaml']);
    const again = rebaseDraft(d, folder, 0);
    expect(draftConflicts(again, folder)).toEqual([]);
    const after = draftFiles(again).get('faq.yaml') as string;
    expect(after).toContain('当天发货。');
    expect(after).toContain('支持微信支付和银行卡');
  });

  it('a change to another file is no conflict', () => {
    const d = draftWith({ op: 'set-item', id: 'ship_time', reply: '当天发货。' });
    writeFileSync(join(dir, 'welcome.yaml'), `${readFileSync(join(dir, 'welcome.yaml'), 'utf8')}\n# note\n`);
    expect(draftConflicts(d, folder)).toEqual([]);
  });
});
