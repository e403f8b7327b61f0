/**
 * Why a publish was refused, as the console shows it: Chinese first, then describeRefusal's
 * English (which `kfbot rules import|rollback` prints unchanged). A failing conversation test's
 * lines come in Chinese with the English beside each (conversation-test-zh.ts).
 */
import { formatProblemZh } from '../rules/problem-zh.ts';
import type { PublishRefusal } from './publish-draft.ts';
import { describeRefusal } from './publish-draft.ts';

export function describeRefusalZh(r: PublishRefusal): string {
  switch (r.reason) {
    case 'nothing':
      return `草稿没有改动任何内容 · ${describeRefusal(r)}`;
    case 'conflict':
      return `${r.files.join('、')} 在草稿开始之后被改过（别人编辑或发布了）：请先看新的内容，再把你的修改做一次\n${describeRefusal(r)}`;
    case 'stale':
      return `检查期间有人发布了版本 ${r.latest}：请在新版本上再做一次修改\n${describeRefusal(r)}`;
    case 'invalid':
      return [
        `规则检查（kfbot validate）没有通过，共 ${r.problems.length} 个问题 · the rules would not validate:`,
        ...r.problems.map((p) => `- ${formatProblemZh(p)}`),
      ].join('\n');
    case 'tests':
      return [
        `${r.failuresZh.length} 个对话测试步骤会答错 · ${r.failuresZh.length} conversation test step(s) would fail`,
        ...r.failuresZh,
      ].join('\n');
    case 'refused':
      return `${r.zh} · ${r.message}`;
  }
}
