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
import { fork } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import type { PrebuiltFaq } from './compile-faq.ts';
import { type LoadedRules, loadRules } from './load-rules.ts';
import type { RuleProblem } from './problems.ts';
import type { RuleSources } from './rule-source.ts';

/** What the child is given (as its one argument, JSON). */
export interface WorkerLoad {
  target: string;
  cwd: string;
}

/** What the child hands back. */
export interface WorkerLoaded {
  ok: boolean;
  problems: RuleProblem[];
  files: string[];
  faq?: PrebuiltFaq;
}

// From src/ (tsx, the tests) the child runs the .ts file beside this one through tsx; in dist/cli/
// the bundle's own entry (scripts/build.mjs) beside every chunk.
const fromSource = import.meta.url.endsWith('.ts');
const WORKER = new URL(fromSource ? './load-rules-worker.ts' : './load-rules-worker.js', import.meta.url);

function inChild(load: WorkerLoad): Promise<WorkerLoaded> {
  return new Promise((resolve, reject) => {
    const child = fork(fileURLToPath(WORKER), [JSON.stringify(load)], {
      // Typed arrays and Maps cross as they are (the FAQ index's built part).
      serialization: 'advanced',
      // Not the server's own flags (an inspector port, --cpu-prof): only what running the file needs.
      execArgv: fromSource ? ['--import', import.meta.resolve('tsx')] : [],
      stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
    });
    let result: WorkerLoaded | undefined;
    child.once('message', (m) => {
      result = m as WorkerLoaded;
    });
    child.once('error', reject);
    child.once('exit', (code) =>
      result ? resolve(result) : reject(new Error(`the rules loader exited with code ${code}`)),
    );
  });
}

/**
 * loadRules (same result, never throws), the costly part in a child process. `fellBack` hears why
 * the child could not be used, when the rules were loaded here instead. `sources`: the files as
 * this process has already read them (load-rules-at-start.ts), compiled here instead of read again.
 */
export async function loadRulesOffThread(
  target: string,
  cwd: string = process.cwd(),
  fellBack?: (err: unknown) => void,
  sources?: RuleSources,
): Promise<LoadedRules> {
  const read = sources && { sources };
  let built: WorkerLoaded;
  try {
    built = await inChild({ target, cwd });
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
