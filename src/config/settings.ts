/**
 * Where every command reads a setting from, in the order the README promises: a flag, then the
 * environment, then a `.env` file in the working directory, then the default. `serve`, `chat`,
 * `validate`, `test`, `simulate` and `report` all read through this one class, so a `.env` that
 * says `KFBOT_RULES=./other` or `KFBOT_STORE=redis://…` means the same to each of them.
 *
 * An empty value (`KFBOT_CONCURRENCY=` in `.env`, as `.env.example` invites) counts as not set:
 * the next source or the default applies, instead of refusing to start.
 */
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseEnv } from 'node:util';

/** The part of a configuration key this needs (config.ts's ConfigKey). */
export interface SettingKey {
  env: string;
  flag?: string;
  default?: string;
}

export type SettingSource = 'flag' | 'environment' | '.env' | 'default';

export interface Setting {
  /** Trimmed; '' when no source has it and it has no default. */
  value: string;
  from: SettingSource;
}

/** Reads `.env` from `cwd` if there is one; a malformed file is a problem, not a crash. */
export function readDotEnv(cwd: string): { values: Record<string, string>; problem?: string } {
  const file = join(cwd, '.env');
  if (!existsSync(file)) return { values: {} };
  try {
    return { values: parseEnv(readFileSync(file, 'utf8')) as Record<string, string> };
  } catch (err) {
    return { values: {}, problem: `.env could not be read: ${(err as Error).message}` };
  }
}

export class Settings {
  readonly #env: NodeJS.ProcessEnv;
  readonly #flags: Partial<Record<string, string | undefined>>;
  readonly #dot: Record<string, string>;
  /** Why `.env` could not be read, if it could not. */
  readonly dotEnvProblem: string | undefined;

  constructor(input: {
    env: NodeJS.ProcessEnv;
    cwd: string;
    flags?: Partial<Record<string, string | undefined>>;
  }) {
    this.#env = input.env;
    this.#flags = input.flags ?? {};
    const dot = readDotEnv(input.cwd);
    this.#dot = dot.values;
    this.dotEnvProblem = dot.problem;
  }

  get(key: SettingKey): Setting {
    const flag = key.flag === undefined ? undefined : this.#flags[key.flag];
    // A flag given empty is a mistake to report, not a reason to look elsewhere.
    if (flag !== undefined) return { value: flag.trim(), from: 'flag' };
    const env = this.#env[key.env]?.trim();
    if (env) return { value: env, from: 'environment' };
    const dot = this.#dot[key.env]?.trim();
    if (dot) return { value: dot, from: '.env' };
    return { value: key.default ?? '', from: 'default' };
  }

  /** A variable that is not a configuration key (NODE_ENV, the credentials): environment, then `.env`. */
  variable(name: string): string | undefined {
    return this.#env[name]?.trim() || this.#dot[name]?.trim() || undefined;
  }

  /** How a message names the setting: `--port` when the flag gave it, else `KFBOT_PORT`. */
  static nameOf(key: SettingKey, setting: Setting): string {
    return setting.from === 'flag' && key.flag !== undefined ? `--${key.flag}` : key.env;
  }
}
