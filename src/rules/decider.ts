/**
 * Decides what kfbot does about one sync_msg item: picks candidate rules from the index, lets
 * json-rules-engine evaluate them best-first (first match wins unless a rule says `continue`),
 * falls back when nothing answered a customer message, and works out the conversation state after
 * the actions. Pure: no network, no storage; the same item, state and time give the same decision.
 */
import type { Engine } from 'json-rules-engine';
import { botMaySend, isCustomerMessage, ORIGIN, SERVICE_STATE_LABELS } from '../wecom/platform-enums.ts';
import type { SyncItem } from '../wecom/sync-item.ts';
import { callBranch } from './call-branch.ts';
import { type CallBranch, type CallModel, type CallOutcome, callKey } from './call-model.ts';
import { type ConditionOutcome, conditionOutcomes } from './condition-outcomes.ts';
import { type ConversationState, cloneState } from './conversation-state.ts';
import { OperatorTables, ruleEngine } from './engine-conditions.ts';
import type { FaqCandidate } from './faq/faq-search.ts';
import { questionText } from './faq/question-text.ts';
import type { SemanticView } from './faq/semantic-fusion.ts';
import { type FaqDecision, faqStep, resolveSuggest } from './faq-step.ts';
import { matchGroups } from './match-groups.ts';
import { CUSTOMER, type Facts, messageFacts, RAW_TEXT } from './message-facts.ts';
import { normalizeText } from './normalize-text.ts';
import { byPriority, RuleIndex } from './rule-index.ts';
import type { Action, FaqModel, RuleModel, RuleSet, Scalar } from './rule-model.ts';

export interface RuleEvaluation {
  rule: RuleModel;
  matched: boolean;
  conditions: ConditionOutcome[];
}

/** The customer's variables and counters as one action sees them. */
export interface StateScope {
  vars: Readonly<Record<string, Scalar>>;
  counters: Readonly<Record<string, number>>;
  /** The named groups of the rule's regex ({{match.order}}). */
  match?: Readonly<Record<string, string>>;
}

/** A call the decision reached: its outcome and which actions ran after it (for explain and reports). */
export interface CallRun {
  rule: string;
  call: string;
  step: number;
  outcome: CallOutcome;
  branch: CallBranch;
}

export interface PlannedAction {
  rule: RuleModel;
  action: Action;
  /**
   * The state when this action runs: every earlier action has taken effect, no later one has, so
   * `reply: "{{counter.x}}"` before `increment: x` shows the old count (actions run in the order
   * written).
   */
  scope: StateScope;
}

export interface Decision {
  facts: Facts;
  /** How a typed text fared against the FAQ (absent when there is no FAQ or it was not typed text). */
  faq?: FaqDecision;
  /**
   * A customer's typed text no ordinary rule answered (only a fallback did, or nothing): kept for
   * the unanswered-question report. `text` is normalised (the FAQ's form when there is an FAQ).
   */
  unanswered?: { text: string; example: string; candidates: FaqCandidate[] };
  /**
   * The customer clicked an item a 猜你想问 menu offered for an unanswered text: what they meant,
   * for the unanswered-question report.
   */
  chose?: { text: string; item: string };
  /** Why no rule was consulted (a servicer's own message, an undecodable item). */
  skipped?: string;
  evaluations: RuleEvaluation[];
  matched: RuleModel[];
  actions: PlannedAction[];
  state: ConversationState;
  /**
   * A `call:` the decision reached without its outcome: the actions stop there (it is the last
   * one). The caller makes the call, records the outcome and decides again with it
   * (`DecideContext.callOutcomes`), which yields the same actions up to the call and the rest.
   */
  pendingCall?: { step: number; rule: RuleModel; call: CallModel; scope: StateScope };
  /** The calls with an outcome, in order. */
  calls: CallRun[];
}

export interface DecideContext {
  state: ConversationState;
  /** Epoch ms. */
  now: number;
  /** The customer's nickname (customer/batchget), for {{nickname}} in `set:` values. */
  nickname?: string;
  /** A semantic provider's similarities for a typed text, when the runtime got them in time. */
  semantic?: SemanticView;
  /** What the calls this message made came to, by callKey(rule, call name). */
  callOutcomes?: ReadonlyMap<string, CallOutcome>;
}

/**
 * Values for reply placeholders: {{nickname}}, {{scene_param}}, {{var.city}}, … Variables and
 * counters come from `scope` (the state as the action sees it); an unset counter reads 0, as it
 * does in conditions.
 */
