/**
 * A rules problem in the console reads Chinese first: how bad and where, and for the mistakes an
 * edit in the console makes, what it means — each case made by the real loader, so a reworded
 * English message that no longer gets its Chinese fails here.
 */
import { describe, expect, it } from 'vitest';
import { loadRules } from '../../src/rules/load-rules.ts';
import { formatProblemZh } from '../../src/rules/problem-zh.ts';
import { formatProblem } from '../../src/rules/problems.ts';
import { ruleDir } from './helpers.ts';

const reply = (text: string) =>
  `rules:\n  - { name: r, when: { text: hi }, then: [ { reply: "${text}" } ] }\n`;

/** The first problem loading `yaml` as r.yaml finds, as the console shows it, and as validate prints it. */
function firstProblem(yaml: string): { zh: string; en: string } {
  // Relative to the folder, as the console's checks name files (r.yaml:2:5).
  const [p] = loadRules('.', ruleDir({ 'r.yaml': yaml })).problems;
  if (!p) throw new Error('no problem found');
  return { zh: formatProblemZh(p), en: formatProblem(p) };
}

describe('a rules problem as the console says it', () => {
  it.each([
    [
      'a question as close to another item’s',
      'faq:\n  - { id: ship_fee, questions: [运费怎么算, 运费多少钱], reply: 全国包邮 }\n  - { id: return_fee, questions: [退货运费怎么算, 运费怎么算呢], reply: 我们出 }\n',
      /^提示：r\.yaml 第 2 行第 \d+ 列，ship_fee 的问法「运费怎么算」和 return_fee 的问法「运费怎么算呢」一样接近/,
    ],
    [
      'a question that is only filler',
      'faq:\n  - { id: a, questions: [请问？, 运费多少钱], reply: x }\n',
      /^提示：r\.yaml 第 2 行第 \d+ 列，问法「请问？」（a）去掉标点/,
    ],
    [
      'a misspelt placeholder',
      reply('你好 {{nikname}}'),
      /^错误：r\.yaml 第 2 行第 \d+ 列，不认识的占位符 {{nikname}}，是不是 {{nickname}}？/,
    ],
    [
      'an unknown placeholder, naming the ones the field may use',
      reply('订单 {{order_no}}'),
      /^错误：r\.yaml 第 2 行第 \d+ 列，不认识的占位符 {{order_no}}：请检查拼写；这里可用的占位符：{{nickname}} {{scene}} {{scene_param}} {{text}} {{menu_id}} {{servicer}} {{customer}} {{var\.<名称>}} {{counter\.<名称>}} {{match\.<分组名>}} · /,
    ],
    [
      'a {{match.x}} the rule has no such group for',
      'rules:\n  - { name: r, when: { text: { regex: "^(?<order>\\\\d+)$" } }, then: [ { reply: "{{match.ordr}}" } ] }\n',
      /^错误：r\.yaml 第 2 行第 \d+ 列，占位符 {{match\.ordr}}：规则 r 的正则里没有叫 ordr 的分组（可用：{{match\.order}}）；请在它的 when: 正则里写 \(\?<ordr>…\)/,
    ],
    [
      'an unclosed placeholder',
      reply('你好 {{nickname'),
      /^错误：r\.yaml 第 2 行第 \d+ 列，“{{”没有配对的“}}”/,
    ],
    [
      'a placeholder name with a space',
      reply('你好 {{nick name}}'),
      /^错误：r\.yaml 第 2 行第 \d+ 列，“nick name”不是占位符名/,
    ],
    [
      'an unknown condition',
      'rules:\n  - { name: r, when: { txt: hi }, then: [ { reply: x } ] }\n',
      /^错误：r\.yaml 第 2 行第 \d+ 列，不认识的条件“txt”，是不是“text”？/,
    ],
  ])('%s: Chinese first, then the line kfbot validate prints', (_case, yaml, zh) => {
    const { zh: shown, en } = firstProblem(yaml);
    expect(shown).toMatch(zh);
    expect(shown.endsWith(` · ${en}`)).toBe(true);
  });

  it('says at least how bad and where for a problem it has no Chinese for', () => {
    const { zh, en } = firstProblem(
      'rules:\n  - { name: r, when: { text: hi }, then: [ { teleport: x } ] }\n',
    );
    expect(zh).toBe(`错误：r.yaml 第 2 行第 ${/:2:(\d+):/.exec(en)?.[1]} 列 · ${en}`);
  });
});
