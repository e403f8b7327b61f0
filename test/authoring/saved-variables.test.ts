/**
 * The placeholder list names the variables this rule set saves ({{var.order_no}}), read from its
 * set: actions and its calls' save:, so an operator sees which {{var.…}} exist; each name loads.
 */
import { describe, expect, it } from 'vitest';
import { ruleCatalogue } from '../../src/authoring/rule-catalogue.ts';
import { savedVariables } from '../../src/authoring/saved-variables.ts';

const RULES = `rules:
  - name: 订单号
    when: { text: { regex: '^(?<order>xm\\d{8,})$' } }
    then:
      - set: { order_no: "{{match.order}}" }
      - call:
          name: order_status
          url: https://shop.example.com/api/orders/{{match.order}}
          save: { status: data.status }
          on_error: [ { set: { lookup_failed: true } } ]
      - reply: "订单 {{var.order_no}}：{{var.status}}"
faq:
  - id: vip
    questions: [会员]
    reply: 好的
    then: [ { set: { vip: true } } ]
`;

describe('the variables a rule set saves', () => {
  it('come from set: and a call’s save:, in branches too, with who saves each', () => {
    expect(savedVariables(new Map([['rules.yaml', RULES]]))).toEqual([
      { name: 'lookup_failed', by: ['规则「订单号」'] },
      { name: 'order_no', by: ['规则「订单号」'] },
      { name: 'status', by: ['规则「订单号」'] },
      { name: 'vip', by: ['问答 vip'] },
    ]);
  });

  it('are listed by name beside every text instead of {{var.<名称>}}', () => {
    const c = ruleCatalogue(new Map([['rules.yaml', RULES]]));
    for (const list of [c.placeholders, ...c.texts.map((t) => t.placeholders)]) {
      const names = list.map((p) => p.name);
      expect(names).toEqual(expect.arrayContaining(['var.order_no', 'var.status', 'var.vip']));
      expect(names).not.toContain('var.<名称>');
    }
    expect(c.placeholders.find((p) => p.name === 'var.status')?.zh).toContain('规则「订单号」');
  });

  it('leave {{var.<名称>}} saying none is saved when no rule saves one', () => {
    const c = ruleCatalogue(
      new Map([['faq.yaml', 'faq:\n  - id: a\n    questions: [你好]\n    reply: 好\n']]),
    );
    expect(c.placeholders.find((p) => p.name === 'var.<名称>')?.zh).toContain('还没有保存任何变量');
  });
});