export function placeholderLookup(
  facts: Facts,
  nickname: string | undefined,
  scope: StateScope,
): (name: string) => string | undefined {
  return (name) => {
    if (name === 'nickname') return nickname;
    if (name === 'text') return facts[RAW_TEXT] === undefined ? undefined : String(facts[RAW_TEXT]);
    if (name === 'customer') return facts[CUSTOMER] === undefined ? undefined : String(facts[CUSTOMER]);
    if (name.startsWith('match.')) return scope.match?.[name.slice(6)];
    if (name.startsWith('var.')) {
      const v = scope.vars[name.slice(4)];
      return v === undefined ? undefined : String(v);
    }
    if (name.startsWith('counter.')) return String(scope.counters[name.slice(8)] ?? 0);
    const v = facts[name];
    return v === undefined ? undefined : String(v);
  };
}

interface CompiledRule {
  engine: Engine | undefined;
}

export class Decider {
  private readonly index: RuleIndex;
  private readonly tables: OperatorTables;
  private readonly engines = new Map<RuleModel, CompiledRule>();
  private readonly holidays: ReadonlySet<string>;
  private readonly counterNames: string[];

  constructor(readonly ruleSet: RuleSet) {
    this.index = new RuleIndex(ruleSet.rules);
    this.tables = new OperatorTables(ruleSet.settings.schedules);
    this.holidays = ruleSet.settings.holidays;
    this.counterNames = ruleSet.counterNames;
  }

  /** The rule's engine, built on first use so start-up stays fast with many rules. */
  private engineFor(rule: RuleModel): Engine {
    let compiled = this.engines.get(rule);
    if (!compiled) {
      compiled = { engine: ruleEngine(rule, this.tables) };
      this.engines.set(rule, compiled);
    }
    return compiled.engine as Engine;
  }

  async decide(item: SyncItem, ctx: DecideContext): Promise<Decision> {
    const facts = messageFacts(item, {
      state: ctx.state,
      now: ctx.now,
      timezone: this.ruleSet.settings.timezone,
      holidays: this.holidays,
    });
    for (const name of this.counterNames) facts[`counter.${name}`] ??= 0;
    const decision: Decision = {
      facts,
      evaluations: [],
      matched: [],
      actions: [],
      calls: [],
      state: cloneState(ctx.state),
    };
    // §9.6: a servicer's own message (origin 5) is never answered; an undecodable item has no facts to test.
    if (item.origin === ORIGIN.servicer)
      return { ...decision, skipped: 'a servicer sent it (origin 5): the bot never answers servicers' };
    // §9.6 "Reply only to origin === 3": a message item (not an event, not kfbot's own idle item)
    // that the customer did not send — system-pushed (4), or an origin this version does not know.
    if (item.msgtype !== 'event' && item.kind !== 'idle' && item.origin !== ORIGIN.customer)
      return {
        ...decision,
        skipped: `not from the customer (origin ${item.origin}): the bot answers only customer messages (origin 3)`,
      };
    if (item.kind === 'unknown') return { ...decision, skipped: `kfbot cannot decode it: ${item.reason}` };
    const state = ctx.state.service_state;
    if (item.kind === 'idle' && state !== undefined && !botMaySend(state))
      return {
        ...decision,
        skipped: `the session is ${SERVICE_STATE_LABELS[state].en} (state ${state}): idle rules act only while the bot holds it`,
      };

    // A confident FAQ match is answered as a click on that item (menu_id set as WeCom would for a
    // click); close candidates become a clarifying-menu rule ranked like a click answer.
    const faq = this.ruleSet.faq && faqStep(this.ruleSet.faq, item, facts, ctx.semantic);
    let candidates = this.index.candidates(facts);
    if (faq) {
      decision.faq = faq.decision;
      if (faq.clarify) candidates = [...candidates, faq.clarify].sort(byPriority);
    }
    const customerMessage = isCustomerMessage(item);
    const offered = decision.state.suggested;
    if (customerMessage) {
      delete decision.state.suggested;
      const clicked = item.kind === 'text' ? item.text.menu_id : undefined;
      if (offered && clicked !== undefined && offered.items.includes(clicked))
        decision.chose = { text: offered.text, item: clicked };
    }
    let answered = false;
    for (const rule of candidates) {
      const ev =
        rule === faq?.clarify
          ? { rule, matched: true, conditions: faq.clarifyConditions }
          : await this.evaluate(rule, facts);
      decision.evaluations.push(ev);
      if (!ev.matched) continue;
      decision.matched.push(rule);
      if (!rule.continue) {
        answered = true;
        break;
      }
    }
    if (!answered && customerMessage) {
      for (const rule of this.index.fallbackCandidates(facts)) {
        const ev = await this.evaluate(rule, facts);
        decision.evaluations.push(ev);
        if (ev.matched) {
          decision.matched.push(rule);
          break;
        }
      }
    }
    runActions(decision, ctx.nickname, this.ruleSet.faq, ctx.callOutcomes);
    if (!answered && customerMessage && item.kind === 'text' && item.text.menu_id === undefined) {
      // Grouped by the FAQ's normal form (punctuation, filler, traditional characters folded).
      // A text that folds to nothing (你好, 在吗？, ？？？, 😀) is still a text no rule answered,
      // and kept under its own words: an operator may well want a greeting rule for it.
      const folded = faq ? faq.decision.canonical : questionText(item.text.content);
      const text = folded !== '' ? folded : normalizeText(item.text.content).trim();
      if (text !== '')
        decision.unanswered = {
          text,
          example: item.text.content,
          candidates: faq?.decision.candidates ?? [],
        };
    }
    // A customer message no ordinary rule answered is a miss, whether a fallback caught it or not.
    if (customerMessage) decision.state.misses = answered ? 0 : decision.state.misses + 1;
    return decision;
  }

