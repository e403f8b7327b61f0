import { describe, expect, it } from 'vitest';
import { emptyState } from '../../../src/rules/conversation-state.ts';
import { Decider } from '../../../src/rules/decider.ts';
import { loadRules } from '../../../src/rules/load-rules.ts';
import type { RuleSet } from '../../../src/rules/rule-model.ts';
import { ruleDir, textItem } from '../helpers.ts';

const AT = Date.parse('2026-11-26T10:00:00+08:00');

const SHOP = `
settings:
  faq:
    margin: 0.15
    clarify: 您想问的是：
    synonyms: [[运费, 邮费, 快递费]]
menus:
  main:
    items:
      - click: refund_time
        label: 退款多久到账？
        questions: [钱什么时候退回来, 退款几天到]
        reply: 1-3 个工作日到账
      - click: shipping_fee
        label: 运费怎么算？
        questions: [包邮吗]
        reply: 全国包邮
      - click: order_where
        label: 我的快递到哪了？
        questions: [快递怎么还没到]
        reply: 请在我的订单中查看物流
      - click: refund_progress
        label: 退款进度怎么查？
        reply: 在我的订单里查看退款进度
faq:
  - id: cancel_order
    questions: [怎么取消订单, 拍错了能取消吗]
    reply: 未发货的订单可直接取消
rules:
  - name: 人工接待中不打扰
    priority: 1000
    when: { service_state: [queued, human] }
    then:
      - nothing: 人工接待中
  - name: 转人工
    priority: 200
    when: { text: { any: [人工, 投诉] } }
    then:
      - transfer: { to: queue }
  - name: 退款关键词
    when: { text: { any: [退款] } }
    then:
      - reply: 退款请看菜单
  - name: 兜底
    fallback: true
    then:
      - reply: 没听懂
`;

function load(yaml: string): RuleSet {
  const loaded = loadRules(ruleDir({ 'rules.yaml': yaml }));
  if (!loaded.ruleSet) throw new Error(loaded.problems.map((p) => p.message).join('\n'));
  return loaded.ruleSet;
}

const text = textItem;

async function replies(set: RuleSet, content: string, state = emptyState()) {
  const d = await new Decider(set).decide(text(content), { state, now: AT });
  return {
    d,
    said: d.actions.map(({ action }) => {
      if (action.type === 'transfer') return `transfer:${action.to}`;
      if (action.type === 'nothing') return 'nothing';
      if (action.type !== 'reply') return action.type;
      const c = action.content;
      if (c.msgtype === 'text') return c.text.render(() => '');
      if (c.msgtype === 'msgmenu')
        return `${c.menu.head?.render(() => '')}${c.menu.items.map((i) => (i.type === 'click' ? `[${i.id}]` : '')).join('')}`;
      return c.msgtype;
    }),
  };
}

