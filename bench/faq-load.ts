/**
 * `npm run bench:faq-load`: what a big FAQ costs when rules load (issue #25 item 8). Writes two
 * rule sets into a temp folder — 1,000 items × 10 相似问法 sharing everyday wording, and one item
 * with 10,000 — and times a full load (`loadRules`: parse, compile, index, calibration, validate's
 * checks) and each step of the FAQ's part; then the longest the event loop stood still during it.
 */
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { monitorEventLoopDelay } from 'node:perf_hooks';
import { checkFaq } from '../src/rules/check-faq.ts';
import { calibrateFaq } from '../src/rules/faq/faq-calibration.ts';
import { FaqIndex } from '../src/rules/faq/faq-index.ts';
import { loadRules } from '../src/rules/load-rules.ts';

const TOPICS = '退款发票运费快递地址订单优惠会员积分售后尺码颜色保修安装配送价格库存预售定金尾款赠品';
const ASK = ['怎么', '多久', '能不能', '在哪', '为什么', '可以', '要不要', '什么时候', '多少钱', '有没有'];

/** A question built from everyday wording shared across items, plus a word of its own. */
function question(i: number, k: number): string {
  const t = (n: number) => TOPICS[n % TOPICS.length] as string;
  return `${t(i)}${t(i * 7 + k)}${ASK[(i + k) % ASK.length]}${t(i * 13 + 5)}处理${i}号${k}`;
}

function manyItems(items: number, perItem: number): string {
  const lines = ['faq:'];
  for (let i = 0; i < items; i++) {
    const qs = Array.from({ length: perItem }, (_, k) => JSON.stringify(question(i, k)));
    lines.push(`  - id: item_${i}`, `    questions: [${qs.join(', ')}]`, `    reply: 第 ${i} 项的答案`);
  }
  return `${lines.join('\n')}\n`;
}

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
    writeFileSync(join(dir, 'rules.yaml'), manyItems(items, perItem));
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
    rows.push({
      'rule set': name,
      'full load (ms)': total,
      'index build (ms)': build,
      'calibration (ms)': calibrate,
      "validate's FAQ checks (ms)": checks,
    });
  }
  return rows;
}

if (import.meta.url === `file://${process.argv[1]}`) {
  for (const r of measureFaqLoad()) process.stdout.write(`${JSON.stringify(r)}\n`);
}
