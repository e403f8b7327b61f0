/**
 * The child process of loadRulesOffThread (load-rules-off-thread.ts, started by rules-child.ts): loads the rules in full —
 * parse, compile, the FAQ's index and calibration, every check — and hands back the problems and
 * the FAQ's built part as plain data (a compiled rule set holds classes, which cannot cross), then
 * exits, giving back all it allocated.
 */
import type { FaqBuildCache } from './compile-faq.ts';
import { loadRules } from './load-rules.ts';
import type { WorkerLoad, WorkerLoaded } from './rules-child.ts';

const { target, cwd } = JSON.parse(process.argv[2] ?? '{}') as WorkerLoad;
const faq: FaqBuildCache = {};
const loaded = loadRules(target, cwd, { faq });
const out: WorkerLoaded = {
  ok: loaded.ruleSet !== undefined,
  problems: loaded.problems,
  files: loaded.files,
  ...(loaded.ruleSet?.faq && faq.made && { faq: faq.made }),
};
// Disconnecting once the message is sent lets the process end: nothing else keeps it alive.
process.send?.(out, () => process.disconnect());
