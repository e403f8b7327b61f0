/**
 * ReplyContent (templates, menus by model, media by source) → the exact SendContent WeCom takes.
 * Placeholders are filled from a lookup; media files become media ids through `mediaId`, which
 * the runtime backs with an upload cache and `simulate` with a visible stand-in.
 */
import type { MenuItem, SendContent } from '../wecom/send-payloads.ts';
import type { MediaSource, MenuModel, ReplyContent } from './rule-model.ts';

export interface RenderContext {
  lookup: (name: string) => string | undefined;
  mediaId: (source: MediaSource, type: 'image' | 'voice' | 'video' | 'file' | 'thumb') => string;
}

function menuItems(menu: MenuModel, ctx: RenderContext): MenuItem[] {
  return menu.items.map((item): MenuItem => {
    const content = item.label.render(ctx.lookup);
    switch (item.type) {
      case 'click':
        return { type: 'click', click: { id: item.id, content } };
      case 'view':
        return { type: 'view', view: { url: item.url, content } };
      case 'miniprogram':
        return { type: 'miniprogram', miniprogram: { appid: item.appid, pagepath: item.pagepath, content } };
      default:
        return { type: 'text', text: { content, ...(item.no_newline && { no_newline: 1 as const }) } };
    }
  });
}

export function renderReply(content: ReplyContent, ctx: RenderContext): SendContent {
  switch (content.msgtype) {
    case 'text':
      return { msgtype: 'text', text: { content: content.text.render(ctx.lookup) } };
    case 'msgmenu': {
      const { menu } = content;
      return {
        msgtype: 'msgmenu',
        msgmenu: {
          ...(menu.head && { head_content: menu.head.render(ctx.lookup) }),
          list: menuItems(menu, ctx),
          ...(menu.tail && { tail_content: menu.tail.render(ctx.lookup) }),
        },
      };
    }
    case 'image':
      return { msgtype: 'image', image: { media_id: ctx.mediaId(content.media, 'image') } };
    case 'voice':
      return { msgtype: 'voice', voice: { media_id: ctx.mediaId(content.media, 'voice') } };
    case 'video':
      return { msgtype: 'video', video: { media_id: ctx.mediaId(content.media, 'video') } };
    case 'file':
      return { msgtype: 'file', file: { media_id: ctx.mediaId(content.media, 'file') } };
    case 'link':
      return {
        msgtype: 'link',
        link: {
          title: content.title.render(ctx.lookup),
          ...(content.desc && { desc: content.desc.render(ctx.lookup) }),
          url: content.url,
          thumb_media_id: ctx.mediaId(content.thumb, 'thumb'),
        },
      };
    case 'miniprogram':
      return {
        msgtype: 'miniprogram',
        miniprogram: {
          appid: content.appid,
          ...(content.title && { title: content.title.render(ctx.lookup) }),
          thumb_media_id: ctx.mediaId(content.thumb, 'thumb'),
          pagepath: content.pagepath,
        },
      };
    case 'location':
      return {
        msgtype: 'location',
        location: {
          ...(content.name !== undefined && { name: content.name }),
          ...(content.address !== undefined && { address: content.address }),
          latitude: content.latitude,
          longitude: content.longitude,
        },
      };
    case 'ca_link':
      return { msgtype: 'ca_link', ca_link: { link_url: content.link_url } };
  }
}
