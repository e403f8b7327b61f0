/**
 * A `menus:` entry → MenuModel: its head, items (click, view, miniprogram, text) and tail, each
 * problem at its file:line:column. What a click item answers becomes a rule (compile-rules.ts).
 *
 *   menus: { main: { head, items: [ { click: order, label: 查询订单, reply: … }, … ], tail } }
 */
import { type CompileContext, isRecord } from './compile-context.ts';
import { compileText } from './compile-reply.ts';
import { compileScore, refuseScore } from './item-scores.ts';
import type { MenuItemModel, MenuModel } from './rule-model.ts';
import type { YamlPath } from './rule-source.ts';

const MENU_KEYS = ['head', 'items', 'tail'];
const CLICK_KEYS = ['click', 'label', 'questions', 'reply', 'menu', 'then', 'priority', 'score'];

export function compileMenu(
  ctx: CompileContext,
  name: string,
  raw: Record<string, unknown>,
  path: YamlPath,
): MenuModel | undefined {
  ctx.unknownKeys(raw, MENU_KEYS, path, `menu "${name}"`);
  const head = raw.head === undefined ? undefined : compileText(ctx, raw.head, [...path, 'head'], 'head');
  const tail = raw.tail === undefined ? undefined : compileText(ctx, raw.tail, [...path, 'tail'], 'tail');
  if (!Array.isArray(raw.items) || raw.items.length === 0) {
    ctx.error(
      [...path, 'items'],
      `menu "${name}" needs items: (a list of click, view, miniprogram or text items)`,
    );
    return undefined;
  }
  const items: MenuItemModel[] = [];
  raw.items.forEach((item, i) => {
    const at = [...path, 'items', i];
    if (!isRecord(item)) {
      ctx.error(at, 'a menu item is a mapping, e.g. { click: order, label: 查询订单, reply: … }');
      return;
    }
    const compiled = compileMenuItem(ctx, item, at);
    if (compiled) items.push(compiled);
  });
  return {
    name,
    ...(head && { head, headAt: ctx.at([...path, 'head']) }),
    items,
    ...(tail && { tail, tailAt: ctx.at([...path, 'tail']) }),
    at: ctx.at(path, true),
    itemsAt: ctx.at([...path, 'items'], true),
  };
}

function compileMenuItem(
  ctx: CompileContext,
  item: Record<string, unknown>,
  at: YamlPath,
): MenuItemModel | undefined {
  const label = (fallback?: unknown) => compileText(ctx, item.label ?? fallback, [...at, 'label'], 'label');
  const positions = (key: string, labelKey = 'label') => ({
    at: ctx.at([...at, key], true),
    labelAt: ctx.at([...at, labelKey]),
  });
  if (item.click !== undefined) {
    ctx.unknownKeys(item, CLICK_KEYS, at, 'a click item');
    if (typeof item.click !== 'string' && typeof item.click !== 'number') {
      ctx.error([...at, 'click'], 'click takes the item id (what comes back as menu_id)');
      return undefined;
    }
    if (item.label === undefined) ctx.error(at, 'a click item needs label: (the text the customer sees)');
    const l = label();
    const score = item.score === undefined ? undefined : compileScore(ctx, item.score, [...at, 'score']);
    return (
      l && { type: 'click', id: String(item.click), label: l, ...(score && { score }), ...positions('click') }
    );
  }
  if (item.view !== undefined) {
    ctx.unknownKeys(refuseScore(ctx, item, at, 'a view item'), ['view', 'label'], at, 'a view item');
    const l = label();
    if (typeof item.view !== 'string') {
      ctx.error([...at, 'view'], 'view takes the URL to open');
      return undefined;
    }
    return l && { type: 'view', url: item.view, label: l, ...positions('view') };
  }
  if (item.miniprogram !== undefined) {
    const what = 'a miniprogram item';
    ctx.unknownKeys(refuseScore(ctx, item, at, what), ['miniprogram', 'label'], at, what);
    const mp = item.miniprogram;
    const l = label();
    if (!isRecord(mp) || typeof mp.appid !== 'string' || typeof mp.pagepath !== 'string') {
      ctx.error([...at, 'miniprogram'], 'miniprogram takes { appid, pagepath }');
      return undefined;
    }
    return (
      l && {
        type: 'miniprogram',
        appid: mp.appid,
        pagepath: mp.pagepath,
        label: l,
        ...positions('miniprogram'),
      }
    );
  }
  if (item.text !== undefined) {
    ctx.unknownKeys(refuseScore(ctx, item, at, 'a text item'), ['text', 'no_newline'], at, 'a text item');
    const l = compileText(ctx, item.text, [...at, 'text'], 'text');
    return (
      l && { type: 'text', label: l, no_newline: item.no_newline === true, ...positions('text', 'text') }
    );
  }
  ctx.error(
    at,
    'a menu item is one of { click: id, label }, { view: url, label }, { miniprogram: {appid, pagepath}, label }, { text }',
  );
  return undefined;
}
