/**
 * The first load of `kfbot serve`: nothing is serving yet (no rules, and the server listens only
 * once they are loaded), so there is no answer for a child process to keep flowing, and starting
 * one costs a second Node start and a second read of every file (start → /readyz with 1,000 rules:
 * 515 → 866 ms when every load went to the child; docs/performance.md). So the rules are read and
 * compiled here — once — unless they list typed questions: an FAQ's index, calibration and
 * near-duplicate checks still run in the child (load-rules-off-thread.ts), whose memory all goes
 * back when it exits, because what they allocate and the code they run would otherwise stay with
 * every idle server (issue #28: the default rules, an FAQ, idle under 64 MB). Reloads keep the
 * child for every rule set: then there are rules serving, and answering must not stop.
 */
import { isRecord } from './compile-context.ts';
import { type LoadedRules, loadRules } from './load-rules.ts';
import { loadRulesOffThread } from './load-rules-off-thread.ts';
import { type RuleSources, readRuleSources } from './rule-source.ts';
import type { RulesChild } from './rules-child.ts';

/**
 * Whether the files ask for an FAQ index: a faq: section, or questions: on a menu item (as
 * compile-rules.ts reads them). Shapes it would reject count too: the child then finds the problem.
 */
export function listsQuestions(sources: RuleSources): boolean {
  return sources.docs.some(({ data }) => {
    if (!isRecord(data)) return false;
    if (data.faq !== undefined) return true;
    if (!isRecord(data.menus)) return false;
    return Object.values(data.menus).some(
      (menu) =>
        isRecord(menu) &&
        Array.isArray(menu.items) &&
        menu.items.some((item) => isRecord(item) && item.questions !== undefined),
    );
  });
}

/**
 * loadRules (same result, never throws) for a start: here, or in a child when there is an FAQ to
 * build. `early`: a child `kfbot serve` started for these rules before reading them
 * (early-rules-child.ts), used when there is an FAQ and stopped when there is none.
 */
export async function loadRulesAtStart(
  target: string,
  cwd: string = process.cwd(),
  fellBack?: (err: unknown) => void,
  early?: RulesChild,
): Promise<LoadedRules> {
  const sources = readRuleSources(target, cwd);
  if (!listsQuestions(sources)) {
    early?.stop();
    return loadRules(target, cwd, { sources });
  }
  return loadRulesOffThread(target, cwd, fellBack, sources, early);
}
