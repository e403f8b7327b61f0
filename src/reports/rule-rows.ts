/** Per account and rule: how often it matched and how often its reply did not reach the customer. */
import { byText } from './per-day-and-account.ts';

/**
 * One rule on one account. `rule: null` is the customer messages no rule matched: they are
 * `unmatched`, not hits of anything. `undelivered` was called misses, which is also the name of
 * the `misses` fact (messages only a fallback answered): one word, two meanings.
 */
export interface RuleRow {
  openKfId: string;
  rule: string | null;
  hits: number;
  undelivered: number;
  unmatched: number;
}

/** Sums the days per account and rule: most hits first, the messages no rule matched last. */
export function ruleRows(
  outcomes: readonly { openKfId: string; rule: string; hits: number; misses: number }[],
  unmatched: readonly { openKfId: string; messages: number }[],
): RuleRow[] {
  const rows = new Map<string, RuleRow>();
  const row = (openKfId: string, rule: string | null) => {
    const key = JSON.stringify([openKfId, rule]);
    const found = rows.get(key) ?? { openKfId, rule, hits: 0, undelivered: 0, unmatched: 0 };
    rows.set(key, found);
    return found;
  };
  for (const o of outcomes) {
    const r = row(o.openKfId, o.rule);
    r.hits += o.hits;
    r.undelivered += o.misses;
  }
  for (const u of unmatched) row(u.openKfId, null).unmatched += u.messages;
  return [...rows.values()].sort(
    (a, b) =>
      byText(a.openKfId, b.openKfId) ||
      Number(a.rule === null) - Number(b.rule === null) ||
      b.hits - a.hits ||
      b.undelivered - a.undelivered ||
      byText(a.rule ?? '', b.rule ?? ''),
  );
}
