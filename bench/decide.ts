/**
 * Decision cost per message at 10 / 1,000 / 10,000 rules: kfbot's indexed decider next to a naive
 * single json-rules-engine holding every rule, measured in the same run (ratios, not absolute
 * times, are what carry between machines). Not a test: it never fails on a number.
 *
 *   npm run bench:rules            # prints a markdown table, writes bench/results/decide.json
 */
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Engine } from 'json-rules-engine';
import { emptyState } from '../src/rules/conversation-state.ts';
import { Decider } from '../src/rules/decider.ts';
import { addOperators, engineCondition, OperatorTables } from '../src/rules/engine-conditions.ts';
import { KeywordMatcher } from '../src/rules/keyword-matcher.ts';
import { loadRulesOrThrow } from '../src/rules/load-rules.ts';
import { messageFacts } from '../src/rules/message-facts.ts';
import { normalizeText } from '../src/rules/normalize-text.ts';
import type { RuleSet } from '../src/rules/rule-model.ts';
import { decodeSyncItem, type SyncItem } from '../src/wecom/sync-item.ts';
import { ruleFile } from './rule-file.ts';

const SIZES = [10, 1_000, 10_000];
const NOW = Date.parse('2026-11-26T02:00:00Z');

function messages(n: number): SyncItem[] {
  const base = { open_kfid: 'wk1', external_userid: 'wm1', send_time: 1, origin: 3, msgtype: 'text' };
  const out: SyncItem[] = [];
  for (let i = 0; i < 200; i++) {
    const k = (i * 7919) % Math.max(1, n);
    const text =
      i % 4 === 0
        ? { content: `问题${k % 10}`, menu_id: `m${k % 10}` }
        : i % 4 === 1
          ? { content: `我想问一下词${k}甲的事情` }
          : i % 4 === 2
            ? { content: `问句${k - (k % 3) + 2}` }
            : { content: '今天天气怎么样' };
    out.push(decodeSyncItem({ ...base, msgid: `m${i}`, text }));
  }
  return out;
}

/**
 * The floor: what the same rules cost hand-written, with no engine — a map per menu id and exact
 * text, one keyword automaton, and the priorities already sorted in.
 */
function handWritten(n: number): (item: SyncItem) => string | undefined {
  const menuItems = Math.max(2, Math.floor(n * 0.3));
  const byMenu = new Map<string, string>();
  for (let i = 0; i < menuItems; i++) byMenu.set(`m${i}`, `答案${i}`);
  const exact = new Map<string, string>();
  const keywords: [string, string][] = [];
  for (let i = 0; i < n - menuItems - 3; i++) {
    if (i % 3 === 2) exact.set(`问句${i}`, `回答${i}`);
    else keywords.push([`词${i}甲`, `回答${i}`], [`词${i}乙`, `回答${i}`]);
  }
  const matcher = keywords.length ? new KeywordMatcher(keywords) : undefined;
  return (item) => {
    if (item.kind !== 'text') return undefined;
    const menu = item.text.menu_id && byMenu.get(item.text.menu_id);
    if (menu) return menu;
    const text = normalizeText(item.text.content);
    return exact.get(text) ?? matcher?.findAll(text)[0] ?? '没听懂';
  };
}

/** The naive alternative: one json-rules-engine holding every rule, highest priority wins. */
function naiveEngine(set: RuleSet): Engine {
  const engine = new Engine([], { allowUndefinedFacts: true });
  const tables = new OperatorTables(set.settings.schedules);
  addOperators(engine, tables);
  for (const rule of set.rules) {
    engine.addRule({
      conditions: engineCondition(rule.condition, tables),
      event: { type: rule.name },
      priority: Math.max(1, rule.priority + 1000),
    });
  }
  return engine;
}

async function medianMicros(
  run: () => Promise<unknown>,
  budgetMs: number,
): Promise<{ median: number; runs: number }> {
  const samples: number[] = [];
  const start = performance.now();
  for (let i = 0; i < 5; i++) await run(); // warm up
  while (performance.now() - start < budgetMs || samples.length < 20) {
    const t = performance.now();
    await run();
    samples.push((performance.now() - t) * 1000);
    if (samples.length >= 20_000) break;
  }
  samples.sort((a, b) => a - b);
  return { median: samples[Math.floor(samples.length / 2)] as number, runs: samples.length };
}

export async function measureDecisions(): Promise<Record<string, number | string>[]> {
  const dir = mkdtempSync(join(tmpdir(), 'kfbot-bench-'));
  const rows: Record<string, number | string>[] = [];
  for (const n of SIZES) {
    const file = join(dir, `rules-${n}.yaml`);
    writeFileSync(file, ruleFile(n));
    const t0 = performance.now();
    const set = loadRulesOrThrow(file);
    const loadMs = performance.now() - t0;
    const decider = new Decider(set);
    const msgs = messages(n);
    let i = 0;
    const kfbot = await medianMicros(
      () => decider.decide(msgs[i++ % msgs.length] as SyncItem, { state: emptyState(), now: NOW }),
      1500,
    );
    const naive = naiveEngine(set);
    let j = 0;
    const naiveRun = await medianMicros(
      () => {
        const item = msgs[j++ % msgs.length] as SyncItem;
        return naive.run(
          messageFacts(item, {
            state: emptyState(),
            now: NOW,
            timezone: 'Asia/Shanghai',
            holidays: new Set(),
          }),
        );
      },
      n >= 10_000 ? 4000 : 1500,
    );
    const floor = handWritten(n);
    let k = 0;
    const floorRun = await medianMicros(async () => floor(msgs[k++ % msgs.length] as SyncItem), 1000);
    rows.push({
      rules: set.rules.length,
      'load ms': Math.round(loadMs),
      'kfbot median µs': Number(kfbot.median.toFixed(1)),
      'naive engine µs': Number(naiveRun.median.toFixed(1)),
      'hand-written µs': Number(floorRun.median.toFixed(2)),
      'kfbot vs naive': `${Math.round(naiveRun.median / kfbot.median)}× faster`,
      'kfbot vs hand-written': `${(kfbot.median / floorRun.median).toFixed(0)}× slower`,
    });
    process.stderr.write(`measured ${set.rules.length} rules (${kfbot.runs} + ${naiveRun.runs} runs)\n`);
  }
  return rows;
}

export function markdownTable(rows: Record<string, number | string>[]): string {
  const header = Object.keys(rows[0] ?? {});
  return [
    `| ${header.join(' | ')} |`,
    `|${header.map(() => '---').join('|')}|`,
    ...rows.map((r) => `| ${header.map((h) => r[h]).join(' | ')} |`),
  ].join('\n');
}

// `npm run bench:rules`: this part alone.
if (import.meta.url === `file://${process.argv[1]}`) {
  const rows = await measureDecisions();
  console.log(markdownTable(rows));
  mkdirSync('bench/results', { recursive: true });
  writeFileSync('bench/results/decide.json', `${JSON.stringify({ node: process.version, rows }, null, 2)}\n`);
}
