/**
 * GET /cgi-bin/gettoken?corpid=&corpsecret= (wecom-kf.md §1): 40013 for a wrong corp id, 40001
 * for a secret the enterprise does not have, else a new token valid `expires_in` seconds.
 */
import { GETTOKEN_REUSES_LIVE_TOKEN } from '../../wecom/platform-choices.ts';
import { type ApiHandler, fail, ok } from '../http/api-types.ts';

export function gettokenHandler(secrets: () => readonly string[]): ApiHandler {
  const live = new Map<string, string>(); // secret → last token, for GETTOKEN_REUSES_LIVE_TOKEN
  return (req, ctx) => {
    const corpid = req.query.get('corpid') ?? '';
    const secret = req.query.get('corpsecret') ?? '';
    if (corpid !== ctx.world.corpId) return fail(ctx, 40013, 'corpid');
    if (!secrets().includes(secret)) return fail(ctx, 40001, 'corpsecret');
    const now = ctx.world.now();
    const ttl = ctx.settings.accessTokenTtlSeconds;
    const reusable = live.get(secret);
    if (
      GETTOKEN_REUSES_LIVE_TOKEN &&
      reusable !== undefined &&
      ctx.world.accessTokens.check(reusable, now).ok
    ) {
      return ok({ access_token: reusable, expires_in: ttl });
    }
    const token = ctx.world.accessTokens.issue(secret, now, ttl);
    live.set(secret, token);
    return ok({ access_token: token, expires_in: ttl });
  };
}
