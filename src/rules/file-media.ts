/** The local media files a decision's replies use, with the media/upload type each needs. */
import type { MediaMsgtype } from '../wecom/send-payloads.ts';
import type { Action, MediaSource, ReplyContent } from './rule-model.ts';

export type FileSource = Extract<MediaSource, { file: string }>;

export function fileMedia(
  actions: readonly { action: Action }[],
): { source: FileSource; type: MediaMsgtype }[] {
  const out: { source: FileSource; type: MediaMsgtype }[] = [];
  const visit = (c: ReplyContent | undefined) => {
    if (!c) return;
    if ('media' in c && 'file' in c.media) out.push({ source: c.media, type: c.msgtype as MediaMsgtype });
    // link and miniprogram covers are images.
    if ('thumb' in c && 'file' in c.thumb) out.push({ source: c.thumb, type: 'image' });
  };
  for (const { action } of actions) {
    if (action.type === 'reply' || action.type === 'send_on_event') visit(action.content);
    if (action.type === 'transfer') visit(action.notice);
  }
  return out;
}
