/**
 * The embedded store: one SQLite file (better-sqlite3) in WAL mode, multi-row changes in a
 * transaction, created with its folder on first start.
 *
 * `synchronous = NORMAL`: a committed write survives the process being killed (it is in the WAL,
 * in the operating system's hands); only a power cut or a kernel crash can lose the last
 * transactions. That costs no double reply: a lost record at worst makes kfbot pull and decide a
 * message again, and the send it repeats carries the same deterministic client msgid, which WeCom
 * refuses as a duplicate. `FULL` (an fsync per write) made SQLite writes 60 % of kfbot's CPU
 * profile for a guarantee the msgid already gives (see docs/performance.md).
 */
import { existsSync, mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import Database from 'better-sqlite3';
import type { CachedToken } from '../wecom/access-token.ts';
import type { ForgetReport } from './forget-customer.ts';
import type { CachedMedia } from './media-cache.ts';
import { LocalReplicaRegistry } from './replica-registry.ts';
import { SqliteActivity } from './sqlite-activity.ts';
import { SqliteDrafts } from './sqlite-drafts.ts';
import { SqliteEmbeddings } from './sqlite-embeddings.ts';
import { forgetInSqlite } from './sqlite-forget.ts';
import { SqliteIdleTimers } from './sqlite-idle-timers.ts';
import { SqliteMedia } from './sqlite-media.ts';
import { migrateSqlite, SQLITE_SCHEMA_VERSION } from './sqlite-migrations.ts';
import { SqliteReportWrites } from './sqlite-report-writes.ts';
import { SqliteRuleVersions } from './sqlite-rule-versions.ts';
import { SqliteSessions } from './sqlite-sessions.ts';
import { SqliteSignedOutSessions } from './sqlite-signed-out-sessions.ts';
import { SqliteUnanswered } from './sqlite-unanswered.ts';
import type {
  Conversation,
  KeptAsideRecord,
  MessageRecord,
  PullRequest,
  PullRequestLog,
  SendRecord,
  Store,
} from './store.ts';
import { checkReadable, NoStoreError } from './store-for-reading.ts';
import { decodeConversation, encodeConversation } from './stored-records.ts';

interface MessageRow {
  msgid: string;
  open_kfid: string;
  external_userid: string;
  status: MessageRecord['status'];
  plan: string | null;
  note: string | null;
  created_at: number;
}

interface SendRow {
  key: string;
  inbound_msgid: string;
  open_kfid: string;
  external_userid: string;
  api: string;
  rule: string;
  status: SendRecord['status'];
  attempts: number;
  errcode: number | null;
  response: string | null;
  updated_at: number;
}

interface PullRow {
  open_kfid: string;
  token: string | null;
  token_at: number | null;
  seq: number;
  done_seq: number;
}

function pullOf(row: PullRow): PullRequest {
  return {
    openKfId: row.open_kfid,
    seq: row.seq,
    doneSeq: row.done_seq,
    ...(row.token !== null && { token: row.token }),
    ...(row.token_at !== null && { tokenAt: row.token_at }),
  };
}

export class SqliteStore implements Store, PullRequestLog {
  readonly #db: Database.Database;
  readonly #stmt;
  /** The schema versions before and after this start's migrations. */
  readonly migrated: { from: number; to: number };
  readonly #unanswered: SqliteUnanswered;
  readonly #media: SqliteMedia;
  readonly #idle: SqliteIdleTimers;
  /** The activity and session logs' writes, one transaction per event-loop turn. */
  readonly #reports: SqliteReportWrites;
  /** The activity log (sqlite-activity.ts). */
  readonly activity: SqliteActivity;
  /** The session log (sqlite-sessions.ts). */
  readonly sessions: SqliteSessions;
  /** The FAQ's question embeddings (sqlite-embeddings.ts). */
  readonly embeddings: SqliteEmbeddings;
  /** Published rule versions (sqlite-rule-versions.ts). */
  readonly ruleVersions: SqliteRuleVersions;
  readonly drafts: SqliteDrafts;
  /** Live replicas: with SQLite, the kfbot in this process (replica-registry.ts). */
  readonly replicas = new LocalReplicaRegistry();
  /** Signed-out console sessions (sqlite-signed-out-sessions.ts). */
  readonly signedOut: SqliteSignedOutSessions;

  /**
   * `mode: 'read'` (reports): opens an existing file read-only and checks its version; a missing
   * file, one that is not a kfbot store, an older or a newer one are refused (store-for-reading.ts).
   */
  constructor(
    readonly path: string,
    opts: { mode?: 'migrate' | 'read' | 'change' } = {},
  ) {
    // 'change' (kfbot forget): like 'read' — never created, never migrated — but writable.
    const read = opts.mode === 'read' || opts.mode === 'change';
    if (read) {
      if (path === ':memory:' || !existsSync(path)) throw new NoStoreError(`sqlite:${path}`);
      this.#db = new Database(path, { readonly: opts.mode === 'read', fileMustExist: true });
    } else {
      if (path !== ':memory:') makeFolder(dirname(path));
      this.#db = new Database(path);
      this.#db.pragma('journal_mode = WAL');
      this.#db.pragma('synchronous = NORMAL');
    }
    this.#db.pragma('busy_timeout = 5000');
    // The activity reads group a range's hourly rows into days with a sort larger than SQLite's
    // default cache; kept in memory it is ~20 % faster than spilled to a temporary file (measured
    // alternating both on the bench's 90-day store: 167 vs 207 ms).
    this.#db.pragma('temp_store = MEMORY');
    try {
      this.migrated = read
        ? checkSqliteForReading(this.#db, `sqlite:${path}`)
        : migrateSqlite(this.#db, `sqlite:${path}`);
    } catch (err) {
      this.#db.close();
      throw err;
    }
    const db = this.#db;
    this.#unanswered = new SqliteUnanswered(db);
    this.#idle = new SqliteIdleTimers(db);
    this.#reports = new SqliteReportWrites(db);
    this.activity = new SqliteActivity(db, this.#reports);
    this.sessions = new SqliteSessions(db, this.#reports);
    this.embeddings = new SqliteEmbeddings(db);
    this.ruleVersions = new SqliteRuleVersions(db);
    this.drafts = new SqliteDrafts(db);
    this.signedOut = new SqliteSignedOutSessions(db);
    this.#media = new SqliteMedia(db);
    this.#stmt = {
      recordPull: db.prepare(
        `INSERT INTO pull_requests (open_kfid, token, token_at, seq) VALUES (?, ?, ?, 1)
         ON CONFLICT (open_kfid) DO UPDATE SET token = excluded.token, token_at = excluded.token_at, seq = seq + 1`,
      ),
      pending: db.prepare(
        'SELECT open_kfid, token, token_at, seq, done_seq FROM pull_requests WHERE seq > done_seq',
      ),
      pull: db.prepare(
        'SELECT open_kfid, token, token_at, seq, done_seq FROM pull_requests WHERE open_kfid = ?',
      ),
      completePull: db.prepare('UPDATE pull_requests SET done_seq = MAX(done_seq, ?) WHERE open_kfid = ?'),
      getCursor: db.prepare('SELECT cursor FROM cursors WHERE open_kfid = ?'),
      setCursor: db.prepare(
        `INSERT INTO cursors (open_kfid, cursor, updated_at) VALUES (?, ?, ?)
         ON CONFLICT (open_kfid) DO UPDATE SET cursor = excluded.cursor, updated_at = excluded.updated_at`,
      ),
      getMessage: db.prepare('SELECT * FROM messages WHERE msgid = ?'),
      insertMessage: db.prepare(
        `INSERT OR IGNORE INTO messages (msgid, open_kfid, external_userid, status, plan, note, created_at)
         VALUES (@msgid, @open_kfid, @external_userid, @status, @plan, @note, @created_at)`,
      ),
      finishMessage: db.prepare('UPDATE messages SET status = ?, note = COALESCE(?, note) WHERE msgid = ?'),
      replanMessage: db.prepare("UPDATE messages SET plan = ? WHERE msgid = ? AND status = 'planned'"),
      getSend: db.prepare('SELECT * FROM sends WHERE key = ?'),
      putSend: db.prepare(
        `INSERT INTO sends (key, inbound_msgid, open_kfid, external_userid, api, rule, status, attempts, errcode, response, updated_at)
         VALUES (@key, @inbound_msgid, @open_kfid, @external_userid, @api, @rule, @status, @attempts, @errcode, @response, @updated_at)
         ON CONFLICT (key) DO UPDATE SET status = excluded.status, attempts = excluded.attempts, errcode = excluded.errcode,
           response = excluded.response, updated_at = excluded.updated_at`,
      ),
      getConversation: db.prepare(
        'SELECT value FROM conversations WHERE open_kfid = ? AND external_userid = ?',
      ),
      putConversation: db.prepare(
        `INSERT INTO conversations (open_kfid, external_userid, value) VALUES (?, ?, ?)
         ON CONFLICT (open_kfid, external_userid) DO UPDATE SET value = excluded.value`,
      ),
      getToken: db.prepare('SELECT token, expires_at FROM tokens WHERE key = ?'),
      setToken: db.prepare(
        `INSERT INTO tokens (key, token, expires_at) VALUES (?, ?, ?)
         ON CONFLICT (key) DO UPDATE SET token = excluded.token, expires_at = excluded.expires_at`,
      ),
      deleteToken: db.prepare('DELETE FROM tokens WHERE key = ? AND token = ?'),
      purgeMessages: db.prepare("DELETE FROM messages WHERE created_at < ? AND status != 'planned'"),
      purgeSends: db.prepare("DELETE FROM sends WHERE updated_at < ? AND status != 'attempting'"),
      ping: db.prepare('SELECT 1 AS ok'),
      keepAside: db.prepare('INSERT INTO kept_aside (key, value, reason, at) VALUES (?, ?, ?, ?)'),
      keptAside: db.prepare('SELECT key, value, reason, at FROM kept_aside ORDER BY rowid'),
    };
  }

  async recordPullRequest(openKfId: string, token: string, at: number): Promise<void> {
    this.#stmt.recordPull.run(openKfId, token, at);
  }

  async pendingPulls(): Promise<PullRequest[]> {
    return (this.#stmt.pending.all() as PullRow[]).map(pullOf);
  }

  async pullRequest(openKfId: string): Promise<PullRequest | undefined> {
    const row = this.#stmt.pull.get(openKfId) as PullRow | undefined;
    return row && pullOf(row);
  }

  async completePull(openKfId: string, seq: number): Promise<void> {
    this.#stmt.completePull.run(seq, openKfId);
  }

  async getCursor(openKfId: string): Promise<string | undefined> {
    return (this.#stmt.getCursor.get(openKfId) as { cursor: string } | undefined)?.cursor;
  }

  /** One process owns every account here, so there is no fence to check. */
  async setCursor(openKfId: string, cursor: string): Promise<void> {
    this.#stmt.setCursor.run(openKfId, cursor, Date.now());
  }

  async getMessage(msgid: string): Promise<MessageRecord | undefined> {
    const row = this.#stmt.getMessage.get(msgid) as MessageRow | undefined;
    if (!row) return undefined;
    return {
      msgid: row.msgid,
      openKfId: row.open_kfid,
      externalUserId: row.external_userid,
      status: row.status,
      createdAt: row.created_at,
      ...(row.plan !== null && { plan: row.plan }),
      ...(row.note !== null && { note: row.note }),
    };
  }

  async recordMessage(
    message: MessageRecord,
    conversation?: { openKfId: string; externalUserId: string; value: Conversation },
  ): Promise<boolean> {
    return this.#db.transaction(() => {
      const inserted = this.#stmt.insertMessage.run({
        msgid: message.msgid,
        open_kfid: message.openKfId,
        external_userid: message.externalUserId,
        status: message.status,
        plan: message.plan ?? null,
        note: message.note ?? null,
        created_at: message.createdAt,
      });
      if (inserted.changes === 0) return false;
      if (conversation)
        this.#writeConversation(conversation.openKfId, conversation.externalUserId, conversation.value);
      return true;
    })();
  }

  async replanMessage(
    msgid: string,
    plan: string,
    conversation?: { openKfId: string; externalUserId: string; value: Conversation },
  ): Promise<boolean> {
    return this.#db.transaction(() => {
      if (this.#stmt.replanMessage.run(plan, msgid).changes === 0) return false;
      if (conversation)
        this.#writeConversation(conversation.openKfId, conversation.externalUserId, conversation.value);
      return true;
    })();
  }

  async finishMessage(msgid: string, status: 'done' | 'skipped', note?: string): Promise<void> {
    this.#stmt.finishMessage.run(status, note ?? null, msgid);
  }

  async getSend(key: string): Promise<SendRecord | undefined> {
    const row = this.#stmt.getSend.get(key) as SendRow | undefined;
    if (!row) return undefined;
    return {
      key: row.key,
      inboundMsgid: row.inbound_msgid,
      openKfId: row.open_kfid,
      externalUserId: row.external_userid,
      api: row.api,
      rule: row.rule,
      status: row.status,
      attempts: row.attempts,
      updatedAt: row.updated_at,
      ...(row.errcode !== null && { errcode: row.errcode }),
      ...(row.response !== null && { response: row.response }),
    };
  }

  async putSend(r: SendRecord): Promise<void> {
    this.#stmt.putSend.run({
      key: r.key,
      inbound_msgid: r.inboundMsgid,
      open_kfid: r.openKfId,
      external_userid: r.externalUserId,
      api: r.api,
      rule: r.rule,
      status: r.status,
      attempts: r.attempts,
      errcode: r.errcode ?? null,
      response: r.response ?? null,
      updated_at: r.updatedAt,
    });
  }

  async getConversation(openKfId: string, externalUserId: string): Promise<Conversation | undefined> {
    const row = this.#stmt.getConversation.get(openKfId, externalUserId) as { value: string } | undefined;
    return row && decodeConversation(`conv:${openKfId}:${externalUserId}`, row.value);
  }

  async putConversation(openKfId: string, externalUserId: string, value: Conversation): Promise<void> {
    this.#db.transaction(() => this.#writeConversation(openKfId, externalUserId, value))();
  }

  /** The conversation and its idle timer: call inside a transaction. */
  #writeConversation(openKfId: string, externalUserId: string, value: Conversation): void {
    this.#stmt.putConversation.run(openKfId, externalUserId, encodeConversation(value));
    this.#idle.index(openKfId, externalUserId, value);
  }

  dueIdle(openKfId: string, now: number, limit: number) {
    return this.#idle.dueIdle(openKfId, now, limit);
  }

  claimDueIdleAccounts(now: number, holdMs: number) {
    return this.#idle.claimDueIdleAccounts(now, holdMs);
  }

  clearIdleDue(openKfId: string, externalUserId: string) {
    return this.#idle.clearIdleDue(openKfId, externalUserId);
  }

  nextIdleDue() {
    return this.#idle.nextIdleDue();
  }

  async keepAside(key: string, value: string, reason: string): Promise<void> {
    this.#stmt.keepAside.run(key, value, reason, Date.now());
  }

  async forgetCustomer(externalUserId: string): Promise<ForgetReport> {
    this.#reports.flush(); // a turn's pending session entries of this customer go too
    return forgetInSqlite(this.#db, externalUserId);
  }

  async keptAside(): Promise<KeptAsideRecord[]> {
    return this.#stmt.keptAside.all() as KeptAsideRecord[];
  }

  async getAccessToken(key: string): Promise<CachedToken | undefined> {
    const row = this.#stmt.getToken.get(key) as { token: string; expires_at: number } | undefined;
    return row && { token: row.token, expiresAt: row.expires_at };
  }

  async putAccessToken(key: string, value: CachedToken): Promise<void> {
    this.#stmt.setToken.run(key, value.token, value.expiresAt);
  }

  async deleteAccessTokenIfMatches(key: string, token: string): Promise<void> {
    this.#stmt.deleteToken.run(key, token);
  }

  // The media cache: see sqlite-media.ts.
  getMedia(key: string) {
    return this.#media.getMedia(key);
  }

  putMedia(key: string, media: CachedMedia) {
    return this.#media.putMedia(key, media);
  }

  findMedia(mediaId: string) {
    return this.#media.findMedia(mediaId);
  }

  async purge(before: number): Promise<{ messages: number; sends: number }> {
    return this.#db.transaction(() => ({
      messages: this.#stmt.purgeMessages.run(before).changes,
      sends: this.#stmt.purgeSends.run(before).changes,
    }))();
  }

  async ping(): Promise<void> {
    this.#stmt.ping.get();
  }

  recordUnanswered(...args: Parameters<SqliteUnanswered['recordUnanswered']>) {
    return this.#unanswered.recordUnanswered(...args);
  }

  listUnanswered(since: number, limit: number, openKfId?: string) {
    return this.#unanswered.listUnanswered(since, limit, openKfId);
  }

  recordChoice(...args: Parameters<SqliteUnanswered['recordChoice']>) {
    return this.#unanswered.recordChoice(...args);
  }

  purgeUnanswered(before: number) {
    return this.#unanswered.purgeUnanswered(before);
  }

  async close(): Promise<void> {
    if (!this.#db.open) return;
    this.#reports.flush();
    this.#db.close();
  }
}

/**
 * mkdir -p, one level at a time: Node's own recursive mkdir never returns under /proc (it retries
 * the ENOENT the kernel answers there), and a store path under /proc must be an error, not a hang.
 */
function makeFolder(dir: string): void {
  if (existsSync(dir)) return;
  const parent = dirname(dir);
  if (parent !== dir) makeFolder(parent);
  mkdirSync(dir);
}

/** The version of a file opened to read, checked (store-for-reading.ts); nothing is migrated. */
function checkSqliteForReading(db: Database.Database, name: string): { from: number; to: number } {
  const version = db.pragma('user_version', { simple: true }) as number;
  const tables = (
    db.prepare("SELECT count(*) AS n FROM sqlite_master WHERE type = 'table'").get() as { n: number }
  ).n;
  checkReadable(name, version, SQLITE_SCHEMA_VERSION, tables === 0);
  return { from: version, to: version };
}
