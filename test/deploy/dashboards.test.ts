/**
 * The Grafana dashboard and the Prometheus alert rules shipped in deploy/ name only metrics (and
 * labels) a running kfbot serves on /metrics, and the rules parse — with promtool when it is
 * installed (Debian: apt install prometheus), else with a YAML parser and a structure check.
 */
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { startSimulator, type WeComSimulator } from '../../src/simulator/index.ts';
import { type InProcessKfbot, startInProcess } from '../support/in-process-kfbot.ts';

const DASHBOARD = new URL('../../deploy/grafana/kfbot.json', import.meta.url);
const ALERTS = new URL('../../deploy/prometheus/kfbot-alerts.yml', import.meta.url);
/** Labels Prometheus adds itself, and the histogram bucket label. */
const PROMETHEUS_LABELS = new Set(['instance', 'job', 'le']);
/** Series Prometheus makes itself. */
const PROMETHEUS_SERIES = new Set(['up']);
/** PromQL words that look like names. */
const PROMQL_WORDS = new Set([
  'sum',
  'by',
  'rate',
  'increase',
  'max',
  'min',
  'topk',
  'and',
  'deriv',
  'histogram_quantile',
]);

let sim: WeComSimulator;
let bot: InProcessKfbot;
/** Metric family → its label names, as the running kfbot serves them. */
const families = new Map<string, Set<string>>();

beforeAll(async () => {
  sim = await startSimulator();
  bot = await startInProcess(sim);
  const text = await (await fetch(`${bot.app.url}/metrics`)).text();
  for (const [, name] of text.matchAll(/^# TYPE (\S+) \S+$/gm)) families.set(name as string, new Set());
  for (const name of families.keys()) {
    const labels = (bot.app.metrics.registry.getSingleMetric(name) as unknown as { labelNames?: string[] })
      ?.labelNames;
    for (const l of labels ?? []) families.get(name)?.add(l);
  }
});

afterAll(async () => {
  await bot?.close();
  await sim?.close();
});

/** The family a series name belongs to (histograms serve _bucket, _sum and _count). */
function familyOf(series: string): string | undefined {
  if (families.has(series)) return series;
  const base = series.replace(/_(bucket|sum|count)$/, '');
  return families.has(base) ? base : undefined;
}

/** Every problem with one PromQL expression: unknown series, and labels its series do not have. */
function problemsOf(expr: string): string[] {
  const problems: string[] = [];
  const names = [...expr.matchAll(/\b([a-z_][a-z0-9_]*)\s*(\{[^}]*\})?/g)];
  const used: string[] = [];
  for (const [, name, matchers] of names) {
    if (!name || PROMQL_WORDS.has(name) || !/_/.test(name) || name.startsWith('$__')) continue;
    if (PROMETHEUS_SERIES.has(name)) continue;
    // Inside by (...) the words are labels, checked below.
    const family = familyOf(name);
    if (!family) {
      if (!/^kfbot_/.test(name)) continue;
      problems.push(`${name} is not served on /metrics`);
      continue;
    }
    used.push(family);
    for (const [, label] of (matchers ?? '').matchAll(/([a-z_]+)\s*(=~|!=|!~|=)/g)) {
      if (!families.get(family)?.has(label as string) && !PROMETHEUS_LABELS.has(label as string))
        problems.push(`${family} has no label "${label}"`);
    }
  }
  for (const [, list] of expr.matchAll(/\bby\s*\(([^)]*)\)/g)) {
    for (const label of (list ?? '').split(',').map((l) => l.trim())) {
      if (PROMETHEUS_LABELS.has(label)) continue;
      if (!used.some((f) => families.get(f)?.has(label)))
        problems.push(`no series in "${expr}" has label "${label}"`);
    }
  }
  return problems;
}

describe('deploy/', () => {
  it('the Grafana dashboard names only metrics and labels kfbot serves', () => {
    const dashboard = JSON.parse(readFileSync(DASHBOARD, 'utf8')) as {
      panels: { title: string; targets?: { expr: string }[] }[];
    };
    const exprs = dashboard.panels.flatMap((p) => (p.targets ?? []).map((t) => t.expr));
    expect(exprs.length).toBeGreaterThan(20);
    expect(exprs.flatMap(problemsOf)).toEqual([]);
    // What an on-call engineer looks for first has a panel.
    const titles = dashboard.panels.map((p) => p.title).join('\n');
    for (const want of [
      /Answers per second/,
      /latency/,
      /Welcomes/,
      /45009/,
      /Backlog/,
      /Callbacks/,
      /FAQ/,
      /Lanes busy/,
    ])
      expect(titles).toMatch(want);
  });

  it('the alert rules name only metrics and labels kfbot serves', () => {
    const rules = parse(readFileSync(ALERTS, 'utf8')) as {
      groups: {
        rules: {
          alert: string;
          expr: string;
          labels: { severity: string };
          annotations: { summary: string };
        }[];
      }[];
    };
    const all = rules.groups.flatMap((g) => g.rules);
    expect(all.map((r) => r.alert)).toEqual(
      expect.arrayContaining([
        'KfbotCallbacksFailing',
        'KfbotCodesExpiring',
        'KfbotApiPaused',
        'KfbotBacklogGrowing',
        'KfbotStoreDown',
      ]),
    );
    for (const r of all) {
      expect(r.labels.severity, r.alert).toMatch(/^(page|ticket)$/);
      expect(r.annotations.summary, r.alert).toBeTruthy();
    }
    expect(all.flatMap((r) => problemsOf(r.expr))).toEqual([]);
  });

  it('the alert rules parse (promtool check rules, when installed)', () => {
    let promtool = true;
    try {
      execFileSync('promtool', ['--version'], { stdio: 'ignore' });
    } catch {
      promtool = false;
    }
    if (!promtool) {
      // Without promtool: balanced brackets in every expression is what a YAML parser cannot see.
      const rules = parse(readFileSync(ALERTS, 'utf8')) as { groups: { rules: { expr: string }[] }[] };
      for (const r of rules.groups.flatMap((g) => g.rules)) {
        let depth = 0;
        for (const c of r.expr) {
          depth += c === '(' || c === '{' || c === '[' ? 1 : c === ')' || c === '}' || c === ']' ? -1 : 0;
          expect(depth).toBeGreaterThanOrEqual(0);
        }
        expect(depth).toBe(0);
      }
      return;
    }
    const out = execFileSync('promtool', ['check', 'rules', ALERTS.pathname], { encoding: 'utf8' });
    expect(out).toMatch(/SUCCESS: \d+ rules found/);
  });
});
