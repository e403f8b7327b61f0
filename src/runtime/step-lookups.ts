/**
 * What the conversation step needs looked up for one item (conversation-step.ts decides; this
 * does the I/O): the customer's newest message in the page, the nickname when the rules use it,
 * the session's state when kfbot cannot know it, and the semantic provider's view of a typed text.
 */
import type { Logger } from 'pino';
import type { Conversation } from '../conversation/conversation.ts';
import { needsServiceState, type StepLookups } from '../conversation/conversation-step.ts';
import type { RuleSet } from '../rules/rule-model.ts';
import { rulesUseNickname } from '../rules/rules-use-nickname.ts';
import type { KfApi } from '../wecom/kf-api.ts';
import type { ServiceState } from '../wecom/platform-enums.ts';
import type { SyncItem } from '../wecom/sync-item.ts';
import { lookUpNickname } from './customer-names.ts';
import type { HandleContext } from './handle-context.ts';
import type { HandlerDeps } from './handler-deps.ts';

export async function stepLookups(
  d: Pick<HandlerDeps, 'kf' | 'semantic' | 'now'>,
  item: SyncItem,
  ruleSet: RuleSet,
  /** The customer's conversation, and whether kfbot had one stored (not a new one). */
  customer: { conversation: Conversation; known: boolean },
  ctx: Pick<HandleContext, 'firstStart' | 'newestFromCustomer' | 'nickname'>,
  log: Logger,
): Promise<StepLookups> {
  const { conversation, known } = customer;
  const newest = ctx.newestFromCustomer?.(item.external_userid);
  const lookups: StepLookups = {
    ...(newest !== undefined && { newestFromCustomer: newest }),
    ...(item.external_userid &&
      rulesUseNickname(ruleSet) &&
      (await lookUpNickname(
        d.kf,
        conversation,
        item.external_userid,
        d.now(),
        log,
        ctx.nickname?.(item.external_userid),
      ))),
  };
  // kfbot sees every item of the account since its first pull, so a customer it has never seen
  // opens a new session (4 → 0, §7.1) and needs no service_state/get: that call would cost a
  // round trip and the budget for every new customer. It asks only where it cannot know — on a
  // first start (sessions older than kfbot), and after WeCom refused a send with 95018 (the
  // state was not what kfbot thought: a servicer was assigned by WeCom, not by an event).
  // A wrong guess costs one refused send, logged, and kfbot asks next time.
  const stateUnknown = known || ctx.firstStart;
  if (needsServiceState(item, conversation) && stateUnknown) {
    const state = await askServiceState(d.kf, item, log);
    if (state !== undefined) lookups.serviceState = state;
  }
  // Within its own deadline; undefined (the lexical decision stands) when off or failing.
  const semantic = await d.semantic?.view(ruleSet, item);
  if (semantic) lookups.semantic = semantic;
  return lookups;
}

/** kf/service_state/get; undefined if it failed (the step then assumes a new session). */
async function askServiceState(kf: KfApi, item: SyncItem, log: Logger): Promise<ServiceState | undefined> {
  try {
    const { service_state } = await kf.getServiceState({
      open_kfid: item.open_kfid,
      external_userid: item.external_userid,
    });
    return service_state;
  } catch (err) {
    log.warn({ err }, 'service_state/get failed; assuming the customer message opened a new session');
    return undefined;
  }
}
