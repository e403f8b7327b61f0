/**
 * `npm run eval:faq:semantic`: the FAQ with a semantic provider — the fake provider of the tests
 * (test/support/fake-embeddings-server.ts) on loopback, its concept vectors standing in for a
 * real embedding model — on the same labelled phrasings as `npm run eval:faq` and with the same
 * roles (faq-eval.ts's SETS), through the real client, breaker and fusion, each phrasing asked for
 * as a customer message is. Prints what the issue's targets name per file and per group: answered
 * right directly, a clarifying menu with the right item, answered wrong, out-of-domain answered,
 * and the latency the provider adds, next to the matcher alone.
 *
 * `-- --tuning` measures the tuning group only, as `npm run eval:faq -- --tuning` does: what to
 * run while changing the fusion; a held-out set is then never loaded, so that its totals are read
 * only when a change is done. Which phrasing failed is never printed here (for the tuning group,
 * `kfbot test --faq` shows it).
 *
 * What it shows is the plumbing and the fusion, not a real model's quality: the concept vectors
 * are a general vocabulary of consumer customer service written from general knowledge of Chinese
 * (test/support/concept-vectors.ts), never from these phrasings nor from the failures seen here —
 * the fusion is improved by how kfbot uses the provider, never by teaching the fake model the test
 * words; a real provider is measured by the operator with `kfbot test --faq` (docs/semantic.md).
 */
import { readFileSync } from 'node:fs';
import { type AccuracySummary, measureAccuracy } from '../src/rules/faq/faq-accuracy.ts';
import { parsePhrasings } from '../src/rules/faq/phrasing-list.ts';
import { loadRulesOrThrow } from '../src/rules/load-rules.ts';
import { percentile, runSemantic } from '../src/runtime/semantic-eval.ts';
import { MemoryEmbeddingCache } from '../src/semantic/memory-embedding-cache.ts';
import { resolveSemantic } from '../src/semantic/semantic-config.ts';
import { SemanticMatcher } from '../src/semantic/semantic-matcher.ts';
import { startFakeEmbeddings } from '../test/support/fake-embeddings-server.ts';
import { markdownTable } from './decide.ts';
import { type Role, SETS } from './faq-eval.ts';

const pct = (x: number) => `${(x * 100).toFixed(1)} %`;

/** Counts over one file or a group of them. */
interface Tally {
  inDomain: number;
  outOfDomain: number;
  correct: number;
  clarified: number;
  /** Answered with another item. */
  wrong: number;
  /** A clarifying menu without the right item. */
  menuWithout: number;
  falseAnswers: number;
  lexicalCorrect: number;
  lexicalWrong: number;
  lexicalFalseAnswers: number;
  failed: number;
  addedMs: number[];
}

const answeredWrong = (s: AccuracySummary) =>
  s.results.filter((r) => r.verdict === 'wrong' && !r.got.startsWith('clarify')).length;

function row(set: string, domain: string, file: string, t: Tally, fusion: string): Record<string, string> {
  const of = (n: number) => pct(t.inDomain ? n / t.inDomain : 0);
  const ood = (n: number) => pct(t.outOfDomain ? n / t.outOfDomain : 0);
  return {
    set,
    domain,
    file,
    phrasings: `${t.inDomain} + ${t.outOfDomain} out of domain`,
    'right directly': of(t.correct),
    'clarifying menu, right in it': of(t.clarified),
    'answered wrong': of(t.wrong),
    'menu without it': of(t.menuWithout),
    'out-of-domain answered': ood(t.falseAnswers),
    'matcher alone: right / wrong / out-of-domain answered': `${of(t.lexicalCorrect)} / ${of(t.lexicalWrong)} / ${ood(t.lexicalFalseAnswers)}`,
    'added latency p50 / p95': `${percentile(t.addedMs, 50).toFixed(1)} / ${percentile(t.addedMs, 95).toFixed(1)} ms`,
    'lexical stood (provider failed)': String(t.failed),
    'fusion threshold / margin': fusion,
  };
}

