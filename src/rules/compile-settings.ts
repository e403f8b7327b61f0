/**
 * The one `settings:` block of a rule set → its timezone, schedules, holidays, FAQ and call
 * settings, each problem at its file:line:column. Only one file may have it.
 *
 *   settings: { timezone: Asia/Shanghai, holidays: [...], schedules: { business_hours: {...} } }
 */
import { type CallSettings, defaultCallSettings } from './call-model.ts';
import { readCallSettings } from './compile-call.ts';
import { CompileContext, isRecord } from './compile-context.ts';
import { defaultFaqSettings, type FaqSettings, readFaqSettings } from './compile-faq.ts';
import type { RuleProblem } from './problems.ts';
import type { RuleDocument, YamlPath } from './rule-source.ts';
import { DEFAULT_TIMEZONE, parseSchedule, type Schedule } from './schedule.ts';

const SETTINGS_KEYS = ['timezone', 'holidays', 'workdays', 'schedules', 'faq', 'calls'];

export interface SettingsResult {
  timezone: string;
  schedules: Map<string, Schedule>;
  holidays: Set<string>;
  faq: FaqSettings;
  calls: CallSettings;
}

export function readSettings(docs: RuleDocument[], problems: RuleProblem[]): SettingsResult {
  const out: SettingsResult = {
    timezone: DEFAULT_TIMEZONE,
    schedules: new Map(),
    holidays: new Set(),
    faq: defaultFaqSettings(),
    calls: defaultCallSettings(),
  };
  const withSettings = docs.filter((d) => isRecord(d.data) && d.data.settings !== undefined);
  for (const [i, doc] of withSettings.entries()) {
    const ctx = new CompileContext(doc, problems, out.schedules, out.timezone);
    if (i > 0) {
      const first = withSettings[0] as RuleDocument;
      ctx.error(['settings'], `settings: may appear in one file only (already in ${first.file})`, {
        key: true,
      });
      continue;
    }
    const s = (doc.data as Record<string, unknown>).settings;
    if (!isRecord(s)) {
      ctx.error(['settings'], 'settings: is a mapping');
      continue;
    }
    ctx.unknownKeys(s, SETTINGS_KEYS, ['settings'], 'settings');
    if (s.faq !== undefined) out.faq = readFaqSettings(ctx, s.faq, ['settings', 'faq']);
    if (s.calls !== undefined) out.calls = readCallSettings(ctx, s.calls, ['settings', 'calls']);
    if (s.timezone !== undefined) {
      if (typeof s.timezone === 'string') out.timezone = s.timezone;
      else ctx.error(['settings', 'timezone'], 'timezone is an IANA name such as Asia/Shanghai');
    }
    const dates = (key: 'holidays' | 'workdays'): string[] => {
      const v = s[key];
      if (v === undefined) return [];
      if (Array.isArray(v))
        return v.map((d) => (d instanceof Date ? d.toISOString().slice(0, 10) : String(d)));
      ctx.error(['settings', key], `${key} is a list of dates like 2026-10-01`);
      return [];
    };
    const holidays = dates('holidays');
    const workdays = dates('workdays');
    for (const d of holidays) out.holidays.add(d);
    if (s.schedules === undefined) {
      // Still check the timezone name: conditions like time: { between } use it.
      const check = parseSchedule({ timezone: out.timezone, hours: {}, holidays, workdays });
      if ('problems' in check)
        for (const p of check.problems) ctx.error(scheduleProblemPath([], p.yamlPath), p.message);
      continue;
    }
    if (!isRecord(s.schedules)) {
      ctx.error(
        ['settings', 'schedules'],
        'schedules: maps a name to opening hours, e.g. business_hours: { mon-fri: 09:00-18:00 }',
      );
      continue;
    }
    for (const [name, hours] of Object.entries(s.schedules)) {
      const at = ['settings', 'schedules', name];
      if (!isRecord(hours)) {
        ctx.error(at, `schedule "${name}" maps days to hours, e.g. { mon-fri: 09:00-18:00, sat: closed }`);
        continue;
      }
      const parsed = parseSchedule({
        timezone: out.timezone,
        hours: hours as Record<string, string | string[]>,
        holidays,
        workdays,
      });
      if ('problems' in parsed) {
        for (const p of parsed.problems)
          ctx.error(scheduleProblemPath(at, p.yamlPath), `schedule "${name}": ${p.message}`);
      } else {
        out.schedules.set(name, parsed.schedule);
      }
    }
  }
  return out;
}

/** Maps a schedule problem's path (relative to parseSchedule's input) onto the YAML. */
function scheduleProblemPath(schedulePath: YamlPath, problemPath: readonly (string | number)[]): YamlPath {
  const [head, ...rest] = problemPath;
  if (head === 'hours') return [...schedulePath, ...rest];
  if (head === 'holidays' || head === 'workdays' || head === 'timezone') return ['settings', head, ...rest];
  return schedulePath;
}
