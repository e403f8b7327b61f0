/**
 * Feeds the session log (store/session-log.ts) from kfbot's decisions: the customer's message, a
 * servicer's, or a WeCom event, then each reply, transfer or notice the bot planned for it, each
 * with the rule behind it and why (the explain panel's content, as text). Like the activity log
 * this is a report, not a reply: a failure to record is a warning, and the customer is answered
 * all the same.
 */
import type { Logger } from 'pino';
import type { Decision } from '../rules/decider.ts';
import type { PlannedCall } from '../rules/plan-calls.ts';
import { MAX_ENTRY_TEXT, type SessionEntry, type SessionEntryFrom } from '../store/session-log.ts';
import type { Store } from '../store/store.ts';
import { isCustomerMessage, ORIGIN } from '../wecom/platform-enums.ts';
import type { SyncItem } from '../wecom/sync-item.ts';
import type { DecisionEvent } from './decision-event.ts';

const cut = (s: string) => (s.length > MAX_ENTRY_TEXT ? `${s.slice(0, MAX_ENTRY_TEXT)}…` : s);

function isObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null;
}

/** What an item says, as a transcript line. */
export function itemText(item: SyncItem): string {
  if (item.kind === 'text') return item.text.content;
  const raw = item.raw as Record<string, unknown>;
  const event = isObject(raw.event) ? raw.event : undefined;
  if (event) {
    const detail = ['scene', 'change_type', 'fail_type', 'new_servicer_userid']
      .filter((k) => event[k] !== undefined && event[k] !== '')
      .map((k) => `${k}=${String(event[k])}`);
    return `[${item.kind}${detail.length ? ` ${detail.join(' ')}` : ''}]`;
  }
  return `[${item.kind}]`;
}

/** What a planned call sends, as a transcript line: the text, a menu's head and items, a transfer. */
export function callText(call: PlannedCall): { kind: string; text: string } {
  if (call.api === 'kf/service_state/trans') {
    const to = call.body.service_state;
    return {
      kind: `transfer:${to}`,
      text: `[转接 service_state → ${to}${call.body.servicer_userid ? ` ${call.body.servicer_userid}` : ''}]`,
    };
  }
  const body = call.body as unknown as Record<string, unknown>;
  const msgtype = String(body.msgtype ?? '');
  const part = body[msgtype];
  if (msgtype === 'text' && isObject(part)) return { kind: 'text', text: String(part.content ?? '') };
  if (msgtype === 'msgmenu' && isObject(part)) {
    const items = Array.isArray(part.list) ? part.list : [];
    const labels = items.map((i) => {
      if (!isObject(i)) return '';
      const inner = i[String(i.type)];
      return isObject(inner) ? String(inner.content ?? inner.title ?? '') : '';
    });
    return {
      kind: 'msgmenu',
      text: [part.head_content, ...labels.map((l) => `· ${l}`), part.tail_content]
        .filter((x) => typeof x === 'string' && x !== '')
        .join('\n'),
    };
  }
  return { kind: msgtype || 'message', text: `[${msgtype}]` };
}

/** Why the rules did what they did, as the explain panel says it, in a few lines. */
export function whyText(decision: Decision, dropped: DecisionEvent['dropped']): string {
  const lines: string[] = [];
  if (decision.skipped) lines.push(`未处理 skipped: ${decision.skipped}`);
  for (const ev of decision.evaluations) {
    if (!ev.matched) continue;
    const held = ev.conditions.filter((c) => c.result === true).map((c) => c.label);
    lines.push(
      `✓ ${ev.rule.name}${held.length ? `: ${held.join('; ')}` : ''} (${ev.rule.at.file}:${ev.rule.at.line})`,
    );
  }
  const faq = decision.faq;
  if (faq) {
    const best = faq.candidates[0];
    lines.push(
      `FAQ ${faq.outcome}${faq.answered ? ` → ${faq.answered}` : ''}${best ? ` (best ${best.id} ${best.score.toFixed(2)}, threshold ${faq.threshold})` : ''}`,
    );
  }
  for (const d of dropped) lines.push(`✗ ${d.rule}: ${d.reason}`);
  if (lines.length === 0) lines.push('没有规则匹配 no rule matched');
  return cut(lines.join('\n'));
}

