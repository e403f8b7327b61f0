/**
 * loadRules without stopping the event loop for the costly part (issue #25 item 8): a short-lived
 * child process loads the rules in full (load-rules-worker.ts) while the server keeps answering
 * /healthz and callbacks with the rules it has. Invalid rules come back as the child's problems and
 * cost this process nothing; valid ones are compiled again here, reusing the child's FAQ index and
 * calibration (plain arrays, handed over by V8's serializer) and its checks — what remains is
 * reading the YAML and building the rule objects, which cannot cross processes (classes, closures).
 * Should the files change between the two reads, the FAQ's key no longer matches and this process
 * builds it as loadRules always did: slower, never wrong.
 *
 * A process, not a worker thread (issue #28, memory): a worker's heap goes with it, but the pages
 * its allocator arena and thread touched stay with the server — 3–5 MB of every idle `kfbot serve`
 * (npm run bench:faq-memory). A child's memory all goes back when it exits; starting it costs
 * ~50 ms more than a thread, once per load.
 */
import { type LoadedRules, loadRules } from './load-rules.ts';
import type { RuleSources } from './rule-source.ts';
import { type RulesChild, startRulesChild, type WorkerLoaded } from './rules-child.ts';

/**
 * loadRules (same result, never throws), the costly part in a child process. `fellBack` hears why
 * the child could not be used, when the rules were loaded here instead. `sources`: the files as
 * this process has already read them (load-rules-at-start.ts), compiled here instead of read again.
 * `child`: one already started for these rules (early-rules-child.ts), used instead of a new one.
 */
export async function loadRulesOffThread(
  target: string,
  cwd: string = process.cwd(),
  fellBack?: (err: unknown) => void,
  sources?: RuleSources,
  child: RulesChild = startRulesChild({ target, cwd }),
): Promise<LoadedRules> {
  const read = sources && { sources };
  let built: WorkerLoaded;
  try {
    built = await child.loaded;
  } catch (err) {
    // No child (a process limit, a broken install): load here, as before.
    fellBack?.(err);
    return loadRules(target, cwd, read);
  }
  if (!built.ok) return { problems: built.problems, files: built.files };
  return loadRules(target, cwd, {
    ...(built.faq && { faq: { use: built.faq } }),
    checked: built.problems,
    ...read,
  });
}
