/**
 * A rule's action as the 规则 page names it: what it does in Chinese (WeCom's words: 欢迎语, 结束语,
 * 转人工, 猜你想问), the rules file's own word after it, so an operator reads the page and a
 * developer finds the line in the YAML.
 */
import type { Action, ReplyContent } from '../../rules/rule-model.ts';

const CONTENT_ZH: Record<string, string> = {
  text: '文字',
  msgmenu: '菜单',
  image: '图片',
  voice: '语音',
  video: '视频',
  file: '文件',
  link: '图文链接',
  miniprogram: '小程序',
  location: '位置',
  ca_link: '获客链接',
};

function contentZh(c: ReplyContent): string {
  const kind = CONTENT_ZH[c.msgtype] ?? c.msgtype;
  return c.msgtype === 'msgmenu' ? `${kind}「${c.menu.name}」` : kind;
}

export function actionLabel(a: Action): string {
  switch (a.type) {
    case 'reply':
      return `回复${contentZh(a.content)} reply`;
    case 'send_on_event':
      return a.as === 'welcome'
        ? `发欢迎语 send_on_event (welcome)`
        : a.as === 'closing'
          ? `发结束语 send_on_event (closing)`
          : `事件回复 send_on_event`;
    case 'transfer':
      return a.to === 'queue'
        ? '转人工（进待接入池）transfer → queue'
        : a.to === 'servicer'
          ? `转给接待人员${a.servicer ? ` ${a.servicer}` : ''} transfer → servicer`
          : '结束会话 transfer → end';
    case 'set':
      return `记下变量 ${a.name} set`;
    case 'unset':
      return `清除变量 ${a.name} unset`;
    case 'increment':
      return `计数 ${a.name} +${a.by} increment`;
    case 'reset':
      return `计数 ${a.name} 清零 reset`;
    case 'nothing':
      return '不回复 nothing';
    case 'call':
      return `调用接口 ${a.call.name} call`;
    case 'suggest':
      return '猜你想问 suggest';
    default: {
      const never: never = a;
      return String(never);
    }
  }
}
