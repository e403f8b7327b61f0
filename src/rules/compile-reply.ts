/**
 * What a rule says, YAML → ReplyContent: text, a menu by name, media (by media_id or a local file
 * kfbot uploads), link, miniprogram, location, ca_link. Text parts are templates.
 *
 *   reply: 您好！                         # plain text
 *   reply: { menu: main }                  # a menu defined under menus:
 *   reply: { image: { file: media/qr.png } }
 */

import { isAbsolute, relative, resolve } from 'node:path';
import { type CompileContext, describeValue, isRecord } from './compile-context.ts';
import { didYouMean } from './did-you-mean.ts';
import { STATE_FACT } from './fact-catalogue.ts';
import type { MediaSource, ReplyContent } from './rule-model.ts';
import type { YamlPath } from './rule-source.ts';
import { compileTemplate, type Template } from './template.ts';

/** Placeholders a reply may use (besides var.<name> and counter.<name>). */
export const TEMPLATE_NAMES = [
  'nickname',
  'scene',
  'scene_param',
  'text',
  'menu_id',
  'servicer',
  'customer',
] as const;
export type TemplateName = (typeof TEMPLATE_NAMES)[number];

/** The families of names knownPlaceholder also takes, as an unknown name's message lists them. */
export const PLACEHOLDER_FAMILIES = ['var.<name>', 'counter.<name>', 'match.<group>'] as const;

const REPLY_KINDS = [
  'text',
  'menu',
  'image',
  'voice',
  'video',
  'file',
  'link',
  'miniprogram',
  'location',
  'ca_link',
] as const;

/** `{{match.order}}`: a named group of the matching rule's regex (checked per rule by check-placeholders.ts). */
export const MATCH_PLACEHOLDER = /^match\.([A-Za-z_][A-Za-z0-9_]*)$/;
/** `{{env.SHOP_TOKEN}}`: only in a call's url, headers and body (compile-call.ts). */
export const ENV_PLACEHOLDER = /^env\.([A-Za-z_][A-Za-z0-9_]*)$/;

export function knownPlaceholder(name: string): boolean {
  return (
    (TEMPLATE_NAMES as readonly string[]).includes(name) ||
    STATE_FACT.test(name) ||
    MATCH_PLACEHOLDER.test(name) ||
    ENV_PLACEHOLDER.test(name)
  );
}

export function compileText(
  ctx: CompileContext,
  value: unknown,
  path: YamlPath,
  what: string,
  opts: { env?: boolean } = {},
): Template | undefined {
  if (typeof value !== 'string' && typeof value !== 'number') {
    ctx.error(path, `${what} must be text (got ${describeValue(value)})`);
    return undefined;
  }
  const result = compileTemplate(String(value), knownPlaceholder, [
    ...TEMPLATE_NAMES,
    ...PLACEHOLDER_FAMILIES,
  ]);
  if ('problems' in result) {
    for (const p of result.problems) ctx.error(path, `${what}: ${p.message}`);
    return undefined;
  }
  const env = result.template.names.find((n) => ENV_PLACEHOLDER.test(n));
  if (env !== undefined && !opts.env) {
    ctx.error(
      path,
      `${what}: {{${env}}} is allowed only in a call's url, headers and body, so a secret cannot reach a customer`,
    );
    return undefined;
  }
  return result.template;
}

/** Media by id (a string or { media_id }) or by file ({ file }, relative to the rule file's folder). */
function compileMedia(
  ctx: CompileContext,
  value: unknown,
  path: YamlPath,
  what: string,
): MediaSource | undefined {
  if (typeof value === 'string' && value !== '') return { media_id: value };
  if (isRecord(value)) {
    ctx.unknownKeys(value, ['media_id', 'file'], path, what);
    if (typeof value.media_id === 'string' && value.media_id !== '') return { media_id: value.media_id };
    if (typeof value.file === 'string' && value.file !== '') {
      const absPath = resolve(ctx.doc.dir, value.file);
      const rel = relative(ctx.doc.dir, absPath);
      // Rule files may only reach files beside them (the rules folder and its media/ folder).
      if (rel.startsWith('..') || isAbsolute(rel)) {
        ctx.error(
          [...path, 'file'],
          `${what}.file must be inside the rules folder (got ${JSON.stringify(value.file)})`,
        );
        return undefined;
      }
      return { file: value.file, absPath };
    }
  }
  ctx.error(path, `${what} takes a media_id, { media_id: … } or { file: path/in/rules/folder }`);
  return undefined;
}

