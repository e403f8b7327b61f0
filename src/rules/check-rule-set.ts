/**
 * Checks that need the whole compiled rule set: click items nobody answers, click ids used twice,
 * rules a higher catch-all shadows, keywords two rules both claim, WeCom's byte and count limits,
 * event-code actions in rules that can never have a code, media files, and one satisfaction score
 * per click id. Each finding points at the line to fix. (Syntax and per-rule mistakes are found while compiling.)
 */
import { readFileSync } from 'node:fs';
import { ERRCODE } from '../wecom/error-codes.ts';
import { checkUpload } from '../wecom/media-limits.ts';
import { EVENT_KIND_NAMES, type Kind } from '../wecom/message-kinds.ts';
import {
  byteLength,
  checkSendContent,
  SEND_QUOTA,
  type SendProblem,
  TEXT_MAX_BYTES,
} from '../wecom/send-limits.ts';
import { splitText } from '../wecom/split-text.ts';
import { checkAfterEnd } from './check-after-end.ts';
import { checkFaq } from './check-faq.ts';
import { DEFAULT_RULE_KINDS } from './index-keys.ts';
import { checkScores } from './item-scores.ts';
import type { RuleProblem, SourcePosition } from './problems.ts';
import { renderReply } from './render-reply.ts';
import { byPriority } from './rule-index.ts';
import type {
  Action,
  Condition,
  MediaSource,
  MenuModel,
  ReplyContent,
  RuleModel,
  RuleSet,
} from './rule-model.ts';
import { unreadable } from './unreadable.ts';

function problem(
  at: SourcePosition,
  message: string,
  severity: RuleProblem['severity'] = 'error',
): RuleProblem {
  return { ...at, severity, message };
}

const kindsOf = (rule: RuleModel): readonly Kind[] => rule.keys.kinds ?? DEFAULT_RULE_KINDS;

/** True when the condition holds for every item of its kinds (no test beyond the kind). */
function isCatchAll(c: Condition): boolean {
  if ('all' in c) return c.all.every(isCatchAll);
  if ('any' in c || 'not' in c) return false;
  return c.fact === 'kind';
}

function checkClickItems(set: RuleSet, out: RuleProblem[]): void {
  const answered = new Set<string>();
  for (const rule of set.rules) for (const id of rule.keys.menuIds ?? []) answered.add(id);
  // The same click id may appear in several menus (a "转人工" item everywhere), but only one of
  // them may say what it answers, and one menu may not list it twice.
  const definedBy = new Map<string, RuleModel>();
  for (const rule of set.rules) {
    if (rule.source.kind !== 'menu-item') continue;
    const first = definedBy.get(rule.source.clickId);
    if (first) {
      out.push(
        problem(
          rule.at,
          `click id "${rule.source.clickId}" already has an answer in menu "${first.source.kind === 'menu-item' ? first.source.menu : ''}" (${first.at.file}:${first.at.line}); each id leads to one answer, so give this item another id or drop its answer`,
        ),
      );
    } else {
      definedBy.set(rule.source.clickId, rule);
    }
  }
  for (const menu of set.menus.values()) {
    const inMenu = new Set<string>();
    for (const item of menu.items) {
      if (item.type !== 'click') continue;
      if (inMenu.has(item.id))
        out.push(problem(item.at, `menu "${menu.name}" lists click id "${item.id}" twice`));
      inMenu.add(item.id);
      if (!answered.has(item.id)) {
        out.push(
          problem(
            item.at,
            `the click item "${item.id}" in menu "${menu.name}" has no answer: give it reply:, menu: or then:, or add a rule with menu_id: ${item.id}`,
          ),
        );
      }
    }
  }
}

function checkShadowing(set: RuleSet, broken: ReadonlySet<RuleModel>, out: RuleProblem[]): void {
  const ordered = set.rules.filter((r) => !r.fallback && !broken.has(r)).sort(byPriority);
  const catchAlls: RuleModel[] = [];
  for (const rule of ordered) {
    const blocker = catchAlls.find((c) => kindsOf(rule).every((k) => kindsOf(c).includes(k)));
    if (blocker) {
      out.push(
        problem(
          rule.at,
          `rule "${rule.name}" can never run: "${blocker.name}" (${blocker.at.file}:${blocker.at.line}) matches every such message first; give it a higher priority or add continue: true to the catch-all`,
        ),
      );
    }
    if (!rule.continue && isCatchAll(rule.condition)) catchAlls.push(rule);
  }
}

