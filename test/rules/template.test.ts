import { describe, expect, it } from 'vitest';
import { compileTemplate, type Template, type TemplateProblem } from '../../src/rules/template.ts';

const KNOWN = new Set(['nickname', 'scene_param', 'var.city', 'counter.misses', 'var.优惠码']);

function template(source: string): Template {
  const result = compileTemplate(source, KNOWN);
  if ('problems' in result) throw new Error(JSON.stringify(result.problems));
  return result.template;
}

function problems(source: string, known: ReadonlySet<string> = KNOWN): TemplateProblem[] {
  const result = compileTemplate(source, known);
  if ('template' in result) throw new Error('expected problems');
  return result.problems;
}

const values =
  (record: Record<string, string>) =>
  (name: string): string | undefined =>
    record[name];

describe('rendering', () => {
  it('fills placeholders in Chinese text with emoji around them', () => {
    const t = template('{{nickname}}您好👋，{{var.city}}门店今天营业🎉');
    expect(t.render(values({ nickname: '小王', 'var.city': '杭州' }))).toBe('小王您好👋，杭州门店今天营业🎉');
  });

  it('accepts spaces inside the braces and Chinese after the dot', () => {
    const t = template('优惠码：{{ var.优惠码 }}');
    expect(t.render(values({ 'var.优惠码': 'VIP2026' }))).toBe('优惠码：VIP2026');
  });

  it('inserts nothing for a missing value without a default', () => {
    expect(template('您好{{nickname}}！').render(() => undefined)).toBe('您好！');
  });

  it('uses the default when the value is missing or empty', () => {
    const t = template('{{nickname|亲}}，欢迎光临');
    expect(t.render(() => undefined)).toBe('亲，欢迎光临');
    expect(t.render(() => '')).toBe('亲，欢迎光临');
    expect(t.render(() => '小王')).toBe('小王，欢迎光临');
  });

  it('trims the name and the default', () => {
    expect(template('{{ nickname | 亲爱的顾客 }}好').render(() => undefined)).toBe('亲爱的顾客好');
  });

  it('writes a literal {{ for \\{{', () => {
    const t = template('输入 \\{{nickname}} 会原样显示，{{nickname}}');
    expect(t.names).toEqual(['nickname']);
    expect(t.render(() => '小王')).toBe('输入 {{nickname}} 会原样显示，小王');
  });

  it('inserts values verbatim, never expanding placeholders inside them', () => {
    const t = template('你好 {{nickname}}');
    const lookup = values({ nickname: '{{var.x}} \\{{nickname}}', 'var.x': 'secret' });
    expect(t.render(lookup)).toBe('你好 {{var.x}} \\{{nickname}}');
  });

  it('lists each placeholder name once, in order of first use', () => {
    const t = template('{{var.city}} {{nickname}} {{var.city|本地}} {{counter.misses}}');
    expect(t.names).toEqual(['var.city', 'nickname', 'counter.misses']);
  });

  it('renders a template without placeholders as its text, without calling lookup', () => {
    const t = template('请稍候，正在为您转接人工客服 🙏 }} 不是占位符');
    let calls = 0;
    const rendered = t.render(() => {
      calls++;
      return 'x';
    });
    expect(rendered).toBe('请稍候，正在为您转接人工客服 🙏 }} 不是占位符');
    expect(calls).toBe(0);
    expect(t.names).toEqual([]);
    expect(t.constant).toBe(rendered);
  });

  it('has no constant text when it has placeholders', () => {
    expect(template('{{nickname}}').constant).toBeUndefined();
  });

  it('renders an empty template as empty', () => {
    expect(template('').render(() => 'x')).toBe('');
  });
});

describe('problems', () => {
  it('names an unknown placeholder, suggests the nearest and lists the known ones', () => {
    expect(problems('你好 {{nick_name}}')).toEqual([
      {
        offset: 3,
        message:
          'unknown placeholder "nick_name" (did you mean "nickname"?); known: nickname, scene_param, var.city, counter.misses, var.优惠码',
      },
    ]);
  });

  it('asks a predicate which names are known, listing the names it is given', () => {
    const isVar = (name: string) => name.startsWith('var.');
    expect(compileTemplate('{{var.anything}}', isVar)).toHaveProperty('template');
    expect(compileTemplate('{{nickname}}', isVar)).toEqual({
      problems: [{ offset: 0, message: 'unknown placeholder "nickname"' }],
    });
    expect(compileTemplate('{{nickname}}', isVar, ['var.<name>'])).toEqual({
      problems: [{ offset: 0, message: 'unknown placeholder "nickname"; known: var.<name>' }],
    });
  });

  it('reports a {{ that is never closed, at its offset', () => {
    expect(problems('您好 {{nickname')).toEqual([
      { offset: 3, message: '"{{" is not closed by "}}"; write \\{{ for a literal {{' },
    ]);
  });

  it('reports a {{ that is not closed before the next one, and still checks the next', () => {
    expect(problems('{{nickname 你好 {{var.ctiy}}')).toEqual([
      { offset: 0, message: '"{{" is not closed by "}}" before the next "{{"; write \\{{ for a literal {{' },
      {
        offset: 14,
        message: expect.stringMatching(/^unknown placeholder "var.ctiy" \(did you mean "var.city"\?\)/),
      },
    ]);
  });

  it('rejects names that are not plain names, so nothing but a lookup can happen', () => {
    expect(
      problems('{{}} {{foo bar}} {{a.b.c}} {{nickname()}} {{constructor.name}}').map((p) => p.message),
    ).toEqual([
      'empty placeholder "{{}}"; write \\{{ for a literal {{',
      '"foo bar" is not a placeholder name (letters, digits and _, like nickname or var.city)',
      '"a.b.c" is not a placeholder name (letters, digits and _, like nickname or var.city)',
      '"nickname()" is not a placeholder name (letters, digits and _, like nickname or var.city)',
      'unknown placeholder "constructor.name"; known: nickname, scene_param, var.city, counter.misses, var.优惠码',
    ]);
  });

  it('counts offsets in UTF-16 code units, as JavaScript strings do', () => {
    expect(problems('😀退款{{x}}')[0]?.offset).toBe(4);
  });
});
