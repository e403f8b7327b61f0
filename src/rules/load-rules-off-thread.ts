/**
 * loadRules without stopping the event loop for the costly part (issue #25 item 8): a worker thread
 * loads the rules in full (load-rules-worker.ts) while the server keeps answering /healthz and
 * callbacks with the rules it has. Invalid rules come back as the worker's problems and cost the
 * main thread nothing; valid ones are compiled again here, reusing the worker's FAQ index and
 * calibration (plain arrays, handed over by structured clone) and its checks — what remains is
 * reading the YAML and building the rule objects, which cannot cross threads (classes, closures).
 * Should the files change between the two reads, the FAQ's key no longer matches and this thread
 * builds it as loadRules always did: slower, never wrong.
 */
import { Worker } from 'node:worker_threads';
import type { PrebuiltFaq } from './compile-faq.ts';
import { type LoadedRules, loadRules } from './load-rules.ts';
import type { RuleProblem } from './problems.ts';

/** What the worker is given. */
export interface WorkerLoad {
  target: string;
  cwd: string;
}

/** What the worker hands back. */
export interface WorkerLoaded {
  ok: boolean;
  problems: RuleProblem[];
  files: string[];
  faq?: PrebuiltFaq;
}

// From src/ (tsx, the tests) the worker is the .ts file beside this one; in dist/cli/ the bundle's
// own entry (scripts/build.mjs) beside every chunk.
const fromSource = import.meta.url.endsWith('.ts');
const WORKER = new URL(fromSource ? './load-rules-worker.ts' : './load-rules-worker.js', import.meta.url);

function inWorker(load: WorkerLoad): Promise<WorkerLoaded> {
  return new Promise((resolve, reject) => {
    // A worker does not inherit tsx's hooks from `--import tsx` (Node 20): from src/, its first line
    // loads the .ts file through tsx's API.
    const worker = fromSource
      ? new Worker(
          `import(${JSON.stringify(import.meta.resolve('tsx/esm/api'))}).then((tsx) => tsx.tsImport(${JSON.stringify(WORKER.href)}, ${JSON.stringify(import.meta.url)}))`,
          { eval: true, workerData: load },
        )
      : new Worker(WORKER, { workerData: load });
    let result: WorkerLoaded | undefined;
    worker.once('message', (m: WorkerLoaded) => {
      result = m;
    });
    worker.once('error', reject);
    worker.once('exit', (code) =>
      result ? resolve(result) : reject(new Error(`the rules worker exited with code ${code}`)),
    );
  });
}

/** loadRules (same result, never throws), the costly part on a worker thread. */
export async function loadRulesOffThread(target: string, cwd: string = process.cwd()): Promise<LoadedRules> {
  let built: WorkerLoaded;
  try {
    built = await inWorker({ target, cwd });
  } catch {
    // No worker (a thread limit, a broken install): load here, as before.
    return loadRules(target, cwd);
  }
  if (!built.ok) return { problems: built.problems, files: built.files };
  return loadRules(target, cwd, { ...(built.faq && { faq: { use: built.faq } }), checked: built.problems });
}
