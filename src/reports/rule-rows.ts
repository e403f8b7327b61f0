/** Per account and rule: how often it matched, and how much of its reply reached the customer. */
import { byText } from './per-day-and-account.ts';

/**
 * One rule on one account. `rule: null` is the customer messages no rule matched: they are
 * `unmatched`, not hits of anything. Of a rule's hits, `delivered` reached the customer whole,
 * `partly` in part — `partlySent` of the `partlyOf` messages those replies were made of (a text
 * over 2048 bytes goes as several parts) — and `undelivered` not at all. `undelivered` was called
 * misses, which is also the name of the `misses` fact (messages only a fallback answered): one
 * word, two meanings.
 */
export interface RuleRow {
  openKfId: string;
  rule: string | null;
  hits: number;
  delivered: number;
  partly: number;
  partlySent: number;
  partlyOf: number;
  undelivered: number;
  unmatched: number;
}

/** The counts of what a rule's replies did: summed per rule by `report rules` and the console. */
export const DELIVERY_KEYS = [
  'hits',
  'delivered',
  'partly',
  'partlySent',
  'partlyOf',
  'undelivered',
] as const;
export type Delivery = Pick<RuleRow, (typeof DELIVERY_KEYS)[number]>;
export const noDelivery = (): Delivery => ({
  hits: 0,
  delivered: 0,
  partly: 0,
  partlySent: 0,
  partlyOf: 0,
  undelivered: 0,
});

/** Sums the days per account and rule: most hits first, the messages no rule matched last. */
export function ruleRows(
  outcomes: readonly { openKfId: string; rule: string; hits: number; misses: number }[],
  unmatched: readonly { openKfId: string; messages: number }[],
  partly: readonly { openKfId: string; rule: string; messages: number; sent: number; parts: number }[],
): RuleRow[] {
  const rows = new Map<string, RuleRow>();
  const row = (openKfId: string, rule: string | null) => {
    const key = JSON.stringify([openKfId, rule]);
    const found = rows.get(key) ?? { openKfId, rule, ...noDelivery(), unmatched: 0 };
    rows.set(key, found);
    return found;
  };
  for (const o of outcomes) {
    const r = row(o.openKfId, o.rule);
    r.hits += o.hits;
    r.undelivered += o.misses;
  }
  for (const p of partly) {
    const r = row(p.openKfId, p.rule);
    r.partly += p.messages;
    r.partlySent += p.sent;
    r.partlyOf += p.parts;
  }
  // A msg_send_fail is a miss on the event's day, maybe of a reply counted delivered on the
  // message's: over a range that cuts them apart, what is left is never below 0.
  for (const r of rows.values()) r.delivered = Math.max(0, r.hits - r.partly - r.undelivered);
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

/** A rule's partial deliveries as a person reads them: `1 (2 of 3 parts)`; `0` when there were none. */
export function partlyText(r: Pick<RuleRow, 'partly' | 'partlySent' | 'partlyOf'>): string {
  return r.partly === 0 ? '0' : `${r.partly} (${r.partlySent} of ${r.partlyOf} parts)`;
}
