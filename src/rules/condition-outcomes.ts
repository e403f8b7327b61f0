/**
 * A rule's conditions as `kfbot simulate`, `kfbot chat` and the sandbox show them: json-rules-engine's
 * result for a rule, flattened to one labelled outcome per condition as written (a `not` flips it),
 * with the value each fact had. The FAQ's clarifying menu lists its own (faq-step.ts).
 */
import type { RuleResult } from 'json-rules-engine';

export interface ConditionOutcome {
  label: string;
  /** undefined when the engine did not need to evaluate it. */
  result: boolean | undefined;
  factValue: unknown;
}

interface EngineConditionResult {
  name?: string;
  fact?: string;
  result?: boolean;
  factResult?: unknown;
  all?: EngineConditionResult[];
  any?: EngineConditionResult[];
  not?: EngineConditionResult;
}

const localTime = new Map<string, Intl.DateTimeFormat>();

/** "2026-11-26 Thu 10:00 Asia/Shanghai": how explain shows the `time` fact. */
function showTime(ms: number, timezone: string): string {
  let fmt = localTime.get(timezone);
  if (!fmt) {
    fmt = new Intl.DateTimeFormat('en-CA', {
      timeZone: timezone,
      year: 'numeric',
      month: '2-digit',
      day: '2-digit',
      weekday: 'short',
      hour: '2-digit',
      minute: '2-digit',
      hourCycle: 'h23',
    });
    localTime.set(timezone, fmt);
  }
  const p = Object.fromEntries(fmt.formatToParts(ms).map((x) => [x.type, x.value]));
  return `${p.year}-${p.month}-${p.day} ${p.weekday} ${p.hour}:${p.minute} ${timezone}`;
}

/** The leaf conditions of a rule the engine ran, labelled as written, with what each fact was. */
export function conditionOutcomes(result: RuleResult, timezone: string): ConditionOutcome[] {
  const out: ConditionOutcome[] = [];
  const walk = (c: EngineConditionResult | undefined, negated: boolean) => {
    if (!c) return;
    if (c.all) for (const x of c.all) walk(x, negated);
    else if (c.any) for (const x of c.any) walk(x, negated);
    else if (c.not) walk(c.not, !negated);
    else
      out.push({
        label: negated ? `not (${c.name ?? '?'})` : (c.name ?? '?'),
        result: c.result === undefined ? undefined : c.result !== negated,
        factValue:
          c.fact === 'now' && typeof c.factResult === 'number'
            ? showTime(c.factResult, timezone)
            : c.factResult,
      });
  };
  walk(result.conditions as unknown as EngineConditionResult, false);
  return out;
}