function str(
  ctx: CompileContext,
  obj: Record<string, unknown>,
  key: string,
  path: YamlPath,
  what: string,
): string | undefined {
  const v = obj[key];
  if (typeof v === 'string' && v !== '') return v;
  ctx.error([...path, key], `${what}.${key} is required text (got ${describeValue(v)})`);
  return undefined;
}

function num(
  ctx: CompileContext,
  obj: Record<string, unknown>,
  key: string,
  path: YamlPath,
  what: string,
): number | undefined {
  const v = obj[key];
  if (typeof v === 'number' && Number.isFinite(v)) return v;
  ctx.error([...path, key], `${what}.${key} must be a number (got ${describeValue(v)})`);
  return undefined;
}

/**
 * Compiles a reply. Menus are looked up by name through `menuRef` (so a menu can be used before
 * it is defined in another file); the caller resolves it once all files are read.
 */
export function compileReply(
  ctx: CompileContext,
  value: unknown,
  path: YamlPath,
  menuRef: (name: string, at: YamlPath) => ReplyContent | undefined,
): ReplyContent | undefined {
  if (typeof value === 'string' || typeof value === 'number') {
    const text = compileText(ctx, value, path, 'text');
    return text && { msgtype: 'text', text };
  }
  if (!isRecord(value) || Object.keys(value).length !== 1) {
    ctx.error(path, `a reply is text, or one of ${REPLY_KINDS.map((k) => `{ ${k}: … }`).join(', ')}`);
    return undefined;
  }
  const [kind, body] = Object.entries(value)[0] as [string, unknown];
  const at = [...path, kind];
  switch (kind) {
    case 'text': {
      const text = compileText(ctx, body, at, 'text');
      return text && { msgtype: 'text', text };
    }
    case 'menu':
      if (typeof body !== 'string') {
        ctx.error(at, `menu takes the name of a menu under menus: (got ${describeValue(body)})`);
        return undefined;
      }
      return menuRef(body, at);
    case 'image':
    case 'voice':
    case 'video':
    case 'file': {
      const media = compileMedia(ctx, body, at, kind);
      return media && { msgtype: kind, media };
    }
    case 'link': {
      if (!isRecord(body)) break;
      ctx.unknownKeys(body, ['title', 'desc', 'url', 'thumb'], at, 'link');
      const title = compileText(ctx, body.title, [...at, 'title'], 'link.title');
      const desc =
        body.desc === undefined ? undefined : compileText(ctx, body.desc, [...at, 'desc'], 'link.desc');
      const url = str(ctx, body, 'url', at, 'link');
      const thumb = compileMedia(ctx, body.thumb, [...at, 'thumb'], 'link.thumb');
      if (!title || !url || !thumb) return undefined;
      return { msgtype: 'link', title, ...(desc && { desc }), url, thumb };
    }
    case 'miniprogram': {
      if (!isRecord(body)) break;
      ctx.unknownKeys(body, ['appid', 'title', 'pagepath', 'thumb'], at, 'miniprogram');
      const appid = str(ctx, body, 'appid', at, 'miniprogram');
      const title =
        body.title === undefined
          ? undefined
          : compileText(ctx, body.title, [...at, 'title'], 'miniprogram.title');
      const pagepath = str(ctx, body, 'pagepath', at, 'miniprogram');
      const thumb = compileMedia(ctx, body.thumb, [...at, 'thumb'], 'miniprogram.thumb');
      if (!appid || !pagepath || !thumb) return undefined;
      return { msgtype: 'miniprogram', appid, ...(title && { title }), pagepath, thumb };
    }
    case 'location': {
      if (!isRecord(body)) break;
      ctx.unknownKeys(body, ['name', 'address', 'latitude', 'longitude'], at, 'location');
      const latitude = num(ctx, body, 'latitude', at, 'location');
      const longitude = num(ctx, body, 'longitude', at, 'location');
      if (latitude === undefined || longitude === undefined) return undefined;
      return {
        msgtype: 'location',
        latitude,
        longitude,
        ...(typeof body.name === 'string' && { name: body.name }),
        ...(typeof body.address === 'string' && { address: body.address }),
      };
    }
    case 'ca_link':
      if (typeof body === 'string' && body !== '') return { msgtype: 'ca_link', link_url: body };
      ctx.error(at, 'ca_link takes the 获客链接 URL');
      return undefined;
    default:
      ctx.error(
        path,
        `unknown reply type "${kind}"${didYouMean(kind, REPLY_KINDS)}; use one of ${REPLY_KINDS.join(', ')}`,
        {
          key: true,
        },
      );
      return undefined;
  }
  ctx.error(at, `${kind} takes a mapping (got ${describeValue(body)})`);
  return undefined;
}
