/**
 * What a new user hit with typed questions (issue #25): menus WeCom refuses, scores nobody gave,
 * a synonym that turned every 东西 into 快递, questions that normalise to nothing, empty heads.
 */
import { describe, expect, it } from 'vitest';
import { emptyState } from '../../../src/rules/conversation-state.ts';
import { Decider } from '../../../src/rules/decider.ts';
import { loadRules, loadRulesOrThrow } from '../../../src/rules/load-rules.ts';
import { runCli } from '../../cli/run-cli.ts';
import { ruleDir, textItem } from '../helpers.ts';

const AT = Date.parse('2026-11-26T10:00:00+08:00');
const LONG_A = '我上周在你们店里买的那件羊毛大衣收到以后发现袖口有点开线了请问这种情况能不能直接换一件新的';
const LONG_B =
  '我上周在你们店里买的那件羊毛大衣收到以后发现颜色和图片差别太大了请问这种情况能不能直接退货退款';

const say = (content: string) => textItem(content);

describe('menus the FAQ makes', () => {
  const rules = `
faq:
  - { id: exchange, questions: ['${LONG_A}', 袖口开线能换吗], reply: 可以换新 }
  - { id: refund, questions: ['${LONG_B}', 色差能退吗], reply: 可以退 }
rules:
  - name: 兜底
    fallback: true
    then:
      - suggest: 猜你想问
`;

  it('offers an item whose first question is over 128 bytes with a text WeCom accepts', async () => {
    const dir = ruleDir({ 'rules.yaml': rules });
    const r = await runCli([
      'simulate',
      '--rules',
      dir,
      '--text',
      '我上周在你们店里买的那件羊毛大衣收到以后有问题这种情况怎么办',
      '--service-state',
      'bot',
    ]);
    expect(r.stdout).toContain('msgmenu');
    expect(r.stdout).toContain('✓ WeCom would accept every call');
    expect(r.code).toBe(0);
  });

  it('has validate say what such a menu will show, and takes a label: that fits', async () => {
    const dir = ruleDir({ 'rules.yaml': rules });
    const r = await runCli(['validate', dir]);
    expect(r.stdout).toMatch(/faq entry "exchange".*over the 128 bytes.*menus offering it show "我上周.*…"/);
    const labelled = ruleDir({
      'rules.yaml': rules.replace('{ id: exchange,', '{ id: exchange, label: 袖口开线换新,'),
    });
    const set = loadRulesOrThrow(labelled);
    expect(set.faq?.labels.get('exchange')?.render(() => '')).toBe('袖口开线换新');
    const tooLong = loadRules(
      ruleDir({ 'rules.yaml': rules.replace('{ id: exchange,', `{ id: exchange, label: '${LONG_A}',`) }),
    );
    expect(tooLong.problems.map((p) => p.message).join('\n')).toMatch(/label.*128 bytes/);
  });
});

describe('a typed rating', () => {
  it('counts only when the customer was offered the rating menu', async () => {
    const set = loadRulesOrThrow('rules');
    const decider = new Decider(set);
    const fresh = await decider.decide(say('还行'), {
      state: { ...emptyState(), service_state: 1 },
      now: AT,
    });
    expect(fresh.facts.menu_id).toBeUndefined();
    const asked = await decider.decide(say('满意吗'), {
      state: { ...emptyState(), service_state: 1 },
      now: AT,
    });
    expect(asked.facts.menu_id).toBeUndefined();
    const offered = { ...emptyState(), service_state: 1 as const, last_menu: 'satisfaction' };
    const rated = await decider.decide(say('还行吧'), { state: offered, now: AT });
    expect(rated.facts.menu_id).toBe('rate_ok');
  });
});

describe('the default synonyms', () => {
  it('do not read every 东西 (thing) as 快递', async () => {
    const set = loadRulesOrThrow('rules');
    expect(set.faq?.index.canonical('东西是正品吗')).not.toContain('快递');
    const d = await new Decider(set).decide(say('你们的东西质量我满意吗'), {
      state: { ...emptyState(), service_state: 1 },
      now: AT,
    });
    expect(['order_where', 'ship_time']).not.toContain(d.facts.menu_id);
  });
});

describe('validate on FAQ questions and heads', () => {
  const base = (extra: string, questions = '[怎么开发票]') => `
settings:
  faq: ${extra}
faq:
  - { id: invoice, questions: ${questions}, reply: 可以开 }
rules:
  - name: 兜底
    fallback: true
    then:
      - suggest: 猜你想问
`;

  it('warns of questions that normalise to nothing', () => {
    const loaded = loadRules(ruleDir({ 'r.yaml': base('{}', "[怎么开发票, '😀', '？？？', 请问]") }));
    const warnings = loaded.problems.filter((p) => p.severity === 'warning').map((p) => p.message);
    for (const q of ['😀', '？？？', '请问'])
      expect(warnings.some((m) => m.includes(`"${q}"`) && m.includes('nothing'))).toBe(true);
  });

  it('refuses an empty or non-text clarifying head and an empty 猜你想问 head', () => {
    for (const [yaml, what] of [
      [base("{ clarify: '' }"), 'settings.faq.clarify'],
      [base('{ clarify: 123 }'), 'settings.faq.clarify'],
      [base('{}').replace('suggest: 猜你想问', "suggest: ''"), 'suggest'],
      [base('{}').replace('suggest: 猜你想问', "suggest: { head: '  ' }"), 'suggest'],
    ] as const) {
      const loaded = loadRules(ruleDir({ 'r.yaml': yaml }));
      const errors = loaded.problems.filter((p) => p.severity === 'error').map((p) => p.message);
      expect(
        errors.some((m) => m.includes(what) && m.includes('head')),
        `${yaml}\n${errors.join('\n')}`,
      ).toBe(true);
    }
  });
});
