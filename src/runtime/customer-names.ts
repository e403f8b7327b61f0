/**
 * Customers' nicknames for {{nickname}}, from kf/customer/batchget (§7.2), kept in the customer's
 * conversation record for a day so a busy conversation costs one lookup, not one per message.
 */
import type { Logger } from 'pino';
import type { RuleSet } from '../rules/rule-model.ts';
import type { Conversation } from '../store/store.ts';
import type { KfApi } from '../wecom/kf-api.ts';

const NICKNAME_TTL_MS = 24 * 3600_000;

const usesNickname = new WeakMap<RuleSet, boolean>();

/** Whether any template in the rules says {{nickname}} (else kfbot never asks WeCom for names). */
export function rulesUseNickname(ruleSet: RuleSet): boolean {
  let known = usesNickname.get(ruleSet);
  if (known === undefined) {
    const json = JSON.stringify(
      [...ruleSet.rules.map((r) => r.actions), ...ruleSet.menus.values()],
      (_k, v: unknown) =>
        v !== null && typeof v === 'object' && 'names' in v ? (v as { names: string[] }).names : v,
    );
    known = json.includes('"nickname"');
    usesNickname.set(ruleSet, known);
  }
  return known;
}

export async function nicknameFor(
  kf: KfApi,
  conversation: Conversation,
  externalUserId: string,
  now: number,
  log: Logger,
): Promise<string | undefined> {
  if (
    conversation.nickname !== undefined &&
    conversation.nicknameAt !== undefined &&
    now - conversation.nicknameAt < NICKNAME_TTL_MS
  ) {
    return conversation.nickname;
  }
  try {
    const { customers } = await kf.batchGetCustomers([externalUserId]);
    const nickname = customers[0]?.nickname;
    conversation.nickname = nickname ?? '';
    conversation.nicknameAt = now;
    return nickname;
  } catch (err) {
    // A missing nickname is not worth a missing reply: templates fall back to their default.
    log.warn({ err }, 'could not get the customer nickname; using the template default');
    return conversation.nickname;
  }
}