  private async evaluate(rule: RuleModel, facts: Facts): Promise<RuleEvaluation> {
    const { results, failureResults } = await this.engineFor(rule).run(facts);
    const result = results[0] ?? failureResults[0];
    return {
      rule,
      matched: results.length > 0,
      conditions: result ? conditionOutcomes(result, this.ruleSet.settings.timezone) : [],
    };
  }
}

/**
 * Takes the matched rules' actions in the order written, each seeing the state the actions before
 * it left (its scope), and leaves the final state on the decision. A call with no outcome yet ends
 * the actions there (decision.pendingCall); one with an outcome picks what runs next (call-branch.ts).
 */
function runActions(
  decision: Decision,
  nickname: string | undefined,
  faq: FaqModel | undefined,
  outcomes: ReadonlyMap<string, CallOutcome> | undefined,
): void {
  const s = decision.state;
  /** Runs a list of actions; false when it stopped at a call without an outcome. */
  const runList = (
    rule: RuleModel,
    match: Record<string, string> | undefined,
    list: readonly Action[],
  ): boolean => {
    for (const written of list) {
      // 猜你想问 becomes what it sends for this text, so every later step sees a plain reply.
      const { action, offered } =
        written.type === 'suggest' ? resolveSuggest(written, faq, decision.faq) : { action: written };
      // Remembered so a click on an offered item can say what the text meant (decision.chose).
      if (offered && decision.faq) {
        s.suggested = { text: decision.faq.canonical, items: offered };
        decision.faq.suggested = offered;
      }
      const scope: StateScope = { vars: { ...s.vars }, counters: { ...s.counters }, ...(match && { match }) };
      decision.actions.push({ rule, action, scope });
      switch (action.type) {
        case 'set':
          s.vars[action.name] =
            typeof action.value === 'object'
              ? action.value.render(placeholderLookup(decision.facts, nickname, scope))
              : action.value;
          break;
        case 'unset':
          delete s.vars[action.name];
          break;
        case 'increment':
          s.counters[action.name] = (s.counters[action.name] ?? 0) + action.by;
          break;
        case 'reset':
          delete s.counters[action.name];
          break;
        case 'reply':
        case 'send_on_event':
          if (action.content.msgtype === 'msgmenu') s.last_menu = action.content.menu.name;
          break;
        case 'call': {
          const step = decision.actions.length - 1;
          const outcome = outcomes?.get(callKey(rule.name, action.call.name));
          if (!outcome) {
            decision.pendingCall = { step, rule, call: action.call, scope };
            return false;
          }
          const next = callBranch(action.call, outcome);
          decision.calls.push({
            rule: rule.name,
            call: action.call.name,
            step,
            outcome,
            branch: next.branch,
          });
          if (next.branch === 'rest') {
            // A 2xx answer: the saved values become variables; a path the answer lacks is unset.
            for (const [name] of action.call.save) {
              const v = outcome.saved?.[name];
              if (v === undefined) delete s.vars[name];
              else s.vars[name] = v;
            }
            break;
          }
          // on_status / on_error run instead of the rest of this list (none: the rest is skipped).
          return runList(rule, match, next.actions);
        }
        default:
          break;
      }
    }
    return true;
  };
  for (const rule of decision.matched) {
    if (!runList(rule, matchGroups(rule.condition, decision.facts), rule.actions)) return;
  }
}
