/**
 * What every front end asks before deciding a typed text, when a semantic provider is set
 * (settings.faq.semantic or KFBOT_SEMANTIC_*): the provider's view of it, or nothing. One
 * SemanticMatcher per provider setting — a rule reload with the same setting keeps its breaker and
 * its prepared vectors — and none at all when the setting is off, so no network call is made.
 */
import type { SemanticView } from '../rules/faq/semantic-fusion.ts';
import type { RuleSet } from '../rules/rule-model.ts';
import type { EmbeddingCache } from '../semantic/embedding-cache.ts';
import type { FetchLike } from '../semantic/embeddings-client.ts';
import { resolveSemantic } from '../semantic/semantic-config.ts';
import { type SemanticLogger, SemanticMatcher, type SemanticOutcome } from '../semantic/semantic-matcher.ts';
import type { SyncItem } from '../wecom/sync-item.ts';

export interface SemanticLookupDeps {
  env: Readonly<Record<string, string | undefined>>;
  cache: EmbeddingCache;
  log?: SemanticLogger & { error(obj: object, msg: string): void };
  observe?: (outcome: SemanticOutcome, seconds: number) => void;
  fetch?: FetchLike;
}

/** Whether the FAQ looks at this item: text a customer typed (a click already says what it means). */
export function isTypedText(item: SyncItem): item is Extract<SyncItem, { kind: 'text' }> {
  return item.kind === 'text' && item.origin === 3 && item.text.menu_id === undefined;
}

export class SemanticLookup {
  readonly #deps: SemanticLookupDeps;
  readonly #matchers = new Map<string, SemanticMatcher>();
  /** Settings whose problems were logged already (once each, not per message). */
  readonly #reported = new Set<string>();

  constructor(deps: SemanticLookupDeps) {
    this.#deps = deps;
  }

  /** The matcher for a rule set's setting, or undefined when off or misconfigured (logged once). */
  matcherFor(ruleSet: RuleSet): SemanticMatcher | undefined {
    const faq = ruleSet.faq;
    if (!faq) return undefined;
    const { config, problems } = resolveSemantic(faq.semantic, this.#deps.env);
    if (problems.length) {
      const key = JSON.stringify(problems);
      if (!this.#reported.has(key)) {
        this.#reported.add(key);
        for (const p of problems)
          this.#deps.log?.error({ setting: p.key }, `semantic provider not used: ${p.message}`);
      }
      return undefined;
    }
    if (!config) return undefined;
    const key = JSON.stringify({ ...config, apiKey: undefined });
    let m = this.#matchers.get(key);
    if (!m) {
      m = new SemanticMatcher(config, {
        cache: this.#deps.cache,
        ...(this.#deps.log && { log: this.#deps.log }),
        ...(this.#deps.observe && { observe: this.#deps.observe }),
        ...(this.#deps.fetch && { fetch: this.#deps.fetch }),
      });
      this.#matchers.set(key, m);
    }
    return m;
  }

  /** Prepares a rule set's question vectors (at load and reload), in the background. */
  warm(ruleSet: RuleSet): Promise<void> {
    const m = this.matcherFor(ruleSet);
    return m && ruleSet.faq ? m.warm(ruleSet.faq.index.entries) : Promise.resolve();
  }

  /** The provider's view of a typed text, or undefined: then the lexical decision stands. */
  async view(ruleSet: RuleSet, item: SyncItem): Promise<SemanticView | undefined> {
    if (!ruleSet.faq || !isTypedText(item)) return undefined;
    const m = this.matcherFor(ruleSet);
    return m?.view(ruleSet.faq.index.entries, item.text.content);
  }
}
