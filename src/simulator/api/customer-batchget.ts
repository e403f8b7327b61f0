/** POST /cgi-bin/kf/customer/batchget (wecom-kf.md §7.2). */
import { BATCHGET_MAX_IDS } from '../../wecom/platform-choices.ts';
import { type ApiHandler, ok } from '../http/api-types.ts';
import type { Customer } from '../world.ts';
import { FieldError, INVALID_PARAMETER, optionalUint } from './fields.ts';

function customerJson(c: Customer, withContext: boolean) {
  return {
    external_userid: c.externalUserId,
    nickname: c.nickname,
    avatar: c.avatar,
    gender: c.gender,
    ...(c.unionid !== undefined && { unionid: c.unionid }),
    ...(withContext &&
      c.enterSessionContext !== undefined && { enter_session_context: c.enterSessionContext }),
  };
}

export function customerBatchgetHandler(): ApiHandler {
  return (req, ctx) => {
    const list = req.json.external_userid_list;
    // §7.2 ⚠ / BATCHGET_MAX_IDS: "max list size not confirmed; 100 is commonly assumed".
    if (!Array.isArray(list) || list.length === 0 || list.length > BATCHGET_MAX_IDS) {
      throw new FieldError(
        INVALID_PARAMETER,
        'external_userid_list',
        `external_userid_list must be an array of 1-${BATCHGET_MAX_IDS} ids`,
      );
    }
    if (!list.every((id): id is string => typeof id === 'string')) {
      throw new FieldError(
        INVALID_PARAMETER,
        'external_userid_list',
        'external_userid_list must hold strings',
      );
    }
    const withContext =
      optionalUint(req.json, 'need_enter_session_context', { min: 0, max: 1, dflt: 0 }) === 1;
    const customers: ReturnType<typeof customerJson>[] = [];
    const invalid: string[] = [];
    for (const id of list) {
      const customer = ctx.world.customers.get(id);
      if (customer) customers.push(customerJson(customer, withContext));
      else invalid.push(id);
    }
    return ok({ customer_list: customers, invalid_external_userid: invalid });
  };
}
