/** POST /cgi-bin/kf/account/list (wecom-kf.md §7.3): offset ≥ 0, limit 1–100 (default 100). */
import { type ApiHandler, ok } from '../http/api-types.ts';
import { optionalUint } from './fields.ts';

export function accountListHandler(): ApiHandler {
  return (req, ctx) => {
    const offset = optionalUint(req.json, 'offset', { min: 0, max: 2 ** 32 - 1, dflt: 0 });
    const limit = optionalUint(req.json, 'limit', { min: 1, max: 100, dflt: 100, zeroIsDefault: true });
    const accounts = [...ctx.world.accounts.values()].slice(offset, offset + limit);
    return ok({
      account_list: accounts.map((a) => ({
        open_kfid: a.openKfId,
        name: a.name,
        avatar: a.avatar,
        manage_privilege: a.managePrivilege,
      })),
    });
  };
}
