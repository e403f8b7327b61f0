/**
 * Measures a semantic provider on labelled phrasings, for `kfbot test --faq` and `npm run
 * eval:faq`: each phrasing is asked for one at a time, as a customer's message would be, and the
 * time each adds is kept; the decision is then the lexical one fused with the view, exactly as
 * serve decides (rules/faq/semantic-fusion.ts).
 */
import type { FaqOutcome } from '../rules/faq/faq-index.ts';
import { fuseSemantic, type SemanticView } from '../rules/faq/semantic-fusion.ts';
import type { FaqModel } from '../rules/rule-model.ts';
import type { SemanticCalibration } from '../semantic/semantic-calibration.ts';
import type { SemanticMatcher, SemanticOutcome } from '../semantic/semantic-matcher.ts';

export interface SemanticRun {
  /** Decides a text: lexical, fused with its view when the provider gave one. */
  decide: (text: string) => FaqOutcome;
  /** ms each phrasing's lookup added, in the order asked. */
  addedMs: number[];
  /** How the lookups went (fused, timeout, …). */
  outcomes: Partial<Record<SemanticOutcome, number>>;
  /** The fusion's threshold and margin for this rule set (calibrated unless pinned). */
  calibration: SemanticCalibration;
}

export async function runSemantic(
  matcher: SemanticMatcher,
  faq: FaqModel,
  texts: readonly string[],
): Promise<SemanticRun> {
  const outcomes: Partial<Record<SemanticOutcome, number>> = {};
  const entries = faq.index.entries;
  const { calibration } = await matcher.prepare(entries);
  const views = new Map<string, SemanticView | undefined>();
  const addedMs: number[] = [];
  for (const text of texts) {
    const t0 = performance.now();
    const view = await matcher.view(entries, text, (o) => {
      outcomes[o] = (outcomes[o] ?? 0) + 1;
    });
    addedMs.push(performance.now() - t0);
    views.set(text, view);
  }
  return {
    decide: (text) => {
      const lexical = faq.index.match(text);
      const view = views.get(text);
      return view ? fuseSemantic(lexical, view, entries) : lexical;
    },
    addedMs,
    outcomes,
    calibration,
  };
}

/** The p-th percentile (0–100) of some numbers, nearest rank. */
export function percentile(values: readonly number[], p: number): number {
  if (values.length === 0) return 0;
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1))] as number;
}
