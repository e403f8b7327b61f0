import { mkdirSync, symlinkSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadRules } from '../../src/rules/load-rules.ts';
import { ruleDir } from './helpers.ts';

function problemsOf(yaml: string, extra: Record<string, string | Buffer> = {}) {
  const dir = ruleDir({ 'rules.yaml': yaml, ...extra });
  return loadRules(dir).problems.map((p) => ({ ...p, file: p.file.replace(/^.*\//, '') }));
}

function only(yaml: string, extra?: Record<string, string | Buffer>) {
  const problems = problemsOf(yaml, extra);
  expect(problems, JSON.stringify(problems, null, 2)).toHaveLength(1);
  return problems[0] as (typeof problems)[number];
}

const ok = `
rules:
  - name: hi
    when: { text: 你好 }
    then: [ { reply: 您好 } ]
`;

/** Two rules, the first with a YAML mistake written into its lines (\t: a tab). */
const broken = (first: string) =>
  `rules:\n  - name: 问候\n${first}  - name: 再见\n    when: { text: 再见 }\n    reply: 再见！\n`;

describe('a YAML mistake is reported where it is, saying how to fix it, without the errors it causes', () => {
  it.each([
    [
      'an unclosed double quote (reported at the quote, not the end of the file)',
      '    when: { text: "你好 }\n    reply: 您好！\n',
      3,
      19,
      ['the " that starts this text is never closed', 'add the closing "'],
    ],
    [
      'an unclosed single quote',
      "    when: { text: 你好 }\n    reply: '您好！\n",
      4,
      12,
      ["the ' that starts this text is never closed", "add the closing '"],
    ],
    [
      'a key indented one space too far (at the key, not the start of its line)',
      '    when: { text: 你好 }\n     reply: 您好！\n',
      4,
      6,
      ['not indented like the lines it belongs with', 'the same number of spaces as the keys above it'],
    ],
    [
      'a key indented one space too little',
      '    when: { text: 你好 }\n   reply: 您好！\n',
      4,
      4,
      ['not indented like the lines it belongs with'],
    ],
    [
      'a tab as indentation',
      '    when: { text: 你好 }\n\treply: 您好！\n',
      4,
      1,
      ['replace the tab with spaces'],
    ],
    [
      'a duplicate key',
      '    when: { text: 你好 }\n    reply: 您好！\n    reply: 你好呀\n',
      5,
      5,
      ['"reply" appears twice in this mapping (first on line 4); keep one of them'],
    ],
    [
      'a duplicate key in a one-line mapping',
      '    when: { text: 你好, text: 您好 }\n    reply: 您好！\n',
      3,
      23,
      ['"text" appears twice in this mapping (first at column 13)'],
    ],
    [
      'an unclosed [ (at the bracket, not the next line)',
      '    when: { text: [你好, 您好 }\n    reply: 您好！\n',
      3,
      19,
      ['the [ that starts this list is never closed', 'add the ]'],
    ],
    [
      'an unclosed {',
      '    when: { text: 你好\n    reply: 您好！\n',
      3,
      11,
      ['the { that starts this mapping is never closed', 'add the }'],
    ],
  ])('%s', (_name, first, line, col, says) => {
    const p = only(broken(first));
    expect(`${p.line}:${p.col}`).toBe(`${line}:${col}`);
    expect(p.severity).toBe('error');
    for (const text of says) expect(p.message).toContain(text);
  });

  it('says when more YAML errors followed the first, and lists only the first', () => {
    const p = only(broken('    when: { text: [你好, 您好 }\n    reply: 您好！\n'));
    expect(p.message).toMatch(
      /fix this first: the \d+ YAML errors after it in this file may only follow from it/,
    );
  });

  it('still lists every duplicate key of a file', () => {
    const problems = problemsOf(
      'rules:\n  - name: a\n    when: { text: a }\n    reply: x\n    reply: y\n  - name: b\n    when: { text: b }\n    reply: x\n    reply: y\n',
    );
    expect(problems.map((p) => `${p.line}:${p.col}`)).toEqual(['5:5', '9:5']);
  });
});

describe('loading valid rules', () => {
  it('loads the shipped rules/ folder without a single problem', () => {
    const loaded = loadRules('rules');
    expect(loaded.problems).toEqual([]);
    expect(loaded.ruleSet?.menus.get('main')?.items.length).toBeGreaterThanOrEqual(2);
  });

  it('loads a minimal rule file', () => {
    expect(problemsOf(ok)).toEqual([]);
  });
});

describe('every mistake is reported at its line and column', () => {
  it.each([
    ['an unknown top-level key', 'rulez: []\n', 1, 1, 'unknown key "rulez"'],
    [
      'an unknown rule key',
      'rules:\n  - name: a\n    when: { text: x }\n    thne: []\n    then: [ { reply: x } ]\n',
      4,
      5,
      'unknown key "thne" in a rule',
    ],
    [
      'an unknown fact',
      'rules:\n  - name: a\n    when: { txt: x }\n    then: [ { reply: x } ]\n',
      3,
      13,
      'unknown fact "txt"',
    ],
    [
      'an unknown operator',
      'rules:\n  - name: a\n    when: { text: { like: x } }\n    then: [ { reply: x } ]\n',
      3,
      21,
      'unknown operator "like" for text',
    ],
    [
      'an unknown action',
      'rules:\n  - name: a\n    when: { text: x }\n    then: [ { say: x } ]\n',
      4,
      15,
      'unknown action "say"',
    ],
    [
      'a regex that does not compile',
      "rules:\n  - name: a\n    when: { text: { regex: '(' } }\n    then: [ { reply: x } ]\n",
      3,
      28,
      'does not compile',
    ],
    ['a missing name', 'rules:\n  - when: { text: x }\n    then: [ { reply: x } ]\n', 2, 5, 'needs a name'],
    ['a rule with no then', 'rules:\n  - name: a\n    when: { text: x }\n', 2, 5, 'needs then:'],
    [
      'an unknown menu',
      'rules:\n  - name: a\n    when: { text: x }\n    then: [ { reply: { menu: nope } } ]\n',
      4,
      30,
      'no menu named "nope"',
    ],
    [
      'an unknown placeholder',
      "rules:\n  - name: a\n    when: { text: x }\n    then: [ { reply: '{{nick}}' } ]\n",
      4,
      22,
      'nick',
    ],
    [
      'an enum value that does not exist',
      'rules:\n  - name: a\n    when: { service_state: busy }\n    then: [ { reply: x } ]\n',
      3,
      28,
      'service_state is one of new (0)',
    ],
    [
      'an unknown schedule',
      'rules:\n  - name: a\n    when: { time: lunch }\n    then: [ { reply: x } ]\n',
      3,
      19,
      'unknown schedule "lunch"',
    ],
    [
      'a bad time window',
      'settings:\n  schedules:\n    open: { mon-fri: "9-18" }\nrules: []\n',
      3,
      22,
      'is not HH:MM-HH:MM',
    ],
    ['a bad timezone', 'settings:\n  timezone: Asia/Beijing\n', 2, 13, 'unknown timezone'],
    ['YAML syntax', 'rules:\n  - name: [a\n', 2, 11, 'the [ that starts this list is never closed'],
    ['a duplicated YAML key', 'rules: []\nrules: []\n', 2, 1, 'YAML'],
    ['an alias to no anchor (found by fuzzing)', 'rules: *missing\n', 1, 1, 'Unresolved alias'],
    [
      'an alias bomb',
      `a: &a [x, x, x, x, x, x, x, x, x, x]\nb: &b [*a, *a, *a, *a, *a, *a, *a, *a, *a, *a]\nc: &c [*b, *b, *b, *b, *b, *b, *b, *b, *b, *b]\nd: [*c, *c, *c, *c, *c, *c, *c, *c, *c, *c]\n`,
      1,
      1,
      'YAML',
    ],
    [
      'an empty keyword',
      "rules:\n  - name: a\n    when: { text: { any: [''] } }\n    then: [ { reply: x } ]\n",
      3,
      27,
      'empty keyword',
    ],
    [
      'a welcome on a text rule',
      'rules:\n  - name: a\n    when: { text: x }\n    then: [ { welcome: hi } ]\n',
      4,
      15,
      'welcome: needs the welcome_code of enter_session',
    ],
    [
      'a reply to enter_session',
      'rules:\n  - name: a\n    when: { kind: enter_session }\n    then: [ { reply: hi } ]\n',
      4,
      15,
      'use welcome: instead',
    ],
    [
      'an image sent as a welcome',
      'rules:\n  - name: a\n    when: { kind: enter_session }\n    then: [ { welcome: { image: M } } ]\n',
      4,
      24,
      'only send text or a menu',
    ],
    [
      'a media file outside the rules folder',
      'rules:\n  - name: a\n    when: { text: x }\n    then: [ { reply: { image: { file: ../x.png } } } ]\n',
      4,
      39,
      'inside the rules folder',
    ],
    [
      'a missing media file',
      'rules:\n  - name: a\n    when: { text: x }\n    then: [ { reply: { image: { file: media/none.png } } } ]\n',
      4,
      15,
      'does not exist',
    ],
  ])('reports %s', (_name, yaml, line, col, message) => {
    const p = only(yaml);
    expect(p.message).toContain(message);
    expect([p.line, p.col]).toEqual([line, col]);
    expect(p.severity).toBe('error');
  });

  it('warns that a reply text over 2048 bytes goes out as several messages, and how many of the 5 it spends', () => {
    const p = only(
      `rules:\n  - name: a\n    when: { text: x }\n    then: [ { reply: '${'长'.repeat(700)}' } ]\n`,
    );
    expect(p).toMatchObject({ severity: 'warning', line: 4, col: 15 });
    expect(p.message).toBe(
      'the text is 2100 bytes, over the 2048 WeCom takes in one message (UTF-8; a Chinese character takes 3): it will go out as 2 messages, spending 2 of the 5 WeCom allows per customer message; shorten it to keep it one',
    );
  });

  it('refuses a reply text that even 5 messages cannot carry', () => {
    const p = only(
      `rules:\n  - name: a\n    when: { text: x }\n    then: [ { reply: '${'长'.repeat(3500)}' } ]\n`,
    );
    expect(p.severity).toBe('error');
    expect(p.message).toContain('it would take 6 messages, and WeCom allows 5 per customer message');
  });

  it.each([
    ['welcome:', '欢迎语', 'kind: enter_session', 'welcome'],
    ['closing:', '结束语', 'kind: session_status_change, change_type: ended', 'closing'],
  ])(
    'refuses a %s text over 2048 bytes at its line and column, saying how to fix it',
    (_name, term, when, key) => {
      const p = only(
        `rules:\n  - name: a\n    when: { ${when} }\n    then: [ { ${key}: '${'长'.repeat(700)}' } ]\n`,
      );
      expect(p).toMatchObject({ severity: 'error', line: 4, col: 15 });
      expect(p.message).toContain(`the text is 2100 bytes, over the 2048 WeCom takes in one message`);
      expect(p.message).toContain(
        `(${term}) is one message on a single-use code, so it cannot be sent in parts`,
      );
      expect(p.message).toContain('shorten it to at most 2048 bytes (about 682 Chinese characters)');
    },
  );

  it('reports a menu of 11 items, a click id over 64 bytes and a click item without an answer', () => {
    const items = Array.from({ length: 11 }, (_, i) => `      - { click: c${i}, label: L${i}, reply: A }`);
    items[0] = `      - { click: ${'x'.repeat(65)}, label: L, reply: A }`;
    items[1] = '      - { click: lonely, label: 孤单 }';
    const yaml = `menus:\n  m:\n    items:\n${items.join('\n')}\nrules:\n  - { name: a, when: { text: x }, then: [ { reply: { menu: m } } ] }\n`;
    const messages = problemsOf(yaml).map((p) => p.message);
    expect(messages).toEqual(
      expect.arrayContaining([
        expect.stringContaining('msgmenu.list has 11 items'),
        expect.stringContaining('msgmenu.list[0].click.id is 65 bytes'),
        expect.stringContaining('the click item "lonely" in menu "m" has no answer'),
      ]),
    );
  });

  it('reports a click id answered in two menus', () => {
    const yaml =
      'menus:\n  a:\n    items: [ { click: x, label: X, reply: one } ]\n  b:\n    items: [ { click: x, label: X, reply: two } ]\n';
    expect(only(yaml).message).toContain('click id "x" already has an answer in menu "a"');
  });

  it('reports a menu defined twice across files', () => {
    const menu = 'menus:\n  main:\n    items: [ { click: a, label: A, reply: x } ]\n';
    const problems = problemsOf(menu, {
      'more.yaml': 'menus:\n  main:\n    items: [ { click: b, label: B, reply: y } ]\n',
    });
    expect(problems).toHaveLength(1);
    expect(problems[0]).toMatchObject({ file: 'rules.yaml', line: 2 });
    expect(problems[0]?.message).toMatch(/^menu "main" is defined twice \(also at .*more\.yaml:2\)$/);
  });

  it('reports a rule shadowed by a higher-priority catch-all', () => {
    const yaml =
      'rules:\n  - { name: all, priority: 5, when: { kind: text }, then: [ { reply: x } ] }\n  - { name: hi, when: { text: hi }, then: [ { reply: y } ] }\n';
    const p = only(yaml);
    expect(p.message).toContain('rule "hi" can never run: "all"');
    expect(p.line).toBe(3);
  });

  it('warns about a keyword two rules claim, and still loads', () => {
    const yaml =
      'rules:\n  - { name: a, when: { text: { any: [退款] } }, then: [ { reply: x } ] }\n  - { name: b, when: { text: { any: [退款, 退货] } }, then: [ { reply: y } ] }\n';
    const dir = ruleDir({ 'r.yaml': yaml });
    const loaded = loadRules(dir);
    expect(loaded.problems).toMatchObject([{ severity: 'warning', line: 3 }]);
    expect(loaded.problems[0]?.message).toContain('keyword "退款" is also claimed by rule "a"');
    expect(loaded.ruleSet).toBeDefined();
  });

  it('lists every problem of a file, not just the first', () => {
    const yaml =
      'rules:\n  - name: a\n    when: { txt: x }\n    then: [ { say: x } ]\n  - name: b\n    when: { text: { regex: "[" } }\n    then: [ { reply: x } ]\n';
    expect(problemsOf(yaml).map((p) => p.line)).toEqual([3, 4, 6]);
  });

  it('says plainly when the rules path does not exist', () => {
    const loaded = loadRules('/nonexistent/kfbot-rules');
    expect(loaded.problems[0]?.message).toBe(
      'cannot read rules at "/nonexistent/kfbot-rules": it does not exist (set KFBOT_RULES or pass a path)',
    );
  });

  it('accepts a valid PNG file beside the rules and rejects a GIF', () => {
    const png = Buffer.concat([
      Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
      Buffer.alloc(32),
    ]);
    const gif = Buffer.from('GIF89a-not-accepted');
    const rule = (f: string) =>
      `rules:\n  - name: a\n    when: { text: x }\n    then: [ { reply: { image: { file: ${f} } } } ]\n`;
    expect(problemsOf(rule('media/qr.png'), { 'media/qr.png': png })).toEqual([]);
    expect(only(rule('media/a.gif'), { 'media/a.gif': gif }).message).toContain(
      'would be refused by media/upload',
    );
  });
});

describe('no rule file, however broken, makes loading throw', () => {
  const imageRule = (file: string) =>
    `rules:\n  - name: d\n    when: { text: d }\n    then: [ { reply: { image: { file: ${file} } } } ]\n`;

  it('reports a media path that names a folder at the reply', () => {
    const dir = ruleDir({ 'a.yaml': imageRule('media'), 'media/qr.png': Buffer.from('x') });
    const loaded = loadRules(dir);
    expect(loaded.ruleSet).toBeUndefined();
    expect(loaded.problems).toMatchObject([
      {
        line: 4,
        col: 15,
        severity: 'error',
        message: 'media file "media" cannot be read: it is a folder, not a file; name a file inside it',
      },
    ]);
  });

  it('reports a rule file that is a symbolic link to nothing, and still reads the others', () => {
    const dir = ruleDir({ 'a.yaml': ok });
    symlinkSync(join(dir, 'gone.yaml'), join(dir, 'b.yaml'));
    const loaded = loadRules(dir);
    expect(loaded.problems.map((p) => [p.file.replace(/^.*\//, ''), p.message])).toEqual([
      [
        'b.yaml',
        `cannot read this rule file: it is a symbolic link to "${join(dir, 'gone.yaml')}", which does not exist`,
      ],
    ]);
  });

  it('reports a media file that is a symbolic link to nothing', () => {
    const dir = ruleDir({ 'a.yaml': imageRule('media/qr.png') });
    mkdirSync(join(dir, 'media'));
    symlinkSync('/nonexistent/qr.png', join(dir, 'media/qr.png'));
    expect(loadRules(dir).problems[0]?.message).toBe(
      'media file "media/qr.png" cannot be read: it is a symbolic link to "/nonexistent/qr.png", which does not exist',
    );
  });

  it('names a rules target that is a symbolic link to nothing', () => {
    const dir = ruleDir({});
    symlinkSync('/nonexistent/rules', join(dir, 'rules'));
    expect(loadRules(join(dir, 'rules')).problems[0]?.message).toContain(
      'symbolic link to "/nonexistent/rules", which does not exist',
    );
  });
});

describe('validate reports every problem in one run', () => {
  const long = '长'.repeat(400); // 1,200 bytes: over the 1,024 of a menu head
  const yaml = [
    'menus:',
    '  m:',
    `    head: ${long}`,
    '    items:',
    `      - { click: ${'x'.repeat(65)}, label: 太长的编号, reply: A }`,
    `      - click: ok`,
    `        label: ${'标'.repeat(50)}`,
    '        reply: B',
    'rules:',
    '  - { name: a, when: { text: x }, then: [ { reply: { menu: m } } ] }',
    '  - { name: a, when: { text: y }, then: [ { reply: { menu: m } } ] }',
    `  - { name: b, when: { text: z }, then: [ { reply: '${'长'.repeat(700)}' } ] }`,
    '',
  ].join('\n');

  it('a duplicate rule name and the WeCom limits appear together', () => {
    const found = problemsOf(yaml).map((p) => `${p.line}:${p.col} ${p.message}`);
    expect(found).toEqual([
      '3:11 msgmenu.head_content is 1200 bytes; the limit is 1024 bytes (UTF-8; a Chinese character takes 3) (WeCom would answer 40058)',
      '5:11 msgmenu.list[0].click.id is 65 bytes; the limit is 64 bytes (UTF-8; a Chinese character takes 3) (WeCom would answer 40058)',
      '7:16 msgmenu.list[1].click.content is 150 bytes; the limit is 128 bytes (UTF-8; a Chinese character takes 3) (WeCom would answer 40058)',
      expect.stringMatching(/^11:13 rule name "a" is used twice \(also at .*rules\.yaml:10\)$/),
      '12:45 the text is 2100 bytes, over the 2048 WeCom takes in one message (UTF-8; a Chinese character takes 3): it will go out as 2 messages, spending 2 of the 5 WeCom allows per customer message; shorten it to keep it one',
    ]);
  });

  it('a rule with a mistake in its when: does not count as a catch-all that shadows the rest', () => {
    const problems = problemsOf(
      'rules:\n  - { name: a, when: { txt: x }, then: [ { reply: x } ] }\n  - { name: b, when: { text: y }, then: [ { reply: y } ] }\n',
    );
    expect(problems.map((p) => p.message)).toEqual([expect.stringContaining('unknown fact "txt"')]);
  });
});

describe('enumerated values are checked, with the valid list and a did-you-mean', () => {
  const rule = (when: string, then = '[ { reply: x } ]') =>
    `menus:\n  main: { items: [ { view: "https://e.com", label: 看看 } ] }\nrules:\n  - name: a\n    when: ${when}\n    then: ${then}\n`;

  it.each([
    [
      'a misspelt kind in a list',
      '{ kind: [text, imgae] }',
      'unknown kind "imgae" (did you mean "image"?); kind is one of text, image,',
    ],
    ['an unknown kind', '{ kind: photo }', 'unknown kind "photo"; kind is one of text, image,'],
    [
      'a misspelt change_type',
      '{ change_type: endd }',
      'change_type is one of from_queue (1), transferred (2), ended (3), rejoined (4) (got string "endd") (did you mean "ended"?)',
    ],
    [
      'a misspelt origin',
      '{ origin: custmer }',
      'origin is one of customer (3), system (4), servicer (5) (got string "custmer") (did you mean "customer"?)',
    ],
    [
      'a misspelt service_state',
      '{ service_state: { not_in: [humna] } }',
      '(got string "humna") (did you mean "human"?)',
    ],
    [
      'a misspelt last_menu',
      '{ last_menu: mian }',
      'no menu named "mian" (did you mean "main"?); last_menu is the name of a menu under menus: (main), or faq_clarify or faq_suggest (the FAQ\'s own)',
    ],
    ['a misspelt fact', '{ txet: x }', 'unknown fact "txet" (did you mean "text"?)'],
    [
      'a misspelt operator',
      '{ text: { contians: x } }',
      'unknown operator "contians" for text (did you mean "contains"?)',
    ],
  ])('%s', (_name, when, message) => {
    const p = only(rule(when));
    expect(p.severity).toBe('error');
    expect(p.message).toContain(message);
  });

  it.each([
    ['a misspelt action', '[ { rply: x } ]', 'unknown action "rply" (did you mean "reply"?)'],
    ['a misspelt transfer target', '[ { transfer: qeue } ]', '(did you mean "queue"?)'],
    [
      'a misspelt reply type',
      '[ { reply: { imgae: M1 } } ]',
      'unknown reply type "imgae" (did you mean "image"?)',
    ],
    ['a misspelt menu', '[ { reply: { menu: mian } } ]', 'no menu named "mian" (did you mean "main"?)'],
  ])('%s', (_name, then, message) => {
    expect(only(rule('{ text: x }', then)).message).toContain(message);
  });

  it('suggests nothing when no valid value is close', () => {
    expect(only(rule('{ kind: zzzzzz }')).message).not.toContain('did you mean');
  });
});

describe('rules that answer nothing', () => {
  it('warns when the rule files hold no rule, and still loads', () => {
    const dir = ruleDir({ 'a.yaml': '# nothing yet\n', 'b.yml': 'settings: { timezone: Asia/Shanghai }\n' });
    const loaded = loadRules(dir);
    expect(loaded.ruleSet).toBeDefined();
    expect(loaded.problems).toEqual([
      expect.objectContaining({
        severity: 'warning',
        message: `no rule in "${dir}": kfbot will answer nothing (add a rules: list, or menu items with reply:)`,
      }),
    ]);
  });

  it('reads *.yml files and subfolders too, as the README says', () => {
    const dir = ruleDir({ 'a.yml': ok, 'more/b.yaml': ok.replace('name: hi', 'name: hi2') });
    expect(loadRules(dir).ruleSet?.rules.map((r) => r.name)).toEqual(['hi', 'hi2']);
  });
});
