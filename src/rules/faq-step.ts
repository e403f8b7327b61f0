/**
 * The FAQ's part of a decision: match a customer's typed text against every item's label and
 * 相似问法. A confident match sets `menu_id` to the item's click id, so the decision goes on exactly
 * as if the customer had clicked it: the same rule answers, at the same priority, and a higher
 * rule (转人工, the human-takeover guard) still wins. Close candidates become a one-off rule that
 * sends a clarifying menu ("您是想问：") with those items, ranked like a click answer.
 */
import type { SyncItem } from '../wecom/sync-item.ts';
import { MENU_ITEM_PRIORITY } from './compile-rules.ts';
import type { ConditionOutcome } from './condition-outcomes.ts';
import type { FaqCandidate } from './faq/faq-search.ts';
import { describeSemantic, fuseSemantic, type SemanticView, semanticSummary } from './faq/semantic-fusion.ts';
import { CLARIFY_MENU, SUGGEST_MENU } from './faq-menu-names.ts';
import type { Facts } from './message-facts.ts';
import type { Action, FaqModel, MenuItemModel, MenuModel, RuleModel } from './rule-model.ts';
import type { Template } from './template.ts';

export interface FaqDecision {
  /** The text as the matcher compared it (normalised, simplified, synonyms mapped). */
  canonical: string;
  outcome: 'answer' | 'clarify' | 'none';
  /** The click id answered when outcome is 'answer'. */
  answered?: string;
  /** The best items, best first, with their scores and the question each matched. */
  candidates: FaqCandidate[];
  threshold: number;
  margin: number;
  /** The least score a `suggest:` action offers. */
  suggest: number;
  /** What a `suggest:` action (猜你想问) would offer: the near-top items, none when out of domain. */
  suggestions: FaqCandidate[];
  /** Left to the rules as out of domain: 猜你想问 offers nothing. */
  outOfDomain?: boolean;
  /** The items a 猜你想问 menu offered for the text, when a `suggest:` action sent one. */
  suggested?: string[];
  /** When a semantic provider's view was fused in: what the lexical decision alone was, and its best items. */
  semantic?: { lexical: FaqDecision['outcome']; best: { id: string; similarity: number }[] };
}

/** How a typed text fared, as kfbot_faq_matches_total counts it. */
export function faqOutcome(faq: FaqDecision): 'answered' | 'clarified' | 'suggested' | 'unmatched' {
  if (faq.outcome === 'answer') return 'answered';
  if (faq.outcome === 'clarify') return 'clarified';
  return faq.suggested ? 'suggested' : 'unmatched';
}

export interface FaqStep {
  decision: FaqDecision;
  clarify?: RuleModel;
  clarifyConditions: ConditionOutcome[];
}

export function faqStep(
  faq: FaqModel,
  item: SyncItem,
  facts: Facts,
  semantic?: SemanticView,
): FaqStep | undefined {
  // Only what a customer typed: a click already says what it means.
  if (item.kind !== 'text' || item.origin !== 3 || facts.menu_id !== undefined) return undefined;
  const { index } = faq;
  // A typed rating (还行, 满意) is the customer's verdict only when they were just asked for one:
  // right after the menu holding the scored items. Otherwise it is an ordinary message.
  const lastMenu = typeof facts.last_menu === 'string' ? facts.last_menu : undefined;
  const allow = (id: string) => {
    const menus = faq.ratingMenus.get(id);
    return menus === undefined || (lastMenu !== undefined && menus.has(lastMenu));
  };
  const lexical = index.match(item.text.content, undefined, allow);
  // The lexical decision first; a provider's similarities, when the runtime got them in time, fused in.
  const outcome = semantic ? fuseSemantic(lexical, semantic, index.entries) : lexical;
  const settings = index.decision;
  const decision: FaqDecision = {
    canonical: index.canonical(item.text.content),
    outcome: outcome.type,
    candidates: outcome.candidates,
    threshold: settings.threshold,
    margin: settings.margin,
    suggest: settings.suggest,
    suggestions: outcome.type === 'none' ? outcome.suggestions : [],
    ...(outcome.type === 'none' && outcome.outOfDomain && { outOfDomain: true }),
    ...(semantic && { semantic: semanticSummary(lexical.type, semantic) }),
  };
  if (outcome.type === 'answer') {
    decision.answered = outcome.candidate.id;
    facts.menu_id = outcome.candidate.id;
    return { decision, clarifyConditions: [] };
  }
  if (outcome.type === 'none') return { decision, clarifyConditions: [] };
  const shown = outcome.options.map((o) => `${o.id} ${o.score}`).join(', ');
  return {
    decision,
    clarify: clarifyRule(faq, outcome.options),
    clarifyConditions: [
      {
        label: `typed text is close to ${outcome.options.length} FAQ items, none ${index.tuning.margin} ahead`,
        result: true,
        factValue: shown,
      },
    ],
  };
}

