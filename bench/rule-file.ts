/** Synthetic rule sets for the benchmarks, shaped like a real FAQ account. */

export /** A rule file of `n` rules shaped like a real FAQ: menu answers, keyword rules, exact texts, a few unkeyed rules. */
function ruleFile(n: number): string {
  const lines = [
    'settings:',
    '  schedules:',
    '    business_hours: { mon-fri: "09:00-18:00" }',
    'menus:',
    '  main:',
    '    items:',
  ];
  const menuItems = Math.max(2, Math.floor(n * 0.3));
  for (let i = 0; i < Math.min(menuItems, 10); i++)
    lines.push(`      - { click: m${i}, label: 问题${i}, reply: 答案${i} }`);
  lines.push('rules:');
  lines.push('  - { name: 欢迎, when: { kind: enter_session }, then: [ { welcome: { menu: main } } ] }');
  lines.push(
    '  - { name: 非工作时间, priority: 20, continue: true, when: { time: { closed: business_hours } }, then: [ { reply: 下班了 } ] }',
  );
  lines.push('  - { name: 兜底, fallback: true, then: [ { reply: 没听懂 } ] }');
  for (let i = 10; i < menuItems; i++)
    lines.push(`  - { name: 点击${i}, when: { menu_id: m${i} }, then: [ { reply: 答案${i} } ] }`);
  const rest = n - menuItems - 3;
  for (let i = 0; i < rest; i++) {
    if (i % 3 === 2)
      lines.push(`  - { name: 整句${i}, when: { text: 问句${i} }, then: [ { reply: 回答${i} } ] }`);
    else
      lines.push(
        `  - { name: 关键词${i}, when: { text: { any: [词${i}甲, 词${i}乙] } }, then: [ { reply: 回答${i} } ] }`,
      );
  }
  return `${lines.join('\n')}\n`;
}