describe('typed questions reach FAQ answers', () => {
  it('answers a confident typed match exactly as a click on that item', async () => {
    const set = load(SHOP);
    const typed = await replies(set, '钱啥时候退回来啊？');
    expect(typed.said).toEqual(['1-3 个工作日到账']);
    expect(typed.d.faq).toMatchObject({ outcome: 'answer', answered: 'refund_time' });
    expect(typed.d.state.misses).toBe(0);
  });

  it('reads each item’s reply as words that explain a message', async () => {
    const set = load(SHOP);
    expect(set.faq?.index.entries.find((e) => e.id === 'refund_time')?.answer).toBe('1-3 个工作日到账');
    expect(set.faq?.index.entries.find((e) => e.id === 'cancel_order')?.answer).toBe(
      '未发货的订单可直接取消',
    );
  });

  it('answers faq: entries that no menu shows', async () => {
    expect((await replies(load(SHOP), '订单怎么取消')).said).toEqual(['未发货的订单可直接取消']);
  });

  it('uses the rule author synonyms', async () => {
    expect((await replies(load(SHOP), '快递费怎么算')).said).toEqual(['全国包邮']);
  });

  it('lets a higher-priority rule win: asking for a human transfers even when the text looks like a question', async () => {
    expect((await replies(load(SHOP), '退款几天到我要投诉')).said).toEqual(['transfer:queue']);
  });

  it('stays quiet while a servicer has the session', async () => {
    const state = { ...emptyState(), service_state: 3 as const };
    expect((await replies(load(SHOP), '退款多久到账', state)).said).toEqual(['nothing']);
  });

  it('sends a clarifying menu with the close items and the configured head', async () => {
    const r = await replies(load(SHOP), '退款多久查进度');
    expect(r.d.faq?.outcome).toBe('clarify');
    expect(r.said).toHaveLength(1);
    expect(r.said[0]).toMatch(/^您想问的是：/);
    expect(r.said[0]).toContain('[refund_time]');
    expect(r.said[0]).toContain('[refund_progress]');
    expect(r.d.state.last_menu).toBe('faq_clarify');
  });

  it('answers a click on a clarifying menu item that is a faq: entry', async () => {
    const set = load(SHOP);
    const d = await new Decider(set).decide(text('怎么取消订单', 'cancel_order'), {
      state: emptyState(),
      now: AT,
    });
    expect(d.matched.map((r) => r.name)).toEqual(['faq → cancel_order']);
    expect(d.faq).toBeUndefined();
  });

  it('leaves unmatched text to the other rules and the fallback, as before', async () => {
    const set = load(SHOP);
    expect((await replies(set, '退款')).said).toEqual(['退款请看菜单']);
    const miss = await replies(set, '今天天气怎么样');
    expect(miss.said).toEqual(['没听懂']);
    expect(miss.d.faq?.outcome).toBe('none');
    expect(miss.d.state.misses).toBe(1);
    expect(miss.d.unanswered).toMatchObject({ text: '今天天气怎么样', example: '今天天气怎么样' });
    expect((await replies(set, '钱啥时候退回来')).d.unanswered).toBeUndefined();
  });

  it('suggests the nearest items (猜你想问) when none is confident, and sends otherwise when none is near', async () => {
    const set = load(
      SHOP.replace('margin: 0.15', 'margin: 0.15\n    suggest: 0.3').replace(
        '      - reply: 没听懂\n',
        '      - reply: 没听懂\n      - suggest: { head: 您是不是想问：, otherwise: { menu: main } }\n',
      ),
    );
    // Near the parcel and the refund, sure of neither: both offered, best first, clickable.
    const near = await replies(set, '退的钱到哪');
    expect(near.d.faq?.outcome).toBe('none');
    expect(near.said).toEqual(['没听懂', '您是不是想问：[order_where][refund_time]']);
    expect(near.d.state.last_menu).toBe('faq_suggest');
    expect(near.d.state.misses).toBe(1);
    expect(near.d.unanswered).toMatchObject({ example: '退的钱到哪' });
    const far = await replies(set, '讲个笑话');
    expect(far.said).toEqual([
      '没听懂',
      'undefined[refund_time][shipping_fee][order_where][refund_progress]',
    ]);
    expect(far.d.state.last_menu).toBe('main');
  });

  it('remembers what a suggestion menu offered, so a click on one of its items says what the text meant', async () => {
    const set = load(
      SHOP.replace('margin: 0.15', 'margin: 0.15\n    suggest: 0.3').replace(
        '      - reply: 没听懂\n',
        '      - reply: 没听懂\n      - suggest: 您是不是想问：\n',
      ),
    );
    const asked = await replies(set, '退的钱到哪');
    expect(asked.d.state.suggested).toEqual({ text: '退的钱到哪', items: ['order_where', 'refund_time'] });
    const decide = (content: string, menuId?: string) =>
      new Decider(set).decide(text(content, menuId), { state: asked.d.state, now: AT });
    const chose = await decide('退款多久到账？', 'refund_time');
    expect(chose.chose).toEqual({ text: '退的钱到哪', item: 'refund_time' });
    expect(chose.state.suggested).toBeUndefined();
    expect((await decide('运费怎么算？', 'shipping_fee')).chose).toBeUndefined();
    expect((await decide('退的钱到哪')).chose).toBeUndefined();
  });

  it('lets rules test whether the last menu was the FAQ’s own', async () => {
    const set = load(
      SHOP.replace(
        '  - name: 兜底',
        '  - name: 澄清后还没懂\n    fallback: true\n    when: { last_menu: [faq_clarify, faq_suggest] }\n    then: [ { reply: 换个说法试试 } ]\n  - name: 兜底',
      ),
    );
    const state = { ...emptyState(), last_menu: 'faq_suggest' };
    expect((await replies(set, '讲个笑话', state)).said).toEqual(['换个说法试试']);
    expect((await replies(set, '讲个笑话')).said).toEqual(['没听懂']);
  });

  it('suggests nothing for what is not typed text, and nothing at all without otherwise', async () => {
    const set = load(
      SHOP.replace('      - reply: 没听懂\n', '      - reply: 没听懂\n      - suggest: 猜你想问\n'),
    );
    expect((await replies(set, '快递呢')).said).toEqual(['没听懂', '猜你想问[order_where]']);
    const far = await replies(set, '讲个笑话');
    expect(far.said).toEqual(['没听懂', 'nothing']);
    const d = await new Decider(set).decide(text('', 'no_such_item'), { state: emptyState(), now: AT });
    expect(d.actions.map(({ action }) => action.type)).toEqual(['reply', 'nothing']);
  });

  it('keeps rule files without questions exactly as they were: labels alone do not answer typed text', async () => {
    const set = load(`
menus:
  main:
    items:
      - click: refund_time
        label: 退款多久到账？
        reply: 1-3 个工作日到账
rules:
  - name: 退款关键词
    when: { text: { any: [退款] } }
    then:
      - reply: 退款请看菜单
`);
    expect(set.faq).toBeUndefined();
    expect((await replies(set, '退款多久到账？')).said).toEqual(['退款请看菜单']);
  });
});