/** A menu offering FAQ items as click items, built when the rules decide. */
function faqMenu(faq: FaqModel, name: string, head: Template, options: readonly FaqCandidate[]): MenuModel {
  const items: MenuItemModel[] = [];
  for (const o of options) {
    const label = faq.labels.get(o.id);
    // Built at decision time, not written in a file: its parts point at the faq: section.
    if (label) items.push({ type: 'click', id: o.id, label, at: faq.at, labelAt: faq.at });
  }
  return { name, head, items, at: faq.at, itemsAt: faq.at };
}

/**
 * 猜你想问: what a `suggest:` action sends for a typed text, given the FAQ's view of it — a menu of
 * the nearest items (settings.faq.suggest, at most three), else its `otherwise`, else nothing —
 * and the item ids the menu offers, if it is one.
 */
export function resolveSuggest(
  action: Extract<Action, { type: 'suggest' }>,
  faq: FaqModel | undefined,
  decision: FaqDecision | undefined,
): { action: Action; offered?: string[] } {
  const menu = faq && decision && faqMenu(faq, SUGGEST_MENU, action.head, decision.suggestions);
  if (menu && menu.items.length > 0)
    return {
      action: { type: 'reply', content: { msgtype: 'msgmenu', menu }, at: action.at },
      offered: menu.items.flatMap((i) => (i.type === 'click' ? [i.id] : [])),
    };
  if (action.otherwise) return { action: { type: 'reply', content: action.otherwise, at: action.at } };
  const reason = decision
    ? decision.outOfDomain
      ? "the text is out of the FAQ's domain: nothing to suggest"
      : `no FAQ item scored ${decision.suggest} or more: nothing to suggest`
    : 'not a typed text: nothing to suggest';
  return { action: { type: 'nothing', reason, at: action.at } };
}

function clarifyRule(faq: FaqModel, options: readonly FaqCandidate[]): RuleModel {
  const menu = faqMenu(faq, CLARIFY_MENU, faq.clarify, options);
  return {
    name: 'FAQ: 您是想问 (clarifying menu)',
    priority: MENU_ITEM_PRIORITY,
    order: -1,
    condition: { all: [] },
    actions: [{ type: 'reply', content: { msgtype: 'msgmenu', menu }, at: faq.at }],
    continue: false,
    fallback: false,
    ignoreServiceState: false,
    source: { kind: 'rule' },
    keys: {},
    at: faq.at,
  };
}

/** The FAQ's view of a typed text: what it compared, the best items with scores, and the outcome. */
export function describeFaq(faq: FaqDecision): string {
  const outcome =
    faq.outcome === 'answer'
      ? `answered as a click on ${faq.answered}`
      : faq.outcome === 'clarify'
        ? 'close candidates: a clarifying menu asks which one'
        : `not confident (threshold ${faq.threshold}): left to the other rules${faq.outOfDomain ? ' as out of domain' : ''}${faq.suggested ? `; 猜你想问 offered ${faq.suggested.join(', ')}` : ''}`;
  const lines = [
    `${JSON.stringify(faq.canonical)} → ${outcome} (threshold ${faq.threshold}, margin ${faq.margin}, suggest ${faq.suggest})`,
  ];
  for (const c of faq.candidates.slice(0, 3))
    lines.push(`  ${c.score.toFixed(3)}  ${c.id}  via "${c.question}"`);
  if (faq.semantic) lines.push(describeSemantic(faq.semantic));
  return lines.join('\n');
}
