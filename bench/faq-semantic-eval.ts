/**
 * `npm run eval:faq:semantic`: the FAQ with a semantic provider — the fake provider of the tests
 * (test/support/fake-embeddings-server.ts) on loopback, its concept vectors standing in for a
 * real embedding model — on the same labelled phrasings as `npm run eval:faq`, through the real
 * client, breaker and fusion, each phrasing asked for as a customer message is. Prints what the
 * issue's targets name: answered right directly, wrong, out-of-domain answered, and the p95
 * latency the provider adds, next to the matcher alone.
 *
 * What it shows is the plumbing and the fusion, not a real model's quality: the concept vectors
 * were written from the rule files' topics (never from these phrasings), and a real provider
 * is measured by the operator with `kfbot test --faq` (docs/semantic.md).
 */
import { readFileSync } from 'node:fs';
import { measureAccuracy } from '../src/rules/faq/faq-accuracy.ts';
import { parsePhrasings } from '../src/rules/faq/phrasing-list.ts';
import { loadRulesOrThrow } from '../src/rules/load-rules.ts';
import { percentile, runSemantic } from '../src/runtime/semantic-eval.ts';
import { MemoryEmbeddingCache } from '../src/semantic/memory-embedding-cache.ts';
import { resolveSemantic } from '../src/semantic/semantic-config.ts';
import { SemanticMatcher } from '../src/semantic/semantic-matcher.ts';
import { startFakeEmbeddings } from '../test/support/fake-embeddings-server.ts';
import { markdownTable } from './decide.ts';

const DOMAINS = [
  { name: 'shop (default rules/)', rules: 'rules', phrasings: 'bench/faq/shop' },
  { name: 'hotel (bench/faq/hotel)', rules: 'bench/faq/hotel', phrasings: 'bench/faq/hotel' },
];
const SETS = { tuning: '', 'held-out': '-heldout', test: '-test' } as const;
const pct = (x: number) => `${(x * 100).toFixed(1)} %`;

export async function evaluateSemantic() {
  const fake = await startFakeEmbeddings({
    prefix: '/compatible-mode/v1',
    key: 'sk-bench',
    faults: { maxBatch: 10 },
  });
  const rows: Record<string, string>[] = [];
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
    for (const domain of DOMAINS) {
      const set = loadRulesOrThrow(domain.rules);
      const faq = set.faq;
      if (!faq) throw new Error(`${domain.rules} has no FAQ`);
      for (const [which, suffix] of Object.entries(SETS)) {
        const file = `${domain.phrasings}${suffix}.txt`;
        const { phrasings } = parsePhrasings(readFileSync(file, 'utf8'));
        const matcher = new SemanticMatcher(config, { cache: new MemoryEmbeddingCache() });
        const run = await runSemantic(
          matcher,
          faq,
          phrasings.map((p) => p.text),
        );
        allMs.push(...run.addedMs);
        const lexical = measureAccuracy(faq.index, phrasings);
        const fused = measureAccuracy(faq.index, phrasings, run.decide);
        rows.push({
          domain: domain.name,
          set: which,
          phrasings: `${fused.inDomain} + ${fused.outOfDomain} out of domain`,
          'right directly': pct(fused.accuracy),
          'clarifying menu, right in it': pct(fused.clarified / fused.inDomain),
          wrong: pct(fused.wrong / fused.inDomain),
          'out-of-domain answered': pct(fused.falseAnswerRate),
          'matcher alone: right / wrong / out-of-domain answered': `${pct(lexical.accuracy)} / ${pct(lexical.wrong / lexical.inDomain)} / ${pct(lexical.falseAnswerRate)}`,
          'added latency p50 / p95': `${percentile(run.addedMs, 50).toFixed(1)} / ${percentile(run.addedMs, 95).toFixed(1)} ms`,
          'lexical stood (provider failed)': String(phrasings.length - (run.outcomes.fused ?? 0)),
          'fusion threshold / margin': `${run.calibration.threshold} / ${run.calibration.margin}${config.pinned.length ? ` (pinned: ${config.pinned.join(', ')})` : ' (calibrated)'}`,
        });
      }
    }
  } finally {
    await fake.close();
  }
  return { rows, p95: percentile(allMs, 95), p50: percentile(allMs, 50) };
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const r = await evaluateSemantic();
  process.stdout.write(
    `## FAQ with a semantic provider (fake concept vectors on loopback)\n\n${markdownTable(r.rows)}\n\n` +
      `### Added latency over every phrasing: p50 ${r.p50.toFixed(1)} ms, p95 ${r.p95.toFixed(1)} ms\n`,
  );
}
