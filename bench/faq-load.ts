/**
 * `npm run bench:faq-load`: what a big FAQ costs when rules load (issue #25 item 8). Writes two
 * rule sets into a temp folder — 1,000 items × 10 相似问法 sharing everyday wording, and one item
 * with 10,000 — and times a full load (`loadRules`: parse, compile, index, calibration, validate's
 * checks) and each step of the FAQ's part; then the longest the event loop stood still during it.
 * The near-duplicate check is timed both ways side by side: as validate did it before (a full
 * match of an even spread of at most 2,000 questions) and as it does now (near-duplicates.ts
 * finds the questions another item could take, only those are matched).
 */
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { monitorEventLoopDelay } from 'node:perf_hooks';
import { checkFaq } from '../src/rules/check-faq.ts';
import { calibrateFaq } from '../src/rules/faq/faq-calibration.ts';
import { FaqIndex } from '../src/rules/faq/faq-index.ts';
import { questionsNearOtherItems } from '../src/rules/faq/near-duplicates.ts';
import { loadRules } from '../src/rules/load-rules.ts';
import { bigFaqYaml } from '../test/e2e/big-faq-rules.ts';

function time<T>(f: () => T): [T, number] {
  const t = performance.now();
  const r = f();
  return [r, Math.round(performance.now() - t)];
}

export function measureFaqLoad() {
  const rows: Record<string, string | number>[] = [];
  for (const [name, items, perItem] of [
    ['1,000 items × 10 questions', 1000, 10],
    ['1 item × 10,000 questions', 1, 10_000],
  ] as const) {
    const dir = mkdtempSync(join(tmpdir(), 'kfbot-faq-load-'));
    writeFileSync(join(dir, 'rules.yaml'), bigFaqYaml(items, perItem));
    const delay = monitorEventLoopDelay({ resolution: 10 });
    delay.enable();
    const [loaded, total] = time(() => loadRules(dir));
    delay.disable();
    const set = loaded.ruleSet;
    if (!set?.faq) throw new Error(`${name}: ${loaded.problems.map((p) => p.message).join('; ')}`);
    const { index } = set.faq;
    const [, build] = time(
      () => new FaqIndex(index.entries, { ...index.tuning, threshold: index.decision.threshold }),
    );
    const [, calibrate] = time(() => calibrateFaq(index));
    const [, checks] = time(() => checkFaq(set));
    const listed = index.entries.flatMap((e) => e.questions);
    const every = Math.max(1, Math.ceil(listed.length / 2000));
    const [, fullMatches] = time(() => {
      if (index.entries.length > 1)
        for (let n = 0; n < listed.length; n += every) index.match(listed[n] as string);
    });
    const [near, filtered] = time(() =>
      index.entries.length > 1 ? questionsNearOtherItems(index, index.tuning.threshold) : new Uint8Array(0),
    );
    rows.push({
      'rule set': name,
      'full load (ms)': total,
      'index build (ms)': build,
      'calibration (ms)': calibrate,
      "validate's FAQ checks (ms)": checks,
      'near-duplicates the old way, 2,000 full matches (ms)': fullMatches,
      'near-duplicates now, the filter (ms)': filtered,
      'questions matched in full now': near.reduce((n, v) => n + v, 0),
    });
  }
  return rows;
}

if (import.meta.url === `file://${process.argv[1]}`) {
  for (const r of measureFaqLoad()) process.stdout.write(`${JSON.stringify(r)}\n`);
}