export async function evaluateSemantic(opts: { roles?: readonly Role[] } = {}) {
  const roles = opts.roles ?? ['tuning', 'held-out'];
  const fake = await startFakeEmbeddings({
    prefix: '/compatible-mode/v1',
    key: 'sk-bench',
    faults: { maxBatch: 10 },
  });
  const rows: Record<string, string>[] = [];
  const totals = new Map<Role, Tally>();
  const allMs: number[] = [];
  try {
    const { config } = resolveSemantic(
      { provider: 'dashscope', baseUrl: fake.url },
      {
        DASHSCOPE_API_KEY: 'sk-bench',
        // To try other fusion settings: KFBOT_SEMANTIC_THRESHOLD=0.8 npm run eval:faq:semantic
        ...(process.env.KFBOT_SEMANTIC_THRESHOLD && {
          KFBOT_SEMANTIC_THRESHOLD: process.env.KFBOT_SEMANTIC_THRESHOLD,
        }),
        ...(process.env.KFBOT_SEMANTIC_MARGIN && {
          KFBOT_SEMANTIC_MARGIN: process.env.KFBOT_SEMANTIC_MARGIN,
        }),
      },
    );
    if (!config) throw new Error('the bench provider setting is invalid');
    for (const which of SETS) {
      if (!roles.includes(which.role)) continue;
      const faq = loadRulesOrThrow(which.rules).faq;
      if (!faq) throw new Error(`${which.rules} has no FAQ`);
      const { phrasings, problems } = parsePhrasings(readFileSync(which.file, 'utf8'));
      if (problems.length) throw new Error(`${which.file}: ${problems.length} lines could not be read`);
      const matcher = new SemanticMatcher(config, { cache: new MemoryEmbeddingCache() });
      const run = await runSemantic(
        matcher,
        faq,
        phrasings.map((p) => p.text),
      );
      allMs.push(...run.addedMs);
      const lexical = measureAccuracy(faq.index, phrasings);
      const fused = measureAccuracy(faq.index, phrasings, run.decide);
      const wrong = answeredWrong(fused);
      const t: Tally = {
        inDomain: fused.inDomain,
        outOfDomain: fused.outOfDomain,
        correct: fused.correct,
        clarified: fused.clarified,
        wrong,
        menuWithout: fused.wrong - wrong,
        falseAnswers: fused.falseAnswers,
        lexicalCorrect: lexical.correct,
        lexicalWrong: answeredWrong(lexical),
        lexicalFalseAnswers: lexical.falseAnswers,
        failed: phrasings.length - (run.outcomes.fused ?? 0),
        addedMs: run.addedMs,
      };
      const c = run.calibration;
      const fusion = `${c.threshold} / ${c.margin}${config.pinned.length ? ` (pinned: ${config.pinned.join(', ')})` : ' (calibrated)'}`;
      rows.push(row(which.role, which.domain, which.file.replace('bench/faq/', ''), t, fusion));
      const total = totals.get(which.role);
      if (!total) totals.set(which.role, { ...t, addedMs: [...t.addedMs] });
      else
        for (const k of Object.keys(t) as (keyof Tally)[])
          if (k === 'addedMs') total.addedMs.push(...t.addedMs);
          else total[k] += t[k];
    }
  } finally {
    await fake.close();
  }
  for (const [role, t] of totals) rows.push(row(`**${role} total**`, '', '', t, ''));
  return { rows, p95: percentile(allMs, 95), p50: percentile(allMs, 50) };
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const tuningOnly = process.argv.includes('--tuning');
  const r = await evaluateSemantic(tuningOnly ? { roles: ['tuning'] } : {});
  process.stdout.write(
    `## FAQ with a semantic provider (fake concept vectors on loopback)${tuningOnly ? ', tuning sets only' : ''}\n\n${markdownTable(r.rows)}\n\n` +
      `### Added latency over every phrasing: p50 ${r.p50.toFixed(1)} ms, p95 ${r.p95.toFixed(1)} ms\n`,
  );
}
