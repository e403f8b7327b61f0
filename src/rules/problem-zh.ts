/**
 * A rules problem as the console shows it to an operator: Chinese first (how bad, where — 文件 第
 * 行 第 列 — and, for the problems an edit in the console can make, what it means and what to do),
 * then the English line `kfbot validate` prints, unchanged, for whoever edits the file by hand or
 * searches the docs. A problem without a translation here still reads where and how bad in Chinese.
 */
import { MENU_CLICK_CONTENT_MAX_BYTES } from '../wecom/send-limits.ts';
import { formatProblem, type RuleProblem } from './problems.ts';

/**
 * The English messages an edit of FAQ items, menus and texts can produce (check-faq.ts,
 * template.ts, compile-condition.ts), by how they start: what each means, in Chinese.
 */
const MEANINGS: readonly [RegExp, (m: RegExpExecArray) => string][] = [
  [
    /^question "(.*)" of "([^"]+)" is as close to "([^"]+)" \("(.*)", score/,
    (m) =>
      `${m[2]} 的问法「${m[1]}」和 ${m[3]} 的问法「${m[4]}」一样接近：客户这样问会得到别的答案或一个选择菜单；改写其中一个，或删掉重复的`,
  ],
  [
    /^question "(.*)" of "([^"]+)" is nothing once punctuation/,
    (m) =>
      `问法「${m[1]}」（${m[2]}）去掉标点、表情和请问、谢谢之类的词后什么都不剩，客户打字匹配不到它；请写客户实际会用的词`,
  ],
  [
    /^faq entry "([^"]+)" is offered in menus by its first question, \d+ bytes/,
    (m) =>
      `问答 ${m[1]} 的第一个问法太长，放不进菜单（菜单项最多 ${MENU_CLICK_CONTENT_MAX_BYTES} 字节）；请填“菜单上显示”的短文字`,
  ],
  [
    /^none of the questions of "([^"]+)" resembles its label "(.*)"/,
    (m) => `问答 ${m[1]} 的问法都不像它的标题「${m[2]}」：请确认这些问法属于这一项，或加一个接近标题的问法`,
  ],
  [
    /^faq id "([^"]+)" is also a click id in menu "([^"]+)"/,
    (m) => `编号 ${m[1]} 和菜单 ${m[2]} 里一个选项的编号相同：请给这个问答换一个编号`,
  ],
  // A template's problems come after the field they are in ("text: unknown placeholder …").
  // The names it may use are template.ts's list ("known: …"), so the Chinese cannot drift from it.
  [
    /unknown placeholder "([^"]+)"(?: \(did you mean "([^"]+)"\?\))?(?:; known: (.+))?/,
    (m) =>
      `不认识的占位符 {{${m[1]}}}${m[2] ? `，是不是 {{${m[2]}}}？` : '：请检查拼写'}${
        m[3]
          ? `；这里可用的占位符：${m[3]
              .split(', ')
              .map((n) => `{{${n.replace('<name>', '<名称>').replace('<group>', '<分组名>')}}}`)
              .join(' ')}`
          : ''
      }`,
  ],
  [
    /\{\{match\.([^}]+)\}\}: rule "([^"]+)" has no regex with a named group "[^"]+"(?: \(its groups: ([^)]+)\))?/,
    (m) =>
      `占位符 {{match.${m[1]}}}：规则 ${m[2]} 的正则里没有叫 ${m[1]} 的分组${
        m[3]
          ? `（可用：${m[3]
              .split(', ')
              .map((g) => `{{match.${g}}}`)
              .join(' ')}）`
          : ''
      }；请在它的 when: 正则里写 (?<${m[1]}>…)，或改用别的占位符`,
  ],
  [/"\{\{" is not closed by "\}\}"/, () => '“{{”没有配对的“}}”：占位符写作 {{nickname}} 这样'],
  [
    /"(.*)" is not a placeholder name/,
    (m) => `“${m[1]}”不是占位符名：占位符名只用字母、数字和下划线，如 {{nickname}}`,
  ],
  [
    /^unknown fact "([^"]+)"(?: \(did you mean "([^"]+)"\?\))?/,
    (m) => `不认识的条件“${m[1]}”${m[2] ? `，是不是“${m[2]}”？` : ''}`,
  ],
];

/** What the problem means in Chinese, when this file knows its kind. */
export function problemMeaningZh(message: string): string | undefined {
  for (const [pattern, say] of MEANINGS) {
    const m = pattern.exec(message);
    if (m) return say(m);
  }
  return undefined;
}

/**
 * A problem's pieces, for a page that shows the place as a link to the field it is in: how bad
 * (错误/提示), the file place (文件 第 行 第 列), the meaning when known, and validate's English.
 */
export function problemPartsZh(p: RuleProblem): {
  how: string;
  place: string;
  meaning: string | undefined;
  english: string;
} {
  return {
    how: p.severity === 'error' ? '错误' : '提示',
    place: `${p.file} 第 ${p.line} 行第 ${p.col} 列`,
    meaning: problemMeaningZh(p.message),
    english: formatProblem(p),
  };
}

/** "错误：faq.yaml 第 12 行第 5 列，<meaning> · faq.yaml:12:5: error: <message>". */
export function formatProblemZh(p: RuleProblem): string {
  const { how, place, meaning, english } = problemPartsZh(p);
  return `${how}：${place}${meaning ? `，${meaning}` : ''} · ${english}`;
}