function fromOf(item: SyncItem): SessionEntryFrom {
  if (isCustomerMessage(item)) return 'customer';
  if (item.origin === ORIGIN.servicer && item.msgtype !== 'event') return 'servicer';
  return 'event';
}

/**
 * The entries of one decision: the item (seq 0), then each planned call (seq 1, 2, …). Before the
 * customer's first message there is no session yet (a session begins with one, conversation-step.ts):
 * such entries — the enter_session event and its welcome — get sessionStartedAt 0, and the
 * recorder files them under the session that message opens.
 */
export function sessionEntries(event: DecisionEvent, now: number): SessionEntry[] {
  const { item, decision } = event;
  const sessionStartedAt = event.sessionStartedAt ?? 0;
  if (!item.external_userid) return [];
  const base = {
    openKfId: item.open_kfid,
    externalUserId: item.external_userid,
    sessionStartedAt,
    msgid: item.msgid,
  };
  // The time kfbot decided, not send_time: WeCom's whole seconds cannot order a quick exchange.
  const at = now;
  // After a `call:` the message is decided again (continue-after-call.ts): its item and the calls
  // before the call were recorded with the first decision; only what follows the call is new.
  const after = event.made?.request.step;
  const entries: SessionEntry[] = [];
  if (after === undefined)
    entries.push({
      ...base,
      at,
      seq: 0,
      from: fromOf(item),
      kind: item.kind,
      text: cut(itemText(item)),
      ...(decision.matched.length > 0 && { rules: decision.matched.map((r) => r.name) }),
      why: whyText(decision, event.dropped),
    });
  event.calls.forEach((call, i) => {
    if (after !== undefined && call.step <= after) return;
    const { kind, text } = callText(call);
    entries.push({
      ...base,
      at: Math.max(at, now),
      seq: i + 1,
      from: 'bot',
      kind,
      text: cut(text),
      rules: [call.rule],
    });
  });
  return entries;
}

/** Customers whose welcome waits for their first message (in memory: a restart loses it, nothing else). */
const MAX_WAITING = 10_000;
/** A welcome the customer never answered within this is dropped, not filed under a later session. */
const WAITING_MS = 3600_000;

export class SessionRecorder {
  readonly #waiting = new Map<string, { at: number; entries: SessionEntry[] }>();

  constructor(
    private readonly store: Store,
    private readonly log: Logger,
    private readonly now: () => number,
  ) {}

  /** For onDecision: records in the background (the listener is synchronous), warns on failure. */
  readonly listener = (event: DecisionEvent): void => {
    const now = this.now();
    let entries = sessionEntries(event, now);
    if (entries.length === 0) return;
    const who = JSON.stringify([event.item.open_kfid, event.item.external_userid]);
    if (event.sessionStartedAt === undefined) {
      const waiting = this.#waiting.get(who)?.entries ?? [];
      this.#waiting.delete(who);
      this.#waiting.set(who, { at: now, entries: [...waiting, ...entries] });
      if (this.#waiting.size > MAX_WAITING) this.#waiting.delete(this.#waiting.keys().next().value as string);
      return;
    }
    const waiting = this.#waiting.get(who);
    this.#waiting.delete(who);
    if (waiting && now - waiting.at < WAITING_MS) {
      const sessionStartedAt = event.sessionStartedAt;
      entries = [...waiting.entries.map((e) => ({ ...e, sessionStartedAt })), ...entries];
    }
    this.store.sessions.recordSessionEntries(entries).catch((err: unknown) => {
      this.log.warn(
        { err, msgid: event.item.msgid },
        'could not record the session entry (the console will miss it)',
      );
    });
  };
}
