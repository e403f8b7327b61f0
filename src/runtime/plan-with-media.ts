import { type Decided, planStep } from '../conversation/conversation-step.ts';
import { fileMedia } from '../rules/file-media.ts';
import type { MediaUploads } from './media-uploads.ts';

/** The decision's calls: media uploaded (or found) first, so the calls can name their ids. */
export async function planWithMedia(media: MediaUploads, decided: Decided) {
  const mediaIds = await media.resolve(fileMedia(decided.decision.actions));
  return planStep(decided, (m) => ('media_id' in m ? m.media_id : (mediaIds.get(m.absPath) ?? '')));
}
