/**
 * Request bodies of kf/send_msg and kf/send_msg_on_event (wecom-kf.md §5, §6), exactly as the API
 * takes them. `SendContent` is the part both share: what is said, without to whom.
 */

export type MenuItem =
  | { type: 'click'; click: { id: string; content: string } }
  | { type: 'view'; view: { url: string; content: string } }
  | { type: 'miniprogram'; miniprogram: { appid: string; pagepath: string; content: string } }
  /** no_newline: 0 a line break follows (default) · 1 none. */
  | { type: 'text'; text: { content: string; no_newline?: 0 | 1 } };

export interface Msgmenu {
  head_content?: string;
  list: MenuItem[];
  tail_content?: string;
}

export type SendContent =
  | { msgtype: 'text'; text: { content: string } }
  | { msgtype: 'image'; image: { media_id: string } }
  | { msgtype: 'voice'; voice: { media_id: string } }
  | { msgtype: 'video'; video: { media_id: string } }
  | { msgtype: 'file'; file: { media_id: string } }
  | { msgtype: 'link'; link: { title: string; desc?: string; url: string; thumb_media_id: string } }
  | {
      msgtype: 'miniprogram';
      miniprogram: { appid: string; title?: string; thumb_media_id: string; pagepath: string };
    }
  | { msgtype: 'msgmenu'; msgmenu: Msgmenu }
  | {
      msgtype: 'location';
      location: { name?: string; address?: string; latitude: number; longitude: number };
    }
  | { msgtype: 'ca_link'; ca_link: { link_url: string } }
  /** §5 ⚠: not in the 2023/12/19 doc's list; possibly newer and unverified. */
  | { msgtype: 'business_card'; business_card: { userid: string } };

export type SendMsgtype = SendContent['msgtype'];
export type ContentOf<T extends SendMsgtype> = Extract<SendContent, { msgtype: T }>;

/** §5: touser + open_kfid + optional msgid (≤32 bytes of [0-9a-zA-Z_-]; omit rather than send ""). */
export type SendMsgRequest = SendContent & { touser: string; open_kfid: string; msgid?: string };

/** §6: only text and msgmenu may be sent on an event, with the single-use code. */
export type EventContent = ContentOf<'text'> | ContentOf<'msgmenu'>;
export type SendMsgOnEventRequest = EventContent & { code: string; msgid?: string };

export const SEND_MSGTYPES = [
  'text',
  'image',
  'voice',
  'video',
  'file',
  'link',
  'miniprogram',
  'msgmenu',
  'location',
  'ca_link',
  'business_card',
] as const satisfies readonly SendMsgtype[];

/** Compile-time check that SEND_MSGTYPES lists every SendContent msgtype. */
type Missing = Exclude<SendMsgtype, (typeof SEND_MSGTYPES)[number]>;
const _allListed: Missing extends never ? true : Missing = true;
void _allListed;

export const MEDIA_MSGTYPES = ['image', 'voice', 'video', 'file'] as const;
export type MediaMsgtype = (typeof MEDIA_MSGTYPES)[number];
