/**
 * 规则 Rules, read-only: the rules this replica runs (version, when loaded), its menus as trees,
 * the FAQ items with their 相似问法, every rule with its hits and misses over the range (`report
 * rules`'s rows), and the problems of the last load (what `kfbot validate` says).
 */
import { ruleRows } from '../../cli/commands/report-rules.ts';
import { formatProblem } from '../../rules/problems.ts';
import type { MenuModel, RuleModel } from '../../rules/rule-model.ts';
import type { Template } from '../../rules/template.ts';
import type { ConsolePage } from '../console-page.ts';
import { readRange } from './console-range.ts';
import { ruleRole } from './overview-data.ts';

/** A template as written, its placeholders shown as {{name}}. */
const text = (t: Template | undefined) => t?.render((name) => `{{${name}}}`) ?? '';

function menuTree(menu: MenuModel) {
  return {
    name: menu.name,
    head: text(menu.head),
    tail: text(menu.tail),
    items: menu.items.map((item) => ({
      type: item.type,
      label: text(item.label),
      ...(item.type === 'click' && { id: item.id, ...(item.score && { score: item.score.value }) }),
      ...(item.type === 'view' && { url: item.url }),
    })),
  };
}

function describeRule(rule: RuleModel) {
  return {
    name: rule.name,
    priority: rule.priority,
    role: ruleRole(rule),
    source: rule.source.kind,
    actions: rule.actions.map((a) => (a.type === 'transfer' ? `transfer → ${a.to}` : a.type)),
    at: `${rule.at.file}:${rule.at.line}`,
  };
}

export const rulesPage: ConsolePage = {
  id: 'rules',
  title: '规则 Rules',
  nav: true,
  api: {
    rules: {
      method: 'GET',
      async handle(ctx, { query }) {
        const range = readRange(query, ctx.now());
        const q = { fromDay: range.from, ...(range.account && { openKfId: range.account }) };
        const [outcomes, unmatched] = await Promise.all([
          ctx.store.activity.listRuleOutcomes(q),
          ctx.store.activity.listUnmatched(q),
        ]);
        const within = <T extends { day: string }>(rows: T[]) => rows.filter((r) => r.day <= range.to);
        const counts = ruleRows(within(outcomes), within(unmatched));
        const snapshot = ctx.rules.current;
        const hits = new Map<string, { hits: number; misses: number }>();
        for (const r of counts) {
          if (r.rule === null) continue;
          const h = hits.get(r.rule) ?? { hits: 0, misses: 0 };
          h.hits += r.hits;
          h.misses += r.misses;
          hits.set(r.rule, h);
        }
        const ruleSet = snapshot?.ruleSet;
        return {
          range: { from: range.from, to: range.to, account: range.account ?? null },
          version: snapshot?.version ?? null,
          loadedAt: snapshot ? new Date(snapshot.loadedAt).toISOString() : null,
          source: ctx.rules.target,
          problems: ctx.rules.problems.map((p) => ({ severity: p.severity, text: formatProblem(p) })),
          rules: (ruleSet?.rules ?? []).map((r) => ({
            ...describeRule(r),
            ...(hits.get(r.name) ?? { hits: 0, misses: 0 }),
          })),
          noRule: counts.filter((r) => r.rule === null).reduce((n, r) => n + r.hits, 0),
          menus: [...(ruleSet?.menus.values() ?? [])].map(menuTree),
          faq: [...(ruleSet?.faq?.items ?? [])].map(([id, item]) => ({
            id,
            label: text(ruleSet?.faq?.labels.get(id)),
            questions: item.questions,
          })),
        };
      },
    },
  },
};
