import { describe, expect, it } from 'vitest';
import { loadRules } from '../../src/rules/load-rules.ts';
import { ruleDir } from './helpers.ts';

function load(yaml: string) {
  const dir = ruleDir({ 'rules.yaml': yaml });
  const loaded = loadRules(dir);
  return {
    ruleSet: loaded.ruleSet,
    problems: loaded.problems.map((p) =>
      `${p.line}:${p.col}: ${p.severity}: ${p.message}`.replaceAll(`${dir}/`, ''),
    ),
  };
}

const satisfaction = (items: string) => `
menus:
  rate:
    head: 请为本次服务打分：
    items:
${items}
rules:
  - name: 结束语
    when: { kind: session_status_change, change_type: ended }
    then: [ { closing: { menu: rate } } ]
`;

describe('satisfaction scores on click items', () => {
  it('gives each scored click id its score, and leaves unscored items out', () => {
    const { ruleSet, problems } = load(
      satisfaction(`      - { click: rate_5, label: 非常满意, score: 5, reply: 感谢好评 }
      - { click: rate_3, label: 一般, score: 3, reply: 谢谢 }
      - { click: rate_1, label: 不满意, score: 1, reply: 抱歉 }
      - { click: more, label: 还有问题, reply: 请说 }`),
    );
    expect(problems).toEqual([]);
    expect([...(ruleSet?.scores ?? [])]).toEqual([
      ['rate_5', 5],
      ['rate_3', 3],
      ['rate_1', 1],
    ]);
  });

  it.each([
    ['0', 'number 0'],
    ['6', 'number 6'],
    ['4.5', 'number 4.5'],
    ['五', 'string "五"'],
  ])('rejects score: %s at the score, saying it is a whole number from 1 to 5', (score, got) => {
    const { problems } = load(
      satisfaction(`      - { click: rate, label: 满意, score: ${score}, reply: 谢谢 }`),
    );
    expect(problems).toEqual([
      `6:42: error: score is a whole number from 1 (worst) to 5 (best): the satisfaction a click on this item records (got ${got})`,
    ]);
  });

  it('rejects a score on an item the customer cannot click, at its score: key', () => {
    const { problems } = load(
      satisfaction(`      - { click: rate, label: 满意, score: 5, reply: 谢谢 }
      - { view: "https://example.com/survey", label: 问卷, score: 4 }
      - { text: 感谢您的评价, score: 3 }`),
    );
    expect(problems).toEqual([
      '7:58: error: score: goes on click items only (this is a view item): a score is recorded when the customer clicks the item; make it a click item or drop the score',
      '8:25: error: score: goes on click items only (this is a text item): a score is recorded when the customer clicks the item; make it a click item or drop the score',
    ]);
  });

  it('rejects one click id with two scores, and warns when an unscored item shares a scored id', () => {
    const { problems } = load(`
menus:
  a:
    items:
      - { click: good, label: 满意, score: 5, reply: 谢谢 }
  b:
    items:
      - { click: good, label: 满意, score: 4 }
  c:
    items:
      - { click: good, label: 满意 }
`);
    expect(problems).toEqual([
      '8:42: error: click id "good" has score 5 in menu "a" (rules.yaml:5) and 4 here; a click sends back only the id, so give both items the same score or different ids',
      '11:11: warning: a click on "good" records score 5 (set in menu "a", rules.yaml:5) from this menu too; write score: 5 here to say so, or give this item another id',
    ]);
  });
});
