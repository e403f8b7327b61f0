/**
 * The compiled form of the rule files: what the YAML says, checked and resolved (menus inlined,
 * templates parsed, schedules parsed), ready for the decider. Nothing here reads files or talks HTTP.
 */

import type { SemanticOptions } from '../semantic/semantic-config.ts';
import type { Kind } from '../wecom/message-kinds.ts';
import type { MediaMsgtype } from '../wecom/send-payloads.ts';
import type { CallModel, CallSettings } from './call-model.ts';
import type { FaqCalibration } from './faq/faq-calibration.ts';
import type { FaqIndex } from './faq/faq-index.ts';
import type { SourcePosition } from './problems.ts';
import type { Schedule } from './schedule.ts';
import type { Template } from './template.ts';

/** A scalar a rule can compare with or store in a variable. */
export type Scalar = string | number | boolean;

// ---------------------------------------------------------------------------------------------
// Conditions

export type ConditionOperator =
  | 'equals'
  | 'not_equals'
  | 'in'
  | 'not_in'
  | 'contains'
  | 'any'
  | 'regex'
  | 'gt'
  | 'gte'
  | 'lt'
  | 'lte'
  | 'exists'
  | 'open';

export interface LeafCondition {
  fact: string;
  op: ConditionOperator;
  /** Already normalised where the fact is text (keywords, exact texts). */
  value: Scalar | Scalar[];
  /** "text contains any of [退款, 退货]": how `explain` shows this condition. */
  label: string;
  at: SourcePosition;
}

export type Condition = { all: Condition[] } | { any: Condition[] } | { not: Condition } | LeafCondition;

// ---------------------------------------------------------------------------------------------
// Replies

export type MediaSource = { media_id: string } | { file: string; absPath: string };

/** Where a menu item's parts are written, so a limit it breaks points at the part to fix. */
export interface MenuItemPositions {
  /** The item's own key (`click:`, `view:`, `miniprogram:` or `text:`). */
  at: SourcePosition;
  /** Its label (the text the customer sees; for a text item, the text itself). */
  labelAt: SourcePosition;
}

/**
 * A satisfaction score (满意度) a click item carries: a customer's click on the item records it
 * for the customer's session (`kfbot report satisfaction`).
 */
export interface ItemScore {
  /** 1 (worst) … 5 (best). */
  value: number;
  at: SourcePosition;
}

export type MenuItemModel = (
  | { type: 'click'; id: string; label: Template; score?: ItemScore }
  | { type: 'view'; url: string; label: Template }
  | { type: 'miniprogram'; appid: string; pagepath: string; label: Template }
  | { type: 'text'; label: Template; no_newline: boolean }
) &
  MenuItemPositions;

export interface MenuModel {
  name: string;
  head?: Template;
  items: MenuItemModel[];
  tail?: Template;
  /** The menu's name. */
  at: SourcePosition;
  headAt?: SourcePosition;
  tailAt?: SourcePosition;
  itemsAt: SourcePosition;
}

/** What to say: a send_msg / send_msg_on_event content whose text parts are templates. */
export type ReplyContent =
  | { msgtype: 'text'; text: Template }
  | { msgtype: 'msgmenu'; menu: MenuModel }
  | { msgtype: MediaMsgtype; media: MediaSource }
  | { msgtype: 'link'; title: Template; desc?: Template; url: string; thumb: MediaSource }
  | { msgtype: 'miniprogram'; appid: string; title?: Template; pagepath: string; thumb: MediaSource }
  | { msgtype: 'location'; name?: string; address?: string; latitude: number; longitude: number }
  | { msgtype: 'ca_link'; link_url: string };

// ---------------------------------------------------------------------------------------------
// Actions

/** Which event code a send_msg_on_event uses: the enter_session welcome_code or a session event's msg_code. */
export type EventCodeSource = 'welcome_code' | 'msg_code';

export type TransferTarget = 'queue' | 'servicer' | 'end';

