/**
 * `when: { kind: idle, idle_for: 5m }`: a rule that fires on silence. `idle_for` is not a fact of
 * the item (the timer decides when the item exists); it is lifted out of `when:` here, checked, and
 * replaced by the one test that ties the timer's item to this rule (`idle_rule`), so of several
 * idle rules exactly the one whose time came is a candidate. The rest of `when:` (service state,
 * vars, time) is compiled as usual and tested when the timer fires.
 */

import { parseDuration, showDuration } from '../config/duration.ts';
import { SEND_WINDOW_MS } from '../wecom/send-limits.ts';
import { type CompileContext, describeValue, isRecord } from './compile-context.ts';
import type { LeafCondition } from './rule-model.ts';
import type { YamlPath } from './rule-source.ts';

/** The fact an idle timer's item carries: the name of the rule it fires for. */
export const IDLE_RULE_FACT = 'idle_rule';

/** Shortest silence an idle rule may wait for: below this it would race the customer's typing. */
export const MIN_IDLE_MS = 10_000;

export interface IdleWhen {
  /** `when:` without `idle_for`, for the ordinary condition compiler. */
  when: unknown;
  /** The silence to wait for, in ms; undefined when the rule is not an idle rule. */
  idleFor?: number;
  /** The test that ties a timer's item to this rule. */
  leaf?: LeafCondition;
}

/** Lifts `idle_for` out of a rule's `when:` and checks that it goes with `kind: idle`. */
export function compileIdleWhen(
  ctx: CompileContext,
  ruleName: string,
  when: unknown,
  path: YamlPath,
): IdleWhen {
  if (!isRecord(when)) return { when };
  const kind = when.kind;
  const isIdle = kind === 'idle';
  const mentionsIdle = isIdle || (Array.isArray(kind) && kind.includes('idle'));
  if (!('idle_for' in when)) {
    if (mentionsIdle)
      ctx.error(
        [...path, 'kind'],
        `rule "${ruleName}" is an idle rule: add idle_for: with how long the customer has been silent, e.g. idle_for: 5m`,
      );
    return { when };
  }
  const { idle_for: raw, ...rest } = when;
  const at = [...path, 'idle_for'];
  if (!isIdle) {
    ctx.error(
      at,
      mentionsIdle
        ? 'idle_for needs kind: idle on its own (an idle rule fires on silence, not on messages)'
        : 'idle_for goes with kind: idle, e.g. when: { kind: idle, idle_for: 5m }',
      { key: true },
    );
    return { when: rest };
  }
  const ms = typeof raw === 'string' ? parseDuration(raw) : undefined;
  if (ms === undefined) {
    ctx.error(
      at,
      `idle_for is a duration such as 90s, 5m, 2h or 1h30m (got ${describeValue(raw)})${typeof raw === 'number' ? '; add the unit' : ''}`,
    );
    return { when: rest };
  }
  if (ms < MIN_IDLE_MS || ms >= SEND_WINDOW_MS) {
    ctx.error(
      at,
      `idle_for must be at least ${MIN_IDLE_MS / 1000}s and under 48h (WeCom ends a session 48 h after the customer's last message); got ${raw}`,
    );
    return { when: rest };
  }
  return {
    when: rest,
    idleFor: ms,
    leaf: {
      fact: IDLE_RULE_FACT,
      op: 'equals',
      value: ruleName,
      label: `silent for ${showDuration(ms)}`,
      at: ctx.at(at),
    },
  };
}
