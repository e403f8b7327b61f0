/**
 * `then:` in YAML → Action[]. Each entry is a one-key mapping:
 *
 *   then:
 *     - reply: 您好！
 *     - welcome: { menu: main }           # send_msg_on_event with the enter_session welcome_code
 *     - closing: 感谢咨询，再见！            # with the session_status_change msg_code (session ended)
 *     - transfer: { to: queue, notice: 正在为您转接人工客服… }
 *     - set: { city: 上海 }
 *     - increment: asked_price
 *     - nothing: 人工接待中，机器人不打扰
 *     - suggest: { head: 您是不是想问：, otherwise: { menu: main } }   # 猜你想问: the nearest FAQ items
 *     - call: { name: order_status, url: "https://shop.example.com/api/orders/{{match.order}}" }  # compile-call.ts
 */

import { compileCall } from './compile-call.ts';
import { type CompileContext, describeValue, isRecord } from './compile-context.ts';
import { compileMenuHead } from './compile-faq.ts';
import { compileReply, compileText } from './compile-reply.ts';
import { didYouMean } from './did-you-mean.ts';
import type { Action, ReplyContent, Scalar, TransferTarget } from './rule-model.ts';
import type { YamlPath } from './rule-source.ts';

export const ACTION_NAMES = [
  'reply',
  'welcome',
  'closing',
  'event_reply',
  'transfer',
  'set',
  'unset',
  'increment',
  'reset',
  'nothing',
  'suggest',
  'call',
] as const;

/** The head of a `suggest:` menu when the rule gives none. */
export const DEFAULT_SUGGEST_HEAD = '您是不是想问：';

const NAME = /^[\p{L}\p{N}_-]{1,64}$/u;
const TRANSFER_TARGETS: readonly TransferTarget[] = ['queue', 'servicer', 'end'];

type MenuRef = (name: string, at: YamlPath) => ReplyContent | undefined;

function names(ctx: CompileContext, value: unknown, path: YamlPath, what: string): string[] {
  const list = Array.isArray(value) ? value : [value];
  const out: string[] = [];
  list.forEach((n, i) => {
    if (typeof n === 'string' && NAME.test(n)) out.push(n);
    else
      ctx.error(
        Array.isArray(value) ? [...path, i] : path,
        `${what} takes a name of letters, digits, _ or - (got ${describeValue(n)})`,
      );
  });
  return out;
}

