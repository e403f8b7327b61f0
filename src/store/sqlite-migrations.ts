/**
 * The SQLite store's schema, as ordered migrations. `PRAGMA user_version` holds the version a file
 * is at; at start the missing steps run in one immediate transaction (all or nothing, and no other
 * process migrates at the same time), and a file from a newer kfbot is refused. Adding a table is
 * one entry at the end of SQLITE_MIGRATIONS.
 */

import type Database from 'better-sqlite3';
import { ACTIVITY_SCHEMA } from './sqlite-activity.ts';
import { DAILY_ACTIVITY_SCHEMA } from './sqlite-activity-daily.ts';
import { HOURLY_ACTIVITY_SCHEMA } from './sqlite-activity-hourly.ts';
import { ACTIVITY_INDEXES_SCHEMA } from './sqlite-activity-indexes.ts';
import { PARTLY_DELIVERED_SCHEMA } from './sqlite-activity-partly.ts';
import { DRAFTS_SCHEMA } from './sqlite-drafts.ts';
import { EMBEDDINGS_SCHEMA } from './sqlite-embeddings.ts';
import { IDLE_DUE_SCHEMA } from './sqlite-idle-timers.ts';
import { MEDIA_FILE_COLUMNS } from './sqlite-media.ts';
import { RULE_VERSIONS_SCHEMA } from './sqlite-rule-versions.ts';
import { SESSION_ENTRIES_SCHEMA } from './sqlite-sessions.ts';
import { SIGNED_OUT_SESSIONS_SCHEMA } from './sqlite-signed-out-sessions.ts';
import { UNANSWERED_CHOSEN_COLUMN, UNANSWERED_SCHEMA } from './sqlite-unanswered.ts';
import { latestVersion, type Migration, NewerStoreError } from './store-version.ts';