/** True when the rule tests nothing but the text (and the kind): it wins whenever its keyword appears. */
function testsOnlyText(c: Condition): boolean {
  if ('all' in c) return c.all.every(testsOnlyText);
  if ('any' in c || 'not' in c) return false;
  return c.fact === 'text' || c.fact === 'kind';
}

function checkKeywords(set: RuleSet, broken: ReadonlySet<RuleModel>, out: RuleProblem[]): void {
  const owner = new Map<string, RuleModel>();
  for (const rule of set.rules.filter((r) => !broken.has(r)).sort(byPriority)) {
    for (const kw of rule.keys.keywords ?? rule.keys.exactTexts ?? []) {
      const first = owner.get(kw);
      if (first && first !== rule) {
        out.push(
          problem(
            rule.at,
            `keyword "${kw}" is also claimed by rule "${first.name}" (${first.at.file}:${first.at.line}), which runs first and tests nothing else; remove it from one of them`,
            'warning',
          ),
        );
      } else if (!rule.continue && testsOnlyText(rule.condition)) {
        owner.set(kw, rule);
      }
    }
  }
}

/** Renders content with every placeholder empty (counters 0), so limits are checked on the fixed text. */
function sample(content: ReplyContent): ReturnType<typeof renderReply> {
  return renderReply(content, {
    lookup: (name) => (name.startsWith('counter.') ? '0' : ''),
    mediaId: (m) => ('media_id' in m ? m.media_id : 'uploaded-media-id'),
  });
}

function describeLimit(p: SendProblem): string {
  return p.severity === 'truncated' ? p.message : `${p.message} (WeCom would answer ${p.errcode})`;
}

/** What the customer would call the one message an event code carries (§6). */
function eventTextName(action: Action): string {
  if (action.type === 'send_on_event')
    return action.as === 'welcome'
      ? 'a welcome: (欢迎语)'
      : action.as === 'closing'
        ? 'a closing: (结束语)'
        : 'an event_reply:';
  return 'a transfer notice:';
}

/**
 * A text over 2048 bytes. A reply (send_msg) goes out in parts, each one of the 5 messages a
 * customer message allows (§9.10): a warning with the count, or an error when even 5 cannot carry
 * it. A welcome, closing or notice rides a single-use code that carries one message (§6): kfbot
 * would cut it short, so a text that is too long before any placeholder is filled is an error.
 */
function longText(action: Action, text: string): RuleProblem {
  const size = `the text is ${byteLength(text)} bytes, over the ${TEXT_MAX_BYTES} WeCom takes in one message (UTF-8; a Chinese character takes 3)`;
  if (action.type === 'reply' || action.type === 'suggest') {
    const parts = splitText(text).length;
    if (parts > SEND_QUOTA)
      return problem(
        action.at,
        `${size}: it would take ${parts} messages, and WeCom allows ${SEND_QUOTA} per customer message, so its end would never be sent; shorten it, or move the detail to a link: or file: reply`,
      );
    return problem(
      action.at,
      `${size}: it will go out as ${parts} messages, spending ${parts} of the ${SEND_QUOTA} WeCom allows per customer message; shorten it to keep it one`,
      'warning',
    );
  }
  return problem(
    action.at,
    `${size}: ${eventTextName(action)} is one message on a single-use code, so it cannot be sent in parts (WeCom would answer ${ERRCODE.textTooLong}); shorten it to at most ${TEXT_MAX_BYTES} bytes (about ${Math.floor(TEXT_MAX_BYTES / 3)} Chinese characters)`,
  );
}

function contents(action: Action): ReplyContent[] {
  if (action.type === 'reply' || action.type === 'send_on_event') return [action.content];
  if (action.type === 'transfer' && action.notice) return [action.notice];
  if (action.type === 'suggest' && action.otherwise) return [action.otherwise];
  return [];
}

function mediaSources(c: ReplyContent): MediaSource[] {
  if ('media' in c) return [c.media];
  if ('thumb' in c) return [c.thumb];
  return [];
}

function checkMedia(
  source: MediaSource,
  type: string,
  at: SourcePosition,
  out: RuleProblem[],
  seen: Set<string>,
): void {
  if (!('file' in source) || seen.has(`${source.absPath}:${type}`)) return;
  seen.add(`${source.absPath}:${type}`);
  let data: Buffer;
  try {
    data = readFileSync(source.absPath);
  } catch (err) {
    const why = unreadable(source.absPath, err);
    out.push(
      problem(
        at,
        `media file "${source.file}" cannot be read: ${why}${why.includes('folder') ? '; name a file inside it' : ''}`,
      ),
    );
    return;
  }
  const kind = type === 'thumb' ? 'image' : (type as 'image' | 'voice' | 'video' | 'file');
  // §7.4 limits, checked by the same function the simulator's media/upload applies.
  const rejected = checkUpload(kind, data);
  if (rejected)
    out.push(
      problem(at, `media file "${source.file}" would be refused by media/upload: ${rejected.message}`),
    );
}

