/**
 * Everything the sandbox page and `kfbot chat` show, as one ordered stream of events: what
 * customers and servicers did (the simulator's items), what the bot sent (the simulator's
 * deliveries), every API request kfbot made with the simulator's answer, each decision kfbot's
 * pipeline reports, rule reloads, and the session state and quota after each change. New viewers
 * get the history replayed, then live events.
 */
import { type CallRequest, redacted } from '../rules/call-request.ts';
import { formatProblem, type RuleProblem } from '../rules/problems.ts';
import type { DecisionEvent } from '../runtime/decision-event.ts';
import type { RulesSnapshot } from '../runtime/live-rules.ts';
import type { WeComSimulator, WireItem } from '../simulator/index.ts';
import type { DecisionSummary, SandboxEvent } from './sandbox-events.ts';

export type { DecisionSummary, SandboxEvent };

import { errcodeInfo } from '../wecom/error-codes.ts';
import { isObject } from '../wecom/json-reader.ts';
import { SERVICE_STATE_LABELS, serviceStateLabel } from '../wecom/platform-enums.ts';

const MAX_EVENTS = 5000;

export function summarizeDecision(e: DecisionEvent): DecisionSummary {
  return {
    kind: e.item.kind,
    ...(e.decision.skipped && { skipped: e.decision.skipped }),
    ...(e.decision.faq && { faq: e.decision.faq }),
    rules: e.decision.evaluations.map((ev) => ({
      name: ev.rule.name,
      at: `${ev.rule.at.file}:${ev.rule.at.line}`,
      matched: ev.matched,
      conditions: ev.conditions.map((c) => ({
        label: c.label,
        result: c.result ?? null,
        value: c.factValue,
      })),
    })),
    calls: e.calls.map((c) => ({
      api: c.api,
      rule: c.rule,
      ...('msgid' in c.body && typeof c.body.msgid === 'string' && { msgid: c.body.msgid }),
      body: c.body,
    })),
    dropped: e.dropped.map((d) => ({ rule: d.rule, reason: d.reason })),
    ...((e.made || e.pending) && {
      backendCalls: [
        ...(e.made
          ? [
              {
                rule: e.made.request.rule,
                call: e.made.request.name,
                request: redacted(e.made.request),
                outcome: e.made.outcome,
                ...branchOf(e, e.made.request),
              },
            ]
          : []),
        ...(e.pending ? [{ rule: e.pending.rule, call: e.pending.name, request: redacted(e.pending) }] : []),
      ],
    }),
    rulesVersion: e.rulesVersion,
  };
}

function branchOf(e: DecisionEvent, req: CallRequest): { branch?: string } {
  const run = e.decision.calls.find((c) => c.rule === req.rule && c.call === req.name);
  return run ? { branch: run.branch } : {};
}

function customerOf(item: WireItem): string {
  const ev = isObject(item.event) ? item.event : undefined;
  const id = item.external_userid ?? ev?.external_userid;
  return typeof id === 'string' ? id : '';
}

export class SandboxHub {
  readonly #events: SandboxEvent[] = [];
  readonly #listeners = new Set<(e: SandboxEvent) => void>();
  readonly #customers = new Set<string>();

  constructor(readonly sim: WeComSimulator) {
    this.publish({
      type: 'accounts',
      accounts: sim.accounts.map((a) => ({ openKfId: a.openKfId, name: a.name })),
      servicers: sim.servicers.map((s) => ({ userid: s.userid, name: s.name })),
    });
    sim.onItem((item, openKfId) => {
      const externalUserId = customerOf(item);
      if (externalUserId) this.#knowCustomer(openKfId, externalUserId);
      this.publish({ type: 'item', openKfId, externalUserId, item, at: sim.clock.now() });
      if (externalUserId) this.#session(openKfId, externalUserId);
    });
    sim.onSent((message) => {
      this.publish({
        type: 'sent',
        openKfId: message.openKfId,
        externalUserId: message.externalUserId,
        message,
      });
      this.#session(message.openKfId, message.externalUserId);
    });
    sim.requests.onRecord((record) => {
      const errcode = isObject(record.response) ? record.response.errcode : undefined;
      const meaning =
        typeof errcode === 'number' && errcode !== 0 ? errcodeInfo(errcode)?.meaning : undefined;
      this.publish({ type: 'request', record, ...(meaning && { meaning }) });
      const body = isObject(record.body) ? record.body : {};
      const customer = body.external_userid ?? body.touser;
      const account = body.open_kfid;
      if (typeof customer === 'string' && typeof account === 'string') this.#session(account, customer);
    });
  }

  /** Connects kfbot's decisions and rule reloads. */
  attach(app: {
    onDecision(l: (e: DecisionEvent) => void): () => void;
    rules: {
      current: RulesSnapshot | undefined;
      problems: readonly RuleProblem[];
      onChange(l: (s: RulesSnapshot | undefined, p: readonly RuleProblem[]) => void): () => void;
    };
  }): void {
    app.onDecision((e) =>
      this.publish({
        type: 'decision',
        openKfId: e.item.open_kfid,
        externalUserId: e.item.external_userid,
        msgid: e.item.msgid,
        decision: summarizeDecision(e),
      }),
    );
    const rules = (s: RulesSnapshot | undefined, problems: readonly RuleProblem[]) =>
      this.publish({
        type: 'rules',
        version: s?.version ?? null,
        ok: !problems.some((p) => p.severity === 'error'),
        problems: problems.map(formatProblem),
      });
    rules(app.rules.current, app.rules.problems);
    app.rules.onChange(rules);
  }

  publish(event: SandboxEvent): void {
    this.#events.push(event);
    if (this.#events.length > MAX_EVENTS) this.#events.splice(0, this.#events.length - MAX_EVENTS);
    for (const l of this.#listeners) l(event);
  }

  /** Replays the history to `listener`, then keeps it posted; returns the unsubscribe function. */
  subscribe(listener: (e: SandboxEvent) => void): () => void {
    for (const e of this.#events) listener(e);
    this.#listeners.add(listener);
    return () => this.#listeners.delete(listener);
  }

  get events(): readonly SandboxEvent[] {
    return this.#events;
  }

  /** A new customer on an account (with an invented WeChat profile). */
  newCustomer(openKfId: string): string {
    const customer = this.sim.world.ensureCustomer();
    this.#knowCustomer(openKfId, customer.externalUserId);
    return customer.externalUserId;
  }

  #knowCustomer(openKfId: string, externalUserId: string): void {
    const key = `${openKfId}/${externalUserId}`;
    if (this.#customers.has(key)) return;
    this.#customers.add(key);
    const nickname = this.sim.world.customers.get(externalUserId)?.nickname ?? externalUserId;
    this.publish({ type: 'customer', openKfId, externalUserId, nickname });
  }

  #session(openKfId: string, externalUserId: string): void {
    const s = this.sim.world.findSession(openKfId, externalUserId);
    if (!s) return;
    this.publish({
      type: 'session',
      openKfId,
      externalUserId,
      state: s.state,
      label: `${serviceStateLabel(s.state)} · ${SERVICE_STATE_LABELS[s.state].en}`,
      ...(s.servicerUserId && { servicer: s.servicerUserId }),
      quotaLeft: s.state === 0 || s.state === 1 ? s.quota : 0,
    });
  }
}
