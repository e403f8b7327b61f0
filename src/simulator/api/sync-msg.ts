/**
 * POST /cgi-bin/kf/sync_msg (wecom-kf.md §3): pages through one KF account's log of customer
 * messages, servicer messages and events, never the bot's own sends.
 */

import { ERRCODE } from '../../wecom/error-codes.ts';
import { INVALID_CURSOR_ERRCODE, INVALID_CURSOR_ERRMSG } from '../../wecom/platform-choices.ts';
import { DAY, MINUTE } from '../clock.ts';
import { type ApiHandler, fail, ok } from '../http/api-types.ts';
import { RateWindow } from '../rate-window.ts';
import { optionalString, optionalUint, requiredString } from './fields.ts';

/** §3: "Retention: only the last 3 days can be read". */
export const SYNC_RETENTION_MS = 3 * DAY;
/** §3: limit "default = max = 1000". */
export const SYNC_MAX_LIMIT = 1000;

export function syncMsgHandler(): ApiHandler {
  const tokenless = new RateWindow(MINUTE);
  return (req, ctx) => {
    const { world } = ctx;
    const body = req.json;
    // §3 ⚠: open_kfid is required by the 2024 doc ("Always send it").
    const openKfId = requiredString(body, 'open_kfid');
    const cursor = optionalString(body, 'cursor', 64); // §3: ≤64 bytes
    const token = optionalString(body, 'token', 128); // §3: ≤128 bytes
    const limit = optionalUint(body, 'limit', {
      min: 1,
      max: SYNC_MAX_LIMIT,
      dflt: SYNC_MAX_LIMIT,
      zeroIsDefault: true,
    });
    optionalUint(body, 'voice_format', { min: 0, max: 1, dflt: 0 }); // §3: 0 AMR · 1 Silk
    if (!world.accounts.has(openKfId)) return fail(ctx, ERRCODE.invalidOpenKfId, 'open_kfid');
    const now = world.now();
    if (token !== undefined) {
      // §3/§8: the callback Token is valid 10 minutes, for its own account; else 95007.
      if (!world.callbackTokens.isValid(token, openKfId, now))
        return fail(ctx, ERRCODE.invalidMsgToken, 'token');
    } else if (!tokenless.tryHit(openKfId, now, ctx.settings.syncWithoutTokenPerMinute)) {
      // §3: without a token "the API applies strict frequency limits".
      return fail(ctx, ERRCODE.frequencyLimit, 'sync_msg without token');
    }
    let position = 0;
    if (cursor !== undefined) {
      const resolved = world.cursors.resolve(cursor);
      if (resolved === undefined || resolved.openKfId !== openKfId) {
        return fail(ctx, INVALID_CURSOR_ERRCODE, INVALID_CURSOR_ERRMSG);
      }
      position = resolved.seq;
    }
    const log = world.log(openKfId);
    if (ctx.fault?.emptyPage) {
      // §3: "has_more can be 1 with an empty list"; the position does not move.
      return ok({ next_cursor: world.cursors.cursorFor(openKfId, position), has_more: 1, msg_list: [] });
    }
    // §3: the first pull "starts from the earliest message within 3 days"; older ones are gone.
    const pending = log.after(position, now - SYNC_RETENTION_MS);
    const page = pending.slice(0, Math.max(1, Math.min(limit, ctx.settings.syncPageSize)));
    const last = page.at(-1);
    // With nothing left to read, the cursor moves past whatever expired.
    const next =
      last !== undefined ? last.seq : pending.length === 0 ? Math.max(position, log.lastSeq) : position;
    return ok({
      next_cursor: world.cursors.cursorFor(openKfId, next),
      has_more: pending.length > page.length ? 1 : 0,
      msg_list: page.map((e) => structuredClone(e.item)),
    });
  };
}
