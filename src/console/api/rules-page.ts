/**
 * 规则 Rules, read-only: the rules this replica runs (version, when loaded), every live replica's
 * published version (the store's replica registry), its menus as trees,
 * the FAQ items with their 相似问法, every rule with its hits and what of its replies reached the
 * customer (delivered, partly, undelivered) over the range (`report rules`'s rows), and the
 * problems of the last load (what `kfbot validate` says).
 */

import { DELIVERY_KEYS, type Delivery, noDelivery, partlyText, ruleRows } from '../../reports/rule-rows.ts';
import { formatProblemZh } from '../../rules/problem-zh.ts';
import type { MenuModel, RuleModel } from '../../rules/rule-model.ts';
import type { Template } from '../../rules/template.ts';
import type { ConsolePage } from '../console-page.ts';
import { actionLabel } from './action-label.ts';
import { rangeQuery, readRange } from './console-range.ts';
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
    actions: rule.actions.map(actionLabel),
    at: `${rule.at.file}:${rule.at.line}`,
  };
}

/** The partial deliveries in `report rules`'s words (1 (2 of 3 parts)), for the page to show as is. */
const withText = (d: Delivery) => ({ ...d, partlyText: partlyText(d) });

export const rulesPage: ConsolePage = {
  id: 'rules',
  title: '规则 Rules',
  nav: true,
  api: {
    rules: {
      method: 'GET',
      async handle(ctx, { query }) {
        const range = readRange(query, ctx);
        const q = rangeQuery(range);
        const [outcomes, unmatched, partly, replicas] = await Promise.all([
          ctx.store.activity.listRuleOutcomes(q),
          ctx.store.activity.listUnmatched(q),
          ctx.store.activity.listPartlyDelivered(q),
          // Wall-clock time, as the heartbeats are written (a sandbox's clock skips ahead).
          ctx.store.replicas.listReplicas(Date.now()),
        ]);
        const within = <T extends { day: string }>(rows: T[]) => rows.filter((r) => r.day <= range.to);
        const counts = ruleRows(within(outcomes), within(unmatched), within(partly));
        const snapshot = ctx.rules.current;
        // `report rules`'s rows, the accounts summed per rule.
        const hits = new Map<string, Delivery>();
        for (const r of counts) {
          if (r.rule === null) continue;
          const h = hits.get(r.rule) ?? noDelivery();
          for (const k of DELIVERY_KEYS) h[k] += r[k];
          hits.set(r.rule, h);
        }
        const ruleSet = snapshot?.ruleSet;
        return {
          range: { from: range.from, to: range.to, account: range.account ?? null },
          version: snapshot?.version ?? null,
          loadedAt: snapshot ? new Date(snapshot.loadedAt).toISOString() : null,
          source: ctx.rules.target,
          // Every live replica (this one included): which published version each has written.
          replicas: replicas.map((r) => ({
            id: r.id,
            self: r.id === ctx.replicaId,
            host: r.host,
            rulesVersion: r.rulesVersion,
            rulesPublished: r.rulesPublished,
            rulesDiverged: r.rulesDiverged,
            startedAt: new Date(r.startedAt).toISOString(),
            at: new Date(r.at).toISOString(),
          })),
          problems: ctx.rules.problems.map((p) => ({ severity: p.severity, text: formatProblemZh(p) })),
          rules: (ruleSet?.rules ?? []).map((r) => ({
            ...describeRule(r),
            ...withText(hits.get(r.name) ?? noDelivery()),
          })),
          // Messages no rule matched are kept as `unmatched` on the rule-less row (report rules).
          noRule: counts.filter((r) => r.rule === null).reduce((n, r) => n + r.unmatched, 0),
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
