/**
 * A dry run, as people read it: the message, what serve looks up before deciding, the facts, which
 * rules matched and why, the calls and WeCom's answers.
 */
import { redacted } from '../rules/call-request.ts';
import type { ConversationState } from '../rules/conversation-state.ts';
import { describeFaq } from '../rules/faq-step.ts';
import { CUSTOMER, RAW_TEXT } from '../rules/message-facts.ts';
import { compactJson } from './compact-json.ts';
import type { BackendCallReport, DryRunReport, LookupOutcome } from './dry-run.ts';

const indent = (text: string, by: string) => text.replace(/\n/g, `\n${by}`);

function describeItem(r: DryRunReport): string {
  const i = r.item;
  const what =
    i.kind === 'text'
      ? `text ${JSON.stringify(i.text.content)}${i.text.menu_id ? ` (menu click ${i.text.menu_id})` : ''}`
      : i.kind === 'unknown'
        ? `unknown item (${i.reason})`
        : i.msgtype === 'event'
          ? `event ${i.kind}`
          : i.kind;
  return `${what} · customer ${i.external_userid || '–'} · account ${i.open_kfid || '–'} · origin ${i.origin}`;
}

function describeFacts(r: DryRunReport): string {
  return Object.entries(r.decision.facts)
    .filter(
      ([k, v]) => v !== undefined && k !== RAW_TEXT && k !== CUSTOMER && k !== 'now' && k !== 'open_kfid',
    )
    .map(([k, v]) => `${k}=${typeof v === 'string' ? JSON.stringify(v) : String(v)}`)
    .join('  ');
}

function describeState(before: ConversationState, after: ConversationState): string[] {
  const lines: string[] = [];
  const show = (v: unknown) => (v === undefined ? '–' : JSON.stringify(v));
  if (before.misses !== after.misses) lines.push(`misses: ${before.misses} → ${after.misses}`);
  if (before.last_menu !== after.last_menu)
    lines.push(`last_menu: ${show(before.last_menu)} → ${show(after.last_menu)}`);
  for (const k of new Set([...Object.keys(before.vars), ...Object.keys(after.vars)])) {
    if (before.vars[k] !== after.vars[k])
      lines.push(`var.${k}: ${show(before.vars[k])} → ${show(after.vars[k])}`);
  }
  for (const k of new Set([...Object.keys(before.counters), ...Object.keys(after.counters)])) {
    if (before.counters[k] !== after.counters[k]) {
      lines.push(`counter.${k}: ${before.counters[k] ?? 0} → ${after.counters[k] ?? 0}`);
    }
  }
  return lines;
}

const LOOKS_UP: Record<LookupOutcome['looksUp'], string> = {
  nickname: 'the nickname for {{nickname}}',
  service_state: "the session's state, which kfbot does not know",
};

/** A lookup is not a planned call: numbered apart, and a refusal only leaves its value unknown. */
function describeLookup(l: LookupOutcome, n: number): string {
  const answer = l.answered
    ? `✓ answered ${JSON.stringify(l.response)}`
    : `✗ refused ${JSON.stringify(l.response)}; serve goes on without it`;
  return `${n}. POST ${l.api}  → ${LOOKS_UP[l.looksUp]}\n   ${indent(compactJson(l.request, 86), '   ')}\n   ${answer}`;
}

/**
 * A rule's call to the company's backend: the request as sent (env values shown as ‹env.X›),
 * then what it came to, what was saved and which actions ran after it.
 */
function describeBackendCall(b: BackendCallReport, n: number): string {
  const req = redacted(b.request);
  const lines = [`${n}. ${req.method} ${req.url}  ← rule ${b.request.rule}, call ${b.request.name}`];
  const headers = Object.entries(req.headers);
  if (headers.length) lines.push(`   headers ${JSON.stringify(req.headers)}`);
  if (req.body !== undefined) lines.push(`   body    ${req.body}`);
  const o = b.outcome;
  if (!o) {
    lines.push(
      `   not made: a ${req.method} call is made with --calls, or answered with --call ${b.request.name}=FILE`,
    );
    return lines.join('\n');
  }
  const got = o.error
    ? `✗ ${o.error}${o.status !== undefined ? ` (status ${o.status})` : ''}: ${o.detail ?? ''}`
    : `✓ status ${o.status}`;
  const saved = o.saved && Object.keys(o.saved).length ? `  saved ${JSON.stringify(o.saved)}` : '';
  lines.push(`   ${got}${saved}${o.attempts > 1 ? `  (${o.attempts} attempts)` : ''}`);
  if (b.branch) lines.push(`   then: ${branchWords(b.branch)}`);
  return lines.join('\n');
}

function branchWords(branch: string): string {
  if (branch === 'rest') return "the rule's remaining actions";
  if (branch === 'skipped') return "nothing (no on_error: the rule's remaining actions are skipped)";
  return branch;
}

export function formatReport(r: DryRunReport): string {
  const out: string[] = [];
  const row = (label: string, text: string) =>
    out.push(`${label.padEnd(8)}  ${indent(text, ' '.repeat(10))}`);
  row('message', describeItem(r));
  for (const [i, l] of r.lookups.entries()) row(i === 0 ? 'lookups' : '', describeLookup(l, i + 1));
  row('facts', describeFacts(r));
  if (r.decision.faq) row('faq', describeFaq(r.decision.faq));
  if (r.decision.skipped) row('rules', `none consulted: ${r.decision.skipped}`);
  else if (r.decision.evaluations.length === 0) row('rules', 'no rule can match this message');
  else {
    const lines = r.decision.evaluations.map((ev) => {
      const head = `${ev.matched ? '✓' : '✗'} ${ev.rule.name}  (${ev.rule.at.file}:${ev.rule.at.line})`;
      const conds = ev.conditions.map((c) => {
        const mark = c.result === undefined ? '·' : c.result ? '✓' : '✗';
        const value = c.factValue === undefined ? '' : `  (is ${JSON.stringify(c.factValue)})`;
        return `    ${mark} ${c.label}${value}`;
      });
      return [head, ...conds].join('\n');
    });
    row('rules', lines.join('\n'));
  }
  const state = describeState(r.stateBefore, r.decision.state);
  if (state.length) row('state', state.join('\n'));
  for (const [i, b] of r.backendCalls.entries()) row(i === 0 ? 'backend' : '', describeBackendCall(b, i + 1));
  if (r.calls.length === 0 && r.dropped.length === 0) row('calls', 'none');
  r.calls.forEach((c, i) => {
    const answer = c.accepted
      ? `✓ accepted ${JSON.stringify(c.response)}`
      : `✗ WeCom would refuse it: ${JSON.stringify(c.response)}`;
    row(
      i === 0 ? 'calls' : '',
      `${i + 1}. POST ${c.api}${c.rule ? `  ← rule ${c.rule}` : ''}${c.fitted ? ` (${c.fitted})` : ''}\n   ${indent(compactJson(c.request, 86), '   ')}\n   ${answer}`,
    );
  });
  for (const d of r.dropped) row('dropped', `${d.rule}: ${d.reason}`);
  row(
    'result',
    r.ok ? '✓ WeCom would accept every call' : '✗ some actions would not reach the customer (see above)',
  );
  return `${out.join('\n')}\n`;
}
