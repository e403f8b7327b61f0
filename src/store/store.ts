/**
 * Everything kfbot must remember to answer each customer message exactly once, behind one narrow
 * interface (BullMQ-style: only the operations kfbot uses). SQLite is the embedded default; a
 * Redis store implements the same interface for several replicas, and one contract suite
 * (test/store/store-contract.ts) runs against every implementation.
 */

import type { Conversation } from '../conversation/conversation.ts';
import type { TokenStore } from '../wecom/access-token.ts';

export type { Conversation };

import type { EmbeddingCache } from '../semantic/embedding-cache.ts';
import type { ActivityLog } from './activity-log.ts';
import type { DraftBook } from './draft-book.ts';
import type { CustomerEraser } from './forget-customer.ts';
import type { IdleTimerIndex } from './idle-timer-index.ts';
import type { MediaCache } from './media-cache.ts';
import type { Fence } from './pull-work.ts';
import type { ReplicaRegistry } from './replica-registry.ts';
import type { RuleVersionLog } from './rule-version-log.ts';
import type { SessionLog } from './session-log.ts';
import type { SignedOutSessions } from './signed-out-sessions.ts';
import type { UnansweredLog } from './unanswered-log.ts';

/** A verified callback said "pull now" for this account (wecom-kf.md §2.1). */
export interface PullRequest {
  openKfId: string;
  /** The newest callback Token (valid 10 min, §3), if one is still usable. */
  token?: string;
  /** Epoch ms when that token arrived. */
  tokenAt?: number;
  /** Increases with every notice: a pull that started before a newer notice must run again. */
  seq: number;
  /** The seq the last completed pull covered: a notice is owed while seq is above it. */
  doneSeq: number;
}

export type MessageStatus =
  /** The decision and its planned calls are recorded; the calls may not all have run yet. */
  | 'planned'
  /** Every planned call has an outcome (sent, refused, dropped). */
  | 'done'
  /** Recorded without replying (too old on a first start, a servicer's own message, …). */
  | 'skipped';

export interface MessageRecord {
  msgid: string;
  openKfId: string;
  externalUserId: string;
  status: MessageStatus;
  /** The calls to make, as JSON (a plan from rules/plan-calls.ts, after platform guards). */
  plan?: string;
  /** Why it was skipped or how it ended, for logs and explain. */
  note?: string;
  createdAt: number;
}

export type SendStatus =
  /** Recorded before the call; if this is what a restart finds, the outcome is unknown. */
  | 'attempting'
  | 'sent'
  /** WeCom answered with an errcode: it was not sent. */
  | 'refused'
  /** Never made: its event code would have expired before the API budget had room (§6). */
  | 'dropped';

export interface SendRecord {
  /** The deterministic client msgid (plan-calls.ts clientMsgid), or `<inbound>:<step>` for a trans. */
  key: string;
  inboundMsgid: string;
  openKfId: string;
  externalUserId: string;
  api: string;
  rule: string;
  status: SendStatus;
  attempts: number;
  errcode?: number;
  /** The API's answer as JSON (a trans answer holds the msg_code for its notice). */
  response?: string;
  updatedAt: number;
}

/** A stored record kfbot could not read, kept out of the way with why (stored-records.ts). */
export interface KeptAsideRecord {
  /** Where it was: `conv:<open_kfid>:<external_userid>`, `msg:<msgid>`. */
  key: string;
  /** The stored text as found. */
  value: string;
  reason: string;
  /** Epoch ms when it was set aside. */
  at: number;
}

/** The durable record of owed pulls for one process (LocalPullWork); Redis uses a stream instead. */
export interface PullRequestLog {
  /** Records a verified callback durably, before it is acknowledged. */
  recordPullRequest(openKfId: string, token: string, at: number): Promise<void>;
  /** Accounts with a pull requested and not yet completed (for recovery after a restart). */
  pendingPulls(): Promise<PullRequest[]>;
  pullRequest(openKfId: string): Promise<PullRequest | undefined>;
  /** Marks the pull done, unless a newer notice (higher seq) arrived meanwhile. */
  completePull(openKfId: string, seq: number): Promise<void>;
}

/** Also the media cache (media-cache.ts): the media ids of files in the rules folder. */
export interface Store extends TokenStore, UnansweredLog, IdleTimerIndex, CustomerEraser, MediaCache {
  /** What happened, for the reports: rule outcomes, satisfaction scores, session ends. */
  readonly activity: ActivityLog;
  /** Each customer session's messages, for the console's 会话 pages (session-log.ts). */
  readonly sessions: SessionLog;
  /** The FAQ's question embeddings, when a semantic provider is set (semantic/embedding-cache.ts). */
  readonly embeddings: EmbeddingCache;
  /** Every published rule set (rule-version-log.ts): history, rollback, and what replicas run. */
  readonly ruleVersions: RuleVersionLog;
  /** The console's unpublished drafts, one per console session (draft-book.ts). */
  readonly drafts: DraftBook;
  /** Live replicas and the rules each runs, for the 规则 page and /readyz (replica-registry.ts). */
  readonly replicas: ReplicaRegistry;
  /** Console sessions signed out on any replica (signed-out-sessions.ts). */
  readonly signedOut: SignedOutSessions;

  getCursor(openKfId: string): Promise<string | undefined>;
  /**
   * Stores the cursor. With a fence, only while `fence.key` still holds `fence.token`: a puller
   * that lost its lease cannot move the cursor (throws LeaseLostError).
   */
  setCursor(openKfId: string, cursor: string, fence?: Fence): Promise<void>;

  getMessage(msgid: string): Promise<MessageRecord | undefined>;
  /**
   * Records a message's decision and the customer's new conversation in one transaction, so a
   * crash leaves either both or neither. Returns false if the msgid was already recorded.
   */
  recordMessage(
    message: MessageRecord,
    conversation?: { openKfId: string; externalUserId: string; value: Conversation },
  ): Promise<boolean>;
  finishMessage(msgid: string, status: 'done' | 'skipped', note?: string): Promise<void>;
  /**
   * Replaces a still-`planned` message's plan and writes the customer's conversation, in one
   * transaction: what a `call:` answered decides the replies that follow it (continue-after-call.ts).
   * Returns false (and writes nothing) if the message is not `planned`.
   */
  replanMessage(
    msgid: string,
    plan: string,
    conversation?: { openKfId: string; externalUserId: string; value: Conversation },
  ): Promise<boolean>;

  getSend(key: string): Promise<SendRecord | undefined>;
  putSend(record: SendRecord): Promise<void>;

  /**
   * Throws UnreadableRecordError (with the key) for a conversation no version of kfbot wrote, and
   * NewerRecordError for one a newer kfbot wrote.
   */
  getConversation(openKfId: string, externalUserId: string): Promise<Conversation | undefined>;
  /** Writes the conversation and, in the same write, its idle timer (idle-timer-index.ts). */
  putConversation(openKfId: string, externalUserId: string, value: Conversation): Promise<void>;

  /** Keeps an unreadable record, with its key and why, where it is not in the way and not lost. */
  keepAside(key: string, value: string, reason: string): Promise<void>;
  keptAside(): Promise<KeptAsideRecord[]>;

  /** Drops messages and sends older than `before` (epoch ms): WeCom keeps 3 days, so do we. */
  purge(before: number): Promise<{ messages: number; sends: number }>;
  /** Throws if the store cannot be used (for /readyz). */
  ping(): Promise<void>;
  close(): Promise<void>;
}
