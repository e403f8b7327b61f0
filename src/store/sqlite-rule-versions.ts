/** The published rule versions (rule-version-log.ts) in the SQLite store: one row per version. */
import type Database from 'better-sqlite3';
import {
  decodeRuleVersion,
  encodeRuleVersion,
  type NewRuleVersion,
  type RuleVersion,
  type RuleVersionLog,
  type RuleVersionSummary,
  versionToTrim,
} from './rule-version-log.ts';

export const RULE_VERSIONS_SCHEMA = `
CREATE TABLE rule_versions (
  version INTEGER PRIMARY KEY,
  at INTEGER NOT NULL,
  by TEXT NOT NULL,
  message TEXT NOT NULL,
  changed INTEGER NOT NULL,
  record TEXT NOT NULL
);`;

interface SummaryRow {
  version: number;
  at: number;
  by: string;
  message: string;
  changed: number;
}

export class SqliteRuleVersions implements RuleVersionLog {
  readonly #db: Database.Database;
  readonly #latest;
  readonly #insert;
  readonly #get;
  readonly #list;
  readonly #trim;

  constructor(db: Database.Database) {
    this.#db = db;
    this.#latest = db.prepare('SELECT COALESCE(MAX(version), 0) AS v FROM rule_versions');
    this.#insert = db.prepare(
      'INSERT INTO rule_versions (version, at, by, message, changed, record) VALUES (?, ?, ?, ?, ?, ?)',
    );
    this.#get = db.prepare('SELECT record FROM rule_versions WHERE version = ?');
    this.#trim = db.prepare(
      "UPDATE rule_versions SET record = json_set(record, '$.files', json('null')) WHERE version = ?",
    );
    this.#list = db.prepare(
      'SELECT version, at, by, message, changed FROM rule_versions ORDER BY version DESC LIMIT ?',
    );
  }

  async publishRuleVersion(base: number, v: NewRuleVersion): Promise<number | undefined> {
    // Immediate: the check and the insert hold the write lock together, across processes too.
    return this.#db
      .transaction(() => {
        const latest = (this.#latest.get() as { v: number }).v;
        if (latest !== base) return undefined;
        const version = latest + 1;
        const record: RuleVersion = { ...v, version };
        this.#insert.run(version, v.at, v.by, v.message, v.changed, encodeRuleVersion(record));
        const trim = versionToTrim(version);
        if (trim !== undefined) this.#trim.run(trim);
        return version;
      })
      .immediate();
  }

  async latestRuleVersion(): Promise<number> {
    return (this.#latest.get() as { v: number }).v;
  }

  async ruleVersion(version: number): Promise<RuleVersion | undefined> {
    const row = this.#get.get(version) as { record: string } | undefined;
    return row ? decodeRuleVersion(row.record) : undefined;
  }

  async listRuleVersions(limit: number): Promise<RuleVersionSummary[]> {
    return (this.#list.all(limit) as SummaryRow[]).map((r) => ({ ...r }));
  }
}
