/** What every part of the rule compiler shares: the document being read and the problem list. */
import { type CallSettings, defaultCallSettings } from './call-model.ts';
import { didYouMean } from './did-you-mean.ts';
import type { RuleProblem, SourcePosition } from './problems.ts';
import type { RuleDocument, YamlPath } from './rule-source.ts';
import type { Schedule } from './schedule.ts';

export class CompileContext {
  constructor(
    readonly doc: RuleDocument,
    readonly problems: RuleProblem[],
    readonly schedules: ReadonlyMap<string, Schedule>,
    readonly timezone: string,
    /** Every menu name in the rule files, for `last_menu` conditions. */
    readonly menuNames: ReadonlySet<string> = new Set(),
    /** settings.calls, for the hosts a `call:` may reach and its default timeout. */
    readonly calls: CallSettings = defaultCallSettings(),
  ) {}

  at(path: YamlPath, key = false): SourcePosition {
    return this.doc.at(path, { key });
  }

  error(path: YamlPath, message: string, opts: { key?: boolean } = {}): void {
    this.problems.push({ ...this.at(path, opts.key ?? false), severity: 'error', message });
  }

  warn(path: YamlPath, message: string, opts: { key?: boolean } = {}): void {
    this.problems.push({ ...this.at(path, opts.key ?? false), severity: 'warning', message });
  }

  /** Reports keys of `obj` outside `allowed` (a typo must not silently do nothing). */
  unknownKeys(obj: Record<string, unknown>, allowed: readonly string[], path: YamlPath, what: string): void {
    for (const key of Object.keys(obj)) {
      if (!allowed.includes(key)) {
        this.error(
          [...path, key],
          `unknown key "${key}" in ${what}${didYouMean(key, allowed)}; allowed: ${allowed.join(', ')}`,
          { key: true },
        );
      }
    }
  }
}

export function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

export function describeValue(value: unknown): string {
  if (value === null || value === undefined) return 'nothing';
  if (Array.isArray(value)) return 'a list';
  if (typeof value === 'object') return 'a mapping';
  return `${typeof value} ${JSON.stringify(value)}`;
}
