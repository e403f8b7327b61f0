/**
 * The rules serve uses, reloaded when the files change: a change is validated in full and swapped
 * in atomically; invalid rules are logged problem by problem and the previous rules keep serving.
 */
import { type FSWatcher, watch } from 'node:fs';
import { resolve } from 'node:path';
import type { Logger } from 'pino';
import { Decider } from '../rules/decider.ts';
import { loadRulesAtStart } from '../rules/load-rules-at-start.ts';
import { loadRulesOffThread } from '../rules/load-rules-off-thread.ts';
import { formatProblem, type RuleProblem } from '../rules/problems.ts';
import { ruleCounts } from '../rules/rule-counts.ts';
import type { RuleModel, RuleSet } from '../rules/rule-model.ts';
import type { RulesChild } from '../rules/rules-child.ts';
import type { KfbotMetrics } from './metrics.ts';

export interface RulesSnapshot {
  ruleSet: RuleSet;
  decider: Decider;
  byName: ReadonlyMap<string, RuleModel>;
  version: number;
  loadedAt: number;
}

export class LiveRules {
  #current: RulesSnapshot | undefined;
  #problems: readonly RuleProblem[] = [];
  #watcher: FSWatcher | undefined;
  #timer: NodeJS.Timeout | undefined;
  #version = 0;
  #loading: Promise<unknown> = Promise.resolve();
  readonly #listeners = new Set<(s: RulesSnapshot | undefined, problems: readonly RuleProblem[]) => void>();

  constructor(
    readonly target: string,
    readonly cwd: string,
    private readonly log: Logger,
    private readonly metrics?: KfbotMetrics,
  ) {}

  get current(): RulesSnapshot | undefined {
    return this.#current;
  }

  /** Problems of the last load (errors mean the previous rules are still in use). */
  get problems(): readonly RuleProblem[] {
    return this.#problems;
  }

  onChange(listener: (s: RulesSnapshot | undefined, problems: readonly RuleProblem[]) => void): () => void {
    this.#listeners.add(listener);
    return () => this.#listeners.delete(listener);
  }

  /**
   * Loads the rules now; resolves to whether they are valid. With rules serving, the costly part
   * runs in a child process, so the event loop keeps answering with them meanwhile; with none yet
   * (the start), nothing waits on the event loop and the rules load here unless they have an FAQ
   * (load-rules-at-start.ts). Reloads run one after another, so the last change is the one that stays.
   * `child`: a rules child already at work on these files (`kfbot serve` starts one early for the
   * first load: early-rules-child.ts), used instead of starting another.
   */
  reload(child?: RulesChild): Promise<boolean> {
    const next = this.#loading.then(() => this.#load(child));
    this.#loading = next.catch(() => false);
    return next;
  }

  async #load(child: RulesChild | undefined): Promise<boolean> {
    const fellBack = (err: unknown) =>
      this.log.warn({ err }, 'the rules loader process failed; loading on the event loop instead');
    const loaded = this.#current
      ? await loadRulesOffThread(this.target, this.cwd, fellBack, undefined, child)
      : await loadRulesAtStart(this.target, this.cwd, fellBack, child);
    this.#problems = loaded.problems;
    for (const p of loaded.problems.filter((x) => x.severity === 'warning'))
      this.log.warn(`rules: ${formatProblem(p)}`);
    if (!loaded.ruleSet) {
      for (const p of loaded.problems.filter((x) => x.severity === 'error'))
        this.log.error(`rules: ${formatProblem(p)}`);
      this.log.error(
        this.#current
          ? 'the changed rules are invalid; still serving the previous rules'
          : 'the rules are invalid; fix them (kfbot validate)',
      );
      this.metrics?.rulesReloads.inc({ result: 'invalid' });
      this.#emit();
      return false;
    }
    const ruleSet = loaded.ruleSet;
    this.#current = {
      ruleSet,
      decider: new Decider(ruleSet),
      byName: new Map(ruleSet.rules.map((r) => [r.name, r])),
      version: ++this.#version,
      loadedAt: Date.now(),
    };
    this.metrics?.rulesReloads.inc({ result: 'ok' });
    this.log.info({ ...ruleCounts(ruleSet), version: this.#version }, `rules loaded from ${this.target}`);
    this.#emit();
    return true;
  }

  /** Reloads after the files change (debounced: editors write in several steps). */
  watch(): void {
    const schedule = () => {
      clearTimeout(this.#timer);
      this.#timer = setTimeout(() => void this.reload(), 150);
    };
    try {
      this.#watcher = watch(resolve(this.cwd, this.target), { recursive: true }, schedule);
      this.#watcher.on('error', (err) => this.log.warn({ err }, 'rules watcher failed; hot reload is off'));
    } catch (err) {
      this.log.warn({ err }, 'cannot watch the rules; hot reload is off');
    }
  }

  close(): void {
    clearTimeout(this.#timer);
    this.#watcher?.close();
  }

  #emit(): void {
    for (const l of this.#listeners) l(this.#current, this.#problems);
  }
}