function checkActions(set: RuleSet, out: RuleProblem[]): void {
  const seenMedia = new Set<string>();
  for (const rule of set.rules) {
    const kinds = kindsOf(rule);
    const onlyEvents = kinds.every((k) => (EVENT_KIND_NAMES as readonly string[]).includes(k));
    for (const action of rule.actions) {
      if (action.type === 'send_on_event') {
        const wanted = action.code === 'welcome_code' ? 'enter_session' : 'session_status_change';
        if (kinds.some((k) => k !== wanted)) {
          out.push(
            problem(
              action.at,
              `${action.as}: needs the ${action.code} of ${wanted}, but rule "${rule.name}" also matches ${kinds
                .filter((k) => k !== wanted)
                .slice(0, 4)
                .join(', ')}; add kind: ${wanted} to its when:`,
            ),
          );
        }
      }
      if (
        (action.type === 'reply' || action.type === 'suggest') &&
        onlyEvents &&
        kinds.includes('enter_session')
      ) {
        out.push(
          problem(
            action.at,
            `${action.type}: cannot answer enter_session — the session has not started (WeCom answers 95018); use welcome: instead`,
          ),
        );
      }
      if (action.type === 'suggest' && !set.faq)
        out.push(
          problem(
            action.at,
            `suggest: has nothing to suggest: these rules list no questions: and no faq:, so it always sends ${action.otherwise ? 'its otherwise' : 'nothing'}; add questions: to menu items, or use reply:`,
            'warning',
          ),
        );
      for (const content of contents(action)) {
        const on = action.type === 'reply' || action.type === 'suggest' ? 'send_msg' : 'send_msg_on_event';
        // A menu's own limits are checked once, at the menu (checkMenus); here only whether it may
        // be sent this way.
        const sent = sample(content);
        for (const p of checkSendContent(sent, on)) {
          if (content.msgtype === 'msgmenu' && p.field.startsWith('msgmenu.')) continue;
          if (sent.msgtype === 'text' && p.field === 'text.content' && p.errcode === ERRCODE.textTooLong)
            out.push(longText(action, sent.text.content));
          else out.push(problem(action.at, describeLimit(p), p.severity === 'error' ? 'error' : 'warning'));
        }
        for (const m of mediaSources(content)) {
          checkMedia(m, 'media' in content ? content.msgtype : 'thumb', action.at, out, seenMedia);
        }
      }
    }
  }
}

/** Where the part of a menu that a send-limit field names is written (`msgmenu.list[3].click.id` → item 3's click:). */
function menuFieldAt(menu: MenuModel, field: string): SourcePosition {
  if (field.startsWith('msgmenu.head_content')) return menu.headAt ?? menu.at;
  if (field.startsWith('msgmenu.tail_content')) return menu.tailAt ?? menu.at;
  const m = /^msgmenu\.list\[(\d+)\](?:\.\w+\.(\w+))?/.exec(field);
  const item = m ? menu.items[Number(m[1])] : undefined;
  if (item) return m?.[2] === 'content' ? item.labelAt : item.at;
  return field.startsWith('msgmenu.list') ? menu.itemsAt : menu.at;
}

/** Each menu's WeCom limits, once per menu, at the field that breaks them. */
function checkMenus(set: RuleSet, out: RuleProblem[]): void {
  for (const menu of set.menus.values()) {
    for (const p of checkSendContent(sample({ msgtype: 'msgmenu', menu }))) {
      out.push(
        problem(menuFieldAt(menu, p.field), describeLimit(p), p.severity === 'error' ? 'error' : 'warning'),
      );
    }
  }
}

/**
 * `broken` rules had errors of their own while compiling; they are left out of the checks that
 * compare rules with each other, so one mistake does not show up as many.
 */
export function checkRuleSet(set: RuleSet, broken: ReadonlySet<RuleModel> = new Set()): RuleProblem[] {
  const out: RuleProblem[] = [];
  checkClickItems(set, out);
  checkShadowing(set, broken, out);
  checkKeywords(set, broken, out);
  checkMenus(set, out);
  checkActions(set, out);
  out.push(...checkFaq(set));
  out.push(...checkScores(set));
  out.push(...checkAfterEnd(set));
  return out;
}
