/**
 * Every published rule set, kept in the store: who published it (the console user, or `import`),
 * when, a message, the YAML diff against the version before, and the whole set of files. On one
 * machine it is the history behind rollback; with Redis it is also where replicas read the rule set
 * they run (runtime/rules-sync.ts). Publishing is a compare-and-set on the latest version number,
 * so two publishes begun from the same version cannot both land.
 */

export interface RuleVersionSummary {
  /** 1, 2, 3, … in publish order. */
  version: number;
  at: number;
  by: string;
  message: string;
  /** How many files the version changed. */
  changed: number;
}

export interface RuleVersion extends RuleVersionSummary {
  /** Unified diff against the version before (or the files found on disk). */
  diff: string;
  /**
   * Every rule and test file, by path relative to the rules folder; null for a version older than
   * the newest RULE_VERSIONS_KEPT_WHOLE (its who, when, message and diff are kept, its files let go).
   */
  files: Record<string, string> | null;
}

export type NewRuleVersion = Omit<RuleVersion, 'version' | 'files'> & { files: Record<string, string> };

/**
 * How many of the newest versions keep their whole files (for rollback and export). Older ones
 * keep their history line and diff only, so a store does not grow by a whole rule set per publish
 * forever. Version 1 is always kept whole: it is the files found on disk at the first publish, how
 * a replica recognises a folder the store may write to (runtime/rules-sync.ts).
 */
export const RULE_VERSIONS_KEPT_WHOLE = 100;

/** Why a version's files cannot be had (rollback, export). */
export function filesLetGo(version: number): string {
  return `version ${version} is older than the newest ${RULE_VERSIONS_KEPT_WHOLE} published versions, whose files kfbot keeps: its history and diff are kept (kfbot rules versions), not its files; restore it from git or a backup`;
}

/** filesLetGo's Chinese, for the console (its English follows it there). */
export function filesLetGoZh(version: number): string {
  return `版本 ${version} 早于最近的 ${RULE_VERSIONS_KEPT_WHOLE} 个发布版本，kfbot 只保留这些版本的文件：它的记录和差异还在（kfbot rules versions），文件已不在，无法回滚；请从 git 或备份恢复`;
}

/** The version whose files a publish of `version` lets go, if any. */
export function versionToTrim(version: number): number | undefined {
  const n = version - RULE_VERSIONS_KEPT_WHOLE;
  return n > 1 ? n : undefined;
}

export interface RuleVersionLog {
  /**
   * Records `v` as the version after `base`; returns its number, or undefined when the latest
   * version is no longer `base` (someone published meanwhile: nothing is written).
   */
  publishRuleVersion(base: number, v: NewRuleVersion): Promise<number | undefined>;
  /** The latest version number, 0 when nothing was published. */
  latestRuleVersion(): Promise<number>;
  ruleVersion(version: number): Promise<RuleVersion | undefined>;
  /** The newest `limit` versions, newest first, without their files. */
  listRuleVersions(limit: number): Promise<RuleVersionSummary[]>;
}

/** The stored form's format version: a record another format wrote is refused, not misread. */
export const RULE_VERSION_FORMAT = 1;

export function encodeRuleVersion(v: RuleVersion): string {
  return JSON.stringify({ format: RULE_VERSION_FORMAT, ...v });
}

/** Reads a stored version; throws with what is wrong rather than returning a half-read record. */
export function decodeRuleVersion(text: string): RuleVersion {
  const raw = JSON.parse(text) as Record<string, unknown>;
  if (raw.format !== RULE_VERSION_FORMAT)
    throw new Error(
      `rule version record of format ${String(raw.format)}; this kfbot reads format ${RULE_VERSION_FORMAT}`,
    );
  const files = raw.files as Record<string, unknown>;
  const ok =
    typeof raw.version === 'number' &&
    typeof raw.at === 'number' &&
    typeof raw.by === 'string' &&
    typeof raw.message === 'string' &&
    typeof raw.changed === 'number' &&
    typeof raw.diff === 'string' &&
    (files === null ||
      (typeof files === 'object' && Object.values(files).every((t) => typeof t === 'string')));
  if (!ok) throw new Error('rule version record is incomplete');
  return {
    version: raw.version as number,
    at: raw.at as number,
    by: raw.by as string,
    message: raw.message as string,
    changed: raw.changed as number,
    diff: raw.diff as string,
    files: files as Record<string, string> | null,
  };
}