describe('the FAQ rule-file contract', () => {
  const problems = (yaml: string) =>
    loadRules(ruleDir({ 'rules.yaml': yaml })).problems.map((p) => `${p.line}: ${p.severity}: ${p.message}`);

  it('checks suggest: actions and settings.faq.suggest', () => {
    const out = problems(`
settings:
  faq: { threshold: 0.4, suggest: 0.6 }
menus:
  main:
    items:
      - { click: a, label: 退款多久到账, questions: [钱什么时候到], reply: x }
rules:
  - name: 坏的
    fallback: true
    then:
      - suggest: [x]
      - suggest: { head: 想问, otherwise: { menu: nowhere }, extra: 1 }
`).join('\n');
    expect(out).toMatch(/3: error: settings.faq.suggest \(0.6\) is above threshold \(0.4\)/);
    expect(out).toMatch(/12: error: suggest takes the menu's head text, or \{ head, otherwise \}/);
    expect(out).toMatch(/13: error: no menu named "nowhere"/);
    expect(out).toMatch(/13: error: unknown key "extra" in suggest/);
    const onEnter = problems(`
faq:
  - { id: a, questions: [退款多久到账], reply: x }
rules:
  - name: 欢迎
    when: { kind: enter_session }
    then:
      - suggest: 您是不是想问：
`).join('\n');
    expect(onEnter).toMatch(/8: error: suggest: cannot answer enter_session/);
    const noFaq = problems(`
rules:
  - name: 兜底
    fallback: true
    then:
      - suggest: { otherwise: 没听懂 }
`).join('\n');
    expect(noFaq).toMatch(
      /6: warning: suggest: has nothing to suggest: these rules list no questions: and no faq:, so it always sends its otherwise/,
    );
  });

  it('rejects faq entries without a valid id, without questions, or with two answers', () => {
    const out = problems(`
faq:
  - questions: [a]
    reply: x
  - id: "bad id!"
    questions: [b]
    reply: x
  - id: none_asked
    reply: x
  - id: two
    questions: [c]
    reply: x
    menu: main
`);
    expect(out.join('\n')).toMatch(/3: error: a faq entry needs id: 1-64 letters/);
    expect(out.join('\n')).toMatch(/5: error: a faq entry needs id/);
    expect(out.join('\n')).toMatch(/8: error: faq entry "none_asked" needs questions:/);
    expect(out.join('\n')).toMatch(/10: error: faq entry "two" takes one of reply:, menu: or then:/);
  });

  it('checks settings.faq and questions: lists', () => {
    const out = problems(`
settings:
  faq: { threshold: 2, synonyms: [[只有一个]], colour: red }
menus:
  main:
    items:
      - click: a
        label: A
        questions: 不是列表
        reply: x
`).join('\n');
    expect(out).toMatch(/settings.faq.threshold is a number from 0 to 1/);
    expect(out).toMatch(/a synonym group is a list of two or more words/);
    expect(out).toMatch(/unknown key "colour" in settings.faq/);
    expect(out).toMatch(/questions: is a list of the ways customers ask it/);
  });

  it('warns about near-duplicate questions, questions unlike their label, and faq ids that are click ids', () => {
    const out = problems(`
menus:
  main:
    items:
      - click: refund_time
        label: 退款多久到账？
        questions: [退款几天到账]
        reply: x
      - click: refund_speed
        label: 退款速度
        questions: [退款几天到账啊]
        reply: y
      - click: invoice
        label: 怎么开发票？
        questions: [运费谁出, 包邮吗]
        reply: z
faq:
  - id: refund_speed
    questions: [发票抬头怎么写]
    reply: w
`).join('\n');
    expect(out).toMatch(/warning: question "退款几天到账" of "refund_time" is as close to "refund_speed"/);
    expect(out).toMatch(/warning: none of the questions of "invoice" resembles its label "怎么开发票？"/);
    expect(out).toMatch(/warning: faq id "refund_speed" is also a click id in menu "main"/);
  });

  it('warns that a one-character synonym is rewritten inside the words holding it', () => {
    const out = problems(`
settings:
  faq:
    synonyms: [[快递, 物流, 货]]
menus:
  main:
    items:
      - click: return_policy
        label: 怎么退货？
        questions: [可以退货吗]
        reply: x
      - click: order_where
        label: 物流到哪了？
        questions: [快递怎么还没到]
        reply: y
`).join('\n');
    expect(out).toMatch(
      /warning: synonym "货" is one character: it is rewritten to "快递" inside every word holding it \("怎么退货？", "可以退货吗"\)/,
    );
    expect(out).not.toMatch(/synonym "物流"/);
  });

  it('does not read conversation tests in the rules folder as rules', () => {
    const dir = ruleDir({ 'rules.yaml': SHOP, 'tests/shop.yaml': 'tests: []\n' });
    const loaded = loadRules(dir);
    expect(loaded.ruleSet).toBeDefined();
    expect(loaded.files.some((f) => f.includes('tests'))).toBe(false);
  });
});
