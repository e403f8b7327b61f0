/**
 * The worker thread of loadRulesOffThread (load-rules-off-thread.ts): loads the rules in full —
 * parse, compile, the FAQ's index and calibration, every check — and hands back the problems and
 * the FAQ's built part as plain data (a compiled rule set holds classes, which cannot cross).
 */
import { parentPort, workerData } from 'node:worker_threads';
import type { FaqBuildCache } from './compile-faq.ts';
import { loadRules } from './load-rules.ts';
import type { WorkerLoad, WorkerLoaded } from './load-rules-off-thread.ts';

const { target, cwd } = workerData as WorkerLoad;
const faq: FaqBuildCache = {};
const loaded = loadRules(target, cwd, { faq });
const out: WorkerLoaded = {
  ok: loaded.ruleSet !== undefined,
  problems: loaded.problems,
  files: loaded.files,
  ...(loaded.ruleSet?.faq && faq.made && { faq: faq.made }),
};
parentPort?.postMessage(out);