function compileOne(ctx: CompileContext, entry: unknown, path: YamlPath, menuRef: MenuRef): Action[] {
  if (!isRecord(entry) || Object.keys(entry).length !== 1) {
    ctx.error(
      path,
      `each action is a one-key mapping such as "reply: 您好"; actions: ${ACTION_NAMES.join(', ')}`,
    );
    return [];
  }
  const [name, value] = Object.entries(entry)[0] as [string, unknown];
  const at = [...path, name];
  const pos = ctx.at(at, true);
  switch (name) {
    case 'reply': {
      const content = compileReply(ctx, value, at, menuRef);
      return content ? [{ type: 'reply', content, at: pos }] : [];
    }
    case 'welcome':
    case 'closing':
    case 'event_reply': {
      const content = compileReply(ctx, value, at, menuRef);
      if (!content) return [];
      // §6: only text and msgmenu can be sent with an event code.
      if (content.msgtype !== 'text' && content.msgtype !== 'msgmenu') {
        ctx.error(
          at,
          `${name} can only send text or a menu (WeCom's send_msg_on_event), not ${content.msgtype}`,
        );
        return [];
      }
      // §6 table: the code of a session taken from the queue allows one text, not a menu.
      if (name === 'event_reply' && content.msgtype !== 'text') {
        ctx.error(
          at,
          "event_reply can only send text: WeCom's code for a session a servicer took from the queue takes text only (a menu needs welcome: or closing:)",
        );
        return [];
      }
      return [
        {
          type: 'send_on_event',
          code: name === 'welcome' ? 'welcome_code' : 'msg_code',
          as: name,
          content,
          at: pos,
        },
      ];
    }
    case 'transfer': {
      const spec = typeof value === 'string' ? { to: value } : value;
      if (!isRecord(spec)) {
        ctx.error(at, 'transfer takes queue, end, or { to: servicer, servicer: <userid> }');
        return [];
      }
      ctx.unknownKeys(spec, ['to', 'servicer', 'notice'], at, 'transfer');
      const to = spec.to;
      if (typeof to !== 'string' || !(TRANSFER_TARGETS as readonly string[]).includes(to)) {
        ctx.error(
          [...at, 'to'],
          `transfer.to is one of ${TRANSFER_TARGETS.join(', ')} (got ${describeValue(to)})${didYouMean(to, TRANSFER_TARGETS)}`,
        );
        return [];
      }
      const target = to as TransferTarget;
      if (target === 'servicer' && (typeof spec.servicer !== 'string' || spec.servicer === '')) {
        ctx.error(at, 'transfer to a servicer needs servicer: <the servicer userid>');
        return [];
      }
      if (target !== 'servicer' && spec.servicer !== undefined) {
        ctx.error([...at, 'servicer'], `servicer only goes with to: servicer`, { key: true });
      }
      let notice: ReplyContent | undefined;
      if (spec.notice !== undefined) {
        notice = compileReply(ctx, spec.notice, [...at, 'notice'], menuRef);
        if (notice && notice.msgtype !== 'text' && !(target === 'end' && notice.msgtype === 'msgmenu')) {
          ctx.error(
            [...at, 'notice'],
            `a ${target} notice can only be text${target === 'end' ? ' or a menu' : ''}`,
          );
          notice = undefined;
        }
      }
      return [
        {
          type: 'transfer',
          to: target,
          ...(target === 'servicer' && { servicer: spec.servicer as string }),
          ...(notice && { notice }),
          at: pos,
        },
      ];
    }
    case 'set': {
      if (!isRecord(value)) {
        ctx.error(at, 'set takes a mapping of variable names to values, e.g. set: { city: 上海 }');
        return [];
      }
      const out: Action[] = [];
      for (const [k, v] of Object.entries(value)) {
        if (!NAME.test(k)) {
          ctx.error([...at, k], `"${k}" is not a valid variable name (letters, digits, _ or -)`, {
            key: true,
          });
          continue;
        }
        if (typeof v === 'number' || typeof v === 'boolean') {
          out.push({ type: 'set', name: k, value: v, at: pos });
        } else if (typeof v === 'string') {
          const t = v.includes('{{') ? compileText(ctx, v, [...at, k], `set.${k}`) : undefined;
          out.push({ type: 'set', name: k, value: (t ?? v) as Scalar, at: pos });
        } else {
          ctx.error([...at, k], `set.${k} takes text, a number or true/false (got ${describeValue(v)})`);
        }
      }
      return out;
    }
    case 'unset':
      return names(ctx, value, at, 'unset').map((n) => ({ type: 'unset', name: n, at: pos }));
    case 'reset':
      return names(ctx, value, at, 'reset').map((n) => ({ type: 'reset', name: n, at: pos }));
    case 'increment': {
      if (isRecord(value)) {
        const out: Action[] = [];
        for (const [k, by] of Object.entries(value)) {
          if (!NAME.test(k) || typeof by !== 'number' || !Number.isInteger(by)) {
            ctx.error([...at, k], `increment takes counter: <whole number>, e.g. increment: { asked: 1 }`);
            continue;
          }
          out.push({ type: 'increment', name: k, by, at: pos });
        }
        return out;
      }
      return names(ctx, value, at, 'increment').map((n) => ({ type: 'increment', name: n, by: 1, at: pos }));
    }
    case 'nothing':
      return [{ type: 'nothing', reason: typeof value === 'string' ? value : '', at: pos }];
    case 'suggest': {
      // suggest: 您是不是想问：  |  suggest: { head: …, otherwise: <a reply> }  |  suggest: {}
      const spec = value === null ? {} : typeof value === 'string' ? { head: value } : value;
      if (!isRecord(spec)) {
        ctx.error(
          at,
          `suggest takes the menu's head text, or { head, otherwise }, e.g. suggest: { head: ${DEFAULT_SUGGEST_HEAD}, otherwise: { menu: main } } (got ${describeValue(value)})`,
        );
        return [];
      }
      ctx.unknownKeys(spec, ['head', 'otherwise'], at, 'suggest');
      const head = compileMenuHead(
        ctx,
        spec.head ?? DEFAULT_SUGGEST_HEAD,
        [...at, 'head'],
        'suggest (猜你想问) head',
        DEFAULT_SUGGEST_HEAD,
      );
      const otherwise =
        spec.otherwise === undefined
          ? undefined
          : compileReply(ctx, spec.otherwise, [...at, 'otherwise'], menuRef);
      if (!head || (spec.otherwise !== undefined && !otherwise)) return [];
      return [{ type: 'suggest', head, ...(otherwise && { otherwise }), at: pos }];
    }
    case 'call': {
      const call = compileCall(ctx, value, at, ctx.calls, (v, p) => compileActions(ctx, v, p, menuRef));
      return call ? [call] : [];
    }
    default:
      ctx.error(
        at,
        `unknown action "${name}"${didYouMean(name, ACTION_NAMES)}; use one of ${ACTION_NAMES.join(', ')}`,
        {
          key: true,
        },
      );
      return [];
  }
}

export function compileActions(
  ctx: CompileContext,
  value: unknown,
  path: YamlPath,
  menuRef: MenuRef,
): Action[] {
  if (value === undefined || value === null) {
    ctx.error(
      path,
      'a rule needs then: with at least one action (use "nothing: why" to do nothing on purpose)',
    );
    return [];
  }
  const list = Array.isArray(value) ? value : [value];
  if (list.length === 0) {
    ctx.error(path, 'then: is empty (use "nothing: why" to do nothing on purpose)');
    return [];
  }
  return list.flatMap((entry, i) =>
    compileOne(ctx, entry, Array.isArray(value) ? [...path, i] : path, menuRef),
  );
}