export const SQLITE_MIGRATIONS: readonly Migration<Database.Database>[] = [
  {
    version: 1,
    // IF NOT EXISTS: a file created before versioning (user_version 0) has exactly these tables.
    name: 'the tables of kfbot 0.1: pull requests, cursors, messages, sends, conversations, tokens, media',
    up: (db) => {
      db.exec(`
CREATE TABLE IF NOT EXISTS pull_requests (
  open_kfid TEXT PRIMARY KEY,
  token TEXT,
  token_at INTEGER,
  seq INTEGER NOT NULL,
  done_seq INTEGER NOT NULL DEFAULT 0
);
CREATE TABLE IF NOT EXISTS cursors (open_kfid TEXT PRIMARY KEY, cursor TEXT NOT NULL, updated_at INTEGER NOT NULL);
CREATE TABLE IF NOT EXISTS messages (
  msgid TEXT PRIMARY KEY,
  open_kfid TEXT NOT NULL,
  external_userid TEXT NOT NULL,
  status TEXT NOT NULL,
  plan TEXT,
  note TEXT,
  created_at INTEGER NOT NULL
);
CREATE INDEX IF NOT EXISTS messages_created ON messages (created_at);
CREATE TABLE IF NOT EXISTS sends (
  key TEXT PRIMARY KEY,
  inbound_msgid TEXT NOT NULL,
  open_kfid TEXT NOT NULL,
  external_userid TEXT NOT NULL,
  api TEXT NOT NULL,
  rule TEXT NOT NULL,
  status TEXT NOT NULL,
  attempts INTEGER NOT NULL,
  errcode INTEGER,
  response TEXT,
  updated_at INTEGER NOT NULL
);
CREATE INDEX IF NOT EXISTS sends_updated ON sends (updated_at);
CREATE TABLE IF NOT EXISTS conversations (
  open_kfid TEXT NOT NULL,
  external_userid TEXT NOT NULL,
  value TEXT NOT NULL,
  PRIMARY KEY (open_kfid, external_userid)
);
CREATE TABLE IF NOT EXISTS tokens (key TEXT PRIMARY KEY, token TEXT NOT NULL, expires_at INTEGER NOT NULL);
CREATE TABLE IF NOT EXISTS media (key TEXT PRIMARY KEY, media_id TEXT NOT NULL, created_at INTEGER NOT NULL);
`);
    },
  },
  {
    version: 2,
    name: 'kept_aside: stored records kfbot could not read, with their key and why',
    up: (db) => {
      db.exec(`
CREATE TABLE kept_aside (
  key TEXT NOT NULL,
  value TEXT NOT NULL,
  reason TEXT NOT NULL,
  at INTEGER NOT NULL
);`);
    },
  },
  {
    version: 3,
    name: 'unanswered: customer questions no rule answered, for the rule author',
    up: (db) => {
      db.exec(UNANSWERED_SCHEMA);
    },
  },
  {
    version: 4,
    name: "idle_due: when each customer's next idle rule is due (durable idle timers)",
    up: (db) => {
      db.exec(IDLE_DUE_SCHEMA);
    },
  },
  {
    version: 5,
    name: 'activity: rule outcomes and unmatched messages per day, satisfaction scores, session ends',
    up: (db) => {
      db.exec(ACTIVITY_SCHEMA);
    },
  },
  {
    version: 6,
    name: 'unanswered.chosen: the items customers clicked in the 猜你想问 menu sent for a text',
    up: (db) => {
      db.exec(UNANSWERED_CHOSEN_COLUMN);
    },
  },
  {
    version: 7,
    name: "session_entries: each customer session's messages with the rule that answered them",
    up: (db) => {
      db.exec(SESSION_ENTRIES_SCHEMA);
    },
  },
  {
    version: 8,
    name: 'embeddings: the FAQ question vectors of a semantic provider, by provider, model and text',
    up: (db) => {
      db.exec(EMBEDDINGS_SCHEMA);
    },
  },
  {
    version: 9,
    name: 'rule_versions: every published rule set (who, when, message, diff, files) for rollback and replicas',
    up: (db) => {
      db.exec(RULE_VERSIONS_SCHEMA);
    },
  },
  {
    version: 10,
    name: 'activity covering indexes: the overview and reports read 90 days from one index each',
    up: (db) => {
      db.exec(ACTIVITY_INDEXES_SCHEMA);
    },
  },
  {
    version: 11,
    name: "console_drafts: each console session's unpublished draft, so it survives restarts and replicas",
    up: (db) => {
      db.exec(DRAFTS_SCHEMA);
    },
  },
  {
    version: 12,
    name: 'activity counts per UTC hour, so reports and the console show settings.timezone days (old days filed at 12:00 UTC)',
    up: (db) => {
      db.exec(HOURLY_ACTIVITY_SCHEMA);
    },
  },
  {
    version: 13,
    name: 'console_signed_out: console sessions signed out on any replica, until their cookies expire',
    up: (db) => {
      db.exec(SIGNED_OUT_SESSIONS_SCHEMA);
    },
  },
  {
    version: 14,
    name: "activity counts: one row per UTC day holding its 24 hours' counts, so a 90-day read is per-day rows",
    up: (db) => {
      db.exec(DAILY_ACTIVITY_SCHEMA);
    },
  },
  {
    version: 15,
    name: 'media.file_path, file_type: the file each media id came from, so a refused id (40007) is uploaded again after a restart too',
    up: (db) => {
      db.exec(MEDIA_FILE_COLUMNS);
    },
  },
  {
    version: 16,
    name: 'partly_delivered: replies a rule delivered in part (a long text cut short), with the parts sent of the parts they had',
    up: (db) => {
      db.exec(PARTLY_DELIVERED_SCHEMA);
    },
  },
];

export const SQLITE_SCHEMA_VERSION = latestVersion(SQLITE_MIGRATIONS);

/** Brings `db` to the latest version; returns the versions before and after. */
export function migrateSqlite(db: Database.Database, name: string): { from: number; to: number } {
  return db
    .transaction(() => {
      const from = db.pragma('user_version', { simple: true }) as number;
      if (from > SQLITE_SCHEMA_VERSION) throw new NewerStoreError(name, from, SQLITE_SCHEMA_VERSION);
      for (const m of SQLITE_MIGRATIONS.slice(from)) {
        m.up(db);
        // Inside the transaction: the version moves with the step, or neither happens.
        db.pragma(`user_version = ${m.version}`);
      }
      return { from, to: SQLITE_SCHEMA_VERSION };
    })
    .immediate();
}
