/**
 * A failed conversation test step in Chinese, for the console (an operator reads it there), with
 * the English of `kfbot test` beside it: the console is bilingual, the CLI stays as it prints.
 * The words are WeCom's own (转人工, 接待中, 菜单).
 */
import type { Expectation, Reply, Step, StepFailure } from './conversation-test-model.ts';

const TRANSFER_ZH: Record<string, string> = {
  queue: '转人工（进入待接入池）',
  servicer: '转给接待人员',
  end: '结束会话',
};

export function describeStepZh(s: Step): string {
  switch (s.type) {
    case 'enter':
      return s.scene ? `客户进入会话（场景 ${s.scene}）` : '客户进入会话';
    case 'say':
      return `客户说 ${JSON.stringify(s.text)}`;
    case 'click':
      return `客户点菜单项 ${s.id}`;
    case 'servicer':
      return s.does === 'takes over' ? '接待人员接入' : '接待人员结束会话';
    case 'wait':
      return `${s.shown} 没人说话`;
  }
}

export function describeExpectationZh(e: Expectation): string {
  switch (e.type) {
    case 'text':
      return `一条包含 ${JSON.stringify(e.contains)} 的文字`;
    case 'menu':
      return `菜单 ${e.name}`;
    case 'transfer':
      return TRANSFER_ZH[e.to] ?? e.to;
    case 'nothing':
      return '不回复';
  }
}

export function describeRepliesZh(replies: readonly Reply[]): string {
  if (replies.length === 0) return '没有回复';
  return replies
    .map((r) =>
      r.type === 'text'
        ? `文字 ${JSON.stringify(r.text)}`
        : r.type === 'menu'
          ? `菜单 ${r.name} ${JSON.stringify(r.text)}`
          : (TRANSFER_ZH[r.to] ?? r.to),
    )
    .join('；');
}

/** The step's lines as the console shows them: Chinese first, `kfbot test`'s English after each. */
export function formatFailureZh(f: StepFailure): string {
  return [
    `✗ ${f.test.file}:${f.step.line}  ${f.test.name} — 第 ${f.index + 1} 步：${describeStepZh(f.step.step)}`,
    `    - 应当 expected: ${f.zh.expected} · ${f.expected}`,
    `    + 实际 got:      ${f.zh.got} · ${f.got}`,
  ].join('\n');
}
