import { CONFIG_KEYS } from '../config/config.ts';
import { Settings } from '../config/settings.ts';
import type { CommandIo } from './command.ts';

/**
 * Where the rules are: an explicit path, else KFBOT_RULES from the environment or `.env`, else
 * ./rules (the documented default) — the same order `serve` reads them in.
 */
export function rulesTarget(explicit: string | undefined, io: Pick<CommandIo, 'env' | 'cwd'>): string {
  if (explicit !== undefined) return explicit;
  return new Settings(io).get(CONFIG_KEYS.rules).value;
}