export type Action =
  | { type: 'reply'; content: ReplyContent; at: SourcePosition }
  | {
      type: 'send_on_event';
      code: EventCodeSource;
      as: 'welcome' | 'closing' | 'event_reply';
      content: ReplyContent;
      at: SourcePosition;
    }
  | {
      type: 'transfer';
      to: TransferTarget;
      servicer?: string;
      /** Sent with the msg_code the transfer returns (a queue notice, or a closing remark on end). */
      notice?: ReplyContent;
      at: SourcePosition;
    }
  | { type: 'set'; name: string; value: Scalar | Template; at: SourcePosition }
  | { type: 'unset'; name: string; at: SourcePosition }
  | { type: 'increment'; name: string; by: number; at: SourcePosition }
  | { type: 'reset'; name: string; at: SourcePosition }
  | { type: 'nothing'; reason: string; at: SourcePosition }
  /** Asks the company's own system (call-model.ts); what follows depends on its answer. */
  | { type: 'call'; call: CallModel; at: SourcePosition }
  /**
   * 猜你想问: a menu of the FAQ items nearest the customer's typed text (those scoring at least
   * settings.faq.suggest, at most 3, best first), else `otherwise`, else nothing. The decider turns
   * it into a reply (or `nothing`) when it decides, so no later step sees it.
   */
  | { type: 'suggest'; head: Template; otherwise?: ReplyContent; at: SourcePosition };

// ---------------------------------------------------------------------------------------------
// Rules

export interface IndexKeys {
  /** The kinds the rule can match; undefined = it does not constrain the kind (customer messages). */
  kinds?: Kind[];
  menuIds?: string[];
  exactTexts?: string[];
  keywords?: string[];
}

export interface RuleModel {
  name: string;
  priority: number;
  /** Load order (file order, then position): breaks priority ties. */
  order: number;
  condition: Condition;
  actions: Action[];
  /** Let lower rules run too after this one matched. */
  continue: boolean;
  /** Runs only when no other rule answered a customer message. */
  fallback: boolean;
  /** Send replies even when kfbot believes the session is queued or with a human (WeCom may still refuse). */
  ignoreServiceState: boolean;
  /** A `kind: idle` rule: fires once the customer has been silent this long (ms) after the bot's last message. */
  idleFor?: number;
  /** Where it came from: a `rules:` entry, or a menu's click item. */
  source:
    | { kind: 'rule' }
    | { kind: 'menu-item'; menu: string; clickId: string }
    /** An entry of the top-level `faq:` section: answers its id like a click item. */
    | { kind: 'faq'; clickId: string };
  keys: IndexKeys;
  at: SourcePosition;
}

export interface RuleSettings {
  timezone: string;
  schedules: ReadonlyMap<string, Schedule>;
  /** settings.holidays as YYYY-MM-DD, for the `holiday` fact. */
  holidays: ReadonlySet<string>;
  /** settings.calls: which hosts `call:` actions may reach, the default timeout, the concurrency cap. */
  calls: CallSettings;
}

/** Typed-question matching: every click item and `faq:` entry with its label and 相似问法. */
export interface FaqModel {
  index: FaqIndex;
  /** The decision values chosen for this rule set at load, and what they are expected to do. */
  calibration: FaqCalibration;
  /** Head of the clarifying menu ("您是想问："). */
  clarify: Template;
  /** What a clarifying menu shows for each id. */
  labels: ReadonlyMap<string, Template>;
  /** Rating items (score:) by click id → the menus offering them: typed, they count only after one of those. */
  ratingMenus: ReadonlyMap<string, ReadonlySet<string>>;
  /** settings.faq when written, else the first item: where explain points for the clarifying menu. */
  at: SourcePosition;
  /** Where each item was written, for validate's findings. */
  items: ReadonlyMap<string, { questions: readonly string[]; at: SourcePosition }>;
  /** The rule file's own synonym groups (settings.faq.synonyms), without the built-in ones. */
  synonyms: readonly (readonly string[])[];
  /** settings.faq.semantic as written (the environment may override or turn it off). */
  semantic?: SemanticOptions;
}

export interface RuleSet {
  rules: RuleModel[];
  /** Absent when no item lists a question. */
  faq?: FaqModel;
  menus: ReadonlyMap<string, MenuModel>;
  settings: RuleSettings;
  /** Counters rules test or increment: an unset counter reads as 0. */
  counterNames: string[];
  /** Click id → the satisfaction score a click on it records (items with `score:`). */
  scores: ReadonlyMap<string, number>;
  /** The files it was read from. */
  files: string[];
}
