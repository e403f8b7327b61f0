/**
 * POST /cgi-bin/media/upload?type= and GET /cgi-bin/media/get?media_id= (wecom-kf.md §7.4).
 */

import { checkUpload, isMediaType } from '../../wecom/media-limits.ts';
import { MEDIA_UPLOAD_ERRCODES } from '../../wecom/platform-choices.ts';
import { type ApiHandler, fail, json } from '../http/api-types.ts';

export function mediaUploadHandler(): ApiHandler {
  return async (req, ctx) => {
    const type = req.query.get('type');
    if (!isMediaType(type)) {
      return fail(ctx, MEDIA_UPLOAD_ERRCODES.badTypeParam, 'type must be image, voice, video or file');
    }
    // §7.4: "multipart form data field name `media`", carrying a filename.
    const file = req.form?.get('media');
    if (file === undefined || file === null || typeof file === 'string') {
      return fail(
        ctx,
        MEDIA_UPLOAD_ERRCODES.missingMedia,
        'the multipart field "media" with a filename is required',
      );
    }
    const bytes = Buffer.from(await file.arrayBuffer());
    const problem = checkUpload(type, bytes);
    if (problem) return fail(ctx, problem.errcode, problem.message);
    const now = ctx.world.now();
    const media = ctx.world.media.put({
      type,
      bytes,
      filename: file.name || 'file',
      contentType: file.type || 'application/octet-stream',
      createdAt: now,
      source: 'upload',
    });
    // §7.4: errmsg "" and created_at "is a **string** here".
    return json({
      errcode: 0,
      errmsg: '',
      type,
      media_id: media.mediaId,
      created_at: String(Math.floor(now / 1000)),
    });
  };
}

export function mediaGetHandler(): ApiHandler {
  return (req, ctx) => {
    const mediaId = req.query.get('media_id') ?? '';
    const media = ctx.world.media.live(mediaId, ctx.world.now());
    // §4.2/§7.4: valid 3 days; §8 40007 "invalid media_id (... expired after 3 days)". JSON on error.
    if (media === undefined) return fail(ctx, 40007, 'media_id is unknown or older than 3 days');
    return {
      kind: 'binary',
      status: 200,
      body: media.bytes,
      headers: {
        'content-type': media.contentType,
        'content-disposition': `attachment; filename="${encodeURIComponent(media.filename)}"; filename*=UTF-8''${encodeURIComponent(media.filename)}`,
      },
    };
  };
}
