/**
 * Which timezone's days a report shows: --timezone if given, else the rules' settings.timezone
 * (the rules `serve` would load: KFBOT_RULES or ./rules), so `kfbot report` and the console show
 * the same days; Asia/Shanghai (settings.timezone's default) when there are no rules to read.
 */
import { existsSync } from 'node:fs';
import { resolve } from 'node:path';
import { loadRules } from '../../rules/load-rules.ts';
import { DEFAULT_TIMEZONE } from '../../rules/schedule.ts';
import { isTimezone } from '../../store/activity-days.ts';
import { type CommandIo, UsageError } from '../command.ts';
import { rulesTarget } from '../rules-target.ts';

export function reportTimezone(
  flag: string | undefined,
  io: Pick<CommandIo, 'env' | 'cwd'>,
  notice: (line: string) => void,
): string {
  if (flag !== undefined) {
    if (!isTimezone(flag))
      throw new UsageError(`--timezone takes an IANA name such as Asia/Shanghai or UTC, not "${flag}"`);
    return flag;
  }
  const target = rulesTarget(undefined, io);
  if (!existsSync(resolve(io.cwd, target))) return DEFAULT_TIMEZONE;
  const loaded = loadRules(target, io.cwd);
  if (!loaded.ruleSet) {
    notice(
      `days in ${DEFAULT_TIMEZONE}: the rules in ${target} did not load, so their settings.timezone is unknown (kfbot validate ${target}; or pass --timezone)`,
    );
    return DEFAULT_TIMEZONE;
  }
  return loaded.ruleSet.settings.timezone;
}
