/**
 * Checks a compiled rule's placeholders and calls as a whole, which no single action can:
 *
 *   - {{match.x}} names a named group (?<x>…) of a regex in the rule's own `when:`;
 *   - call names are unique in a rule (a call's outcome and Idempotency-Key are keyed by rule and name);
 *   - no welcome, closing or event_reply follows a call: their codes live 20 s and are single-use
 *     (wecom-kf.md §6), and a call may take its timeout × (retries + 1), so kfbot refuses the
 *     combination instead of promising a reply it may not be able to send. Send the welcome before
 *     the call, or answer with `reply:` after it.
 */
import type { BodyNode } from './call-model.ts';
import type { RuleProblem } from './problems.ts';
import type { Action, Condition, ReplyContent, RuleModel } from './rule-model.ts';
import type { Template } from './template.ts';

const NAMED_GROUP = /\(\?<([A-Za-z_][A-Za-z0-9_]*)>/g;

/** The named groups (?<name>…) of one regex pattern: what {{match.name}} may use. */
export const namedGroups = (pattern: string): string[] =>
  [...pattern.matchAll(NAMED_GROUP)].map((m) => m[1] as string);

/** The named groups of every regex in a condition tree. */
export function regexGroups(condition: Condition): Set<string> {
  const out = new Set<string>();
  const walk = (c: Condition): void => {
    if ('all' in c) c.all.forEach(walk);
    else if ('any' in c) c.any.forEach(walk);
    else if ('not' in c) walk(c.not);
    else if (c.op === 'regex') for (const g of namedGroups(String(c.value))) out.add(g);
  };
  walk(condition);
  return out;
}

function replyTemplates(c: ReplyContent): Template[] {
  switch (c.msgtype) {
    case 'text':
      return [c.text];
    case 'msgmenu':
      return [
        ...(c.menu.head ? [c.menu.head] : []),
        ...c.menu.items.map((i) => i.label),
        ...(c.menu.tail ? [c.menu.tail] : []),
      ];
    case 'link':
      return [c.title, ...(c.desc ? [c.desc] : [])];
    case 'miniprogram':
      return c.title ? [c.title] : [];
    default:
      return [];
  }
}

function bodyTemplates(b: BodyNode | undefined): Template[] {
  if (!b) return [];
  switch (b.kind) {
    case 'text':
      return [b.text];
    case 'list':
      return b.items.flatMap(bodyTemplates);
    case 'map':
      return b.entries.flatMap(([, v]) => bodyTemplates(v));
    default:
      return [];
  }
}

function actionTemplates(a: Action): Template[] {
  switch (a.type) {
    case 'reply':
    case 'send_on_event':
      return replyTemplates(a.content);
    case 'transfer':
      return a.notice ? replyTemplates(a.notice) : [];
    case 'set':
      return typeof a.value === 'object' ? [a.value] : [];
    case 'suggest':
      return [a.head, ...(a.otherwise ? replyTemplates(a.otherwise) : [])];
    case 'call':
      return [a.call.url, ...a.call.headers.map(([, t]) => t), ...bodyTemplates(a.call.body)];
    default:
      return [];
  }
}

export function ruleCallProblems(rule: RuleModel): RuleProblem[] {
  const problems: RuleProblem[] = [];
  const error = (a: Action, message: string) => problems.push({ ...a.at, severity: 'error', message });
  const groups = regexGroups(rule.condition);
  const callNames = new Set<string>();
  const walk = (actions: readonly Action[], afterCall: boolean): void => {
    let called = afterCall;
    for (const a of actions) {
      for (const t of actionTemplates(a))
        for (const name of t.names) {
          if (!name.startsWith('match.')) continue;
          const group = name.slice('match.'.length);
          if (!groups.has(group))
            error(
              a,
              `{{${name}}}: rule "${rule.name}" has no regex with a named group "${group}"${
                groups.size ? ` (its groups: ${[...groups].join(', ')})` : ''
              }; write (?<${group}>…) in its when: regex`,
            );
        }
      if (a.type === 'send_on_event' && called)
        error(
          a,
          `${a.as} after a call: its event code lives 20 s and is used once, and the call may outlast it; send it before the call, or use reply: after it`,
        );
      if (a.type === 'call') {
        if (callNames.has(a.call.name))
          error(a, `rule "${rule.name}" has two calls named "${a.call.name}"; give each its own name`);
        callNames.add(a.call.name);
        for (const branch of a.call.onStatus.values()) walk(branch, true);
        if (a.call.onError) walk(a.call.onError, true);
        called = true;
      }
    }
  };
  walk(rule.actions, false);
  return problems;
}
