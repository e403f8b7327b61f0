/**
 * A problem validate reports at a file position is named by the field of the console it is in:
 * an FAQ item's answer, a menu item's 相似问法, a menu's head, a rule's text. The positions are
 * the ones loadRules really reports, not written by hand.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { problemFields } from '../../src/authoring/problem-field.ts';
import { loadRules } from '../../src/rules/load-rules.ts';
import { ruleDir } from '../rules/helpers.ts';

const FAQ = `faq:
  - id: refund_time
    label: 退款
    questions: [退款多久到账, 钱什么时候退回来]
    reply: "退款 1-3 个工作日到账 {{ordr_no}}"
menus:
  main:
    head: "{{nick}}，您好"
    items:
      - click: ask_invoice
        label: 开发票
        questions: [怎么开票]
        reply: 在订单里申请开票 {{ordr}}
rules:
  - name: 欢迎语
    when: { kind: enter_session }
    then:
      - welcome: "您好 {{nicknam}}"
`;

function located(files: Record<string, string>) {
  const dir = ruleDir(files);
  const problems = loadRules('.', dir).problems;
  const fieldOf = problemFields(
    new Map(readdirSync(dir).map((f) => [f, readFileSync(join(dir, f), 'utf8')])),
  );
  return problems.map((p) => ({ message: p.message, field: fieldOf(p)?.zh }));
}

describe('the console field a rules problem is in', () => {
  it('names an FAQ answer, a menu head, a menu item’s answer and a rule text as the page does', () => {
    const found = located({ 'faq.yaml': FAQ });
    expect(found).toEqual(
      expect.arrayContaining([
        { message: expect.stringContaining('"ordr_no"'), field: '问答「退款多久到账」的答案' },
        { message: expect.stringContaining('"nick"'), field: '菜单「main」的开头' },
        { message: expect.stringContaining('"ordr"'), field: '问答「开发票」的答案' },
        { message: expect.stringContaining('"nicknam"'), field: '话术「欢迎语（第 1 步）」' },
      ]),
    );
  });

  it('gives the field with its editor and input, so the page can open and focus it', () => {
    const dir = ruleDir({ 'faq.yaml': FAQ });
    const [p] = loadRules('.', dir).problems.filter((x) => x.message.includes('ordr_no'));
    const field = problemFields(new Map([['faq.yaml', FAQ]]))(p as NonNullable<typeof p>);
    expect(field).toEqual({
      kind: 'item',
      id: 'refund_time',
      input: 'reply',
      zh: '问答「退款多久到账」的答案',
    });
  });

  it('keeps to the file place a problem outside every field the page edits', () => {
    const found = located({
      'faq.yaml':
        'settings:\n  no_such_setting: 1\nfaq:\n  - id: a\n    questions: [退款]\n    reply: 好的\n',
    });
    expect(found.length).toBeGreaterThan(0);
    for (const f of found) expect(f.field, f.message).toBeUndefined();
  });
});
