/**
 * The short-lived child process that loads rules in full (load-rules-worker.ts) and hands back
 * their problems and the FAQ's built part. Apart from load-rules-off-thread.ts, which uses it, so
 * that `kfbot serve` can start it before loading its own rules code (early-rules-child.ts).
 */
import { type ChildProcess, fork } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import type { PrebuiltFaq } from './compile-faq.ts';
import type { RuleProblem } from './problems.ts';

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

/** A child at work: its answer, and a way to stop it when the answer is no longer wanted. */
export interface RulesChild {
  /** Rejects when the child could not start or ended without answering. */
  loaded: Promise<WorkerLoaded>;
  /** Ends it (if still running): its answer is no longer wanted. */
  stop(): void;
}

// From src/ (tsx, the tests) the child runs the .ts file beside this one through tsx; in dist/cli/
// the bundle's own entry (scripts/build.mjs) beside every chunk.
const fromSource = import.meta.url.endsWith('.ts');
const WORKER = new URL(fromSource ? './load-rules-worker.ts' : './load-rules-worker.js', import.meta.url);

export function startRulesChild(load: WorkerLoad): RulesChild {
  let child: ChildProcess | undefined;
  // Inside the promise, so that a fork that throws (a broken install) rejects like one that fails.
  const loaded = new Promise<WorkerLoaded>((resolve, reject) => {
    const started = fork(fileURLToPath(WORKER), [JSON.stringify(load)], {
      // Typed arrays and Maps cross as they are (the FAQ index's built part).
      serialization: 'advanced',
      // Not the server's own flags (an inspector port, --cpu-prof): only what running the file needs.
      execArgv: fromSource ? ['--import', import.meta.resolve('tsx')] : [],
      stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
    });
    child = started;
    let result: WorkerLoaded | undefined;
    started.once('message', (m) => {
      result = m as WorkerLoaded;
    });
    started.once('error', reject);
    started.once('exit', (code) =>
      result ? resolve(result) : reject(new Error(`the rules loader exited with code ${code}`)),
    );
  });
  return {
    loaded,
    stop() {
      // Nobody waits for the answer any more, so its failure (the kill) is not one to report.
      loaded.catch(() => {});
      if (child && child.exitCode === null && child.signalCode === null) child.kill();
    },
  };
}
