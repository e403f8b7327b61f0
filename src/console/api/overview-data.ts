/**
 * The overview's numbers, read through the same store queries and row functions as `kfbot report
 * sessions | satisfaction | rules` (bull-board's rule: a console is a thin layer over the calls
 * the service itself uses, never a second copy of the numbers). The report functions give rows
 * per day and account; the overview keeps the asked days, sums the accounts (or keeps the one
 * asked), and fills the days with nothing as zeros, so a chart's CSV matches its bars day by day.
 */
import { satisfactionRows } from '../../reports/satisfaction-rows.ts';
import { sessionsRows } from '../../reports/sessions-rows.ts';
import { MAX_SCORE, MIN_SCORE } from '../../rules/item-scores.ts';
import type { RuleModel } from '../../rules/rule-model.ts';
import { SESSION_END_HOWS } from '../../store/activity-log.ts';
import type { Store } from '../../store/store.ts';
import { EVENT_KIND_NAMES } from '../../wecom/message-kinds.ts';
import { type ConsoleRange, rangeQuery } from './console-range.ts';

/**
 * What a rule's hit means for containment: `answered` (the bot answered a customer message: a
 * keyword rule, a click answer, an FAQ item), `handoff` (it transferred to the queue or a
 * servicer: a 转人工 keyword, a menu item, a fallback after misses), `fallback` (the catch-all
 * answered: nothing understood the customer), `idle` (a reminder on silence), `event` (a welcome,
 * a closing remark: an answer to a WeCom event, not to a message).
 */
export type RuleRole = 'answered' | 'handoff' | 'fallback' | 'idle' | 'event';

export function ruleRole(rule: RuleModel | undefined): RuleRole {
  if (!rule) return 'answered'; // a rule no longer loaded: it answered when it ran
  if (rule.idleFor !== undefined) return 'idle';
  if (rule.actions.some((a) => a.type === 'transfer' && a.to !== 'end')) return 'handoff';
  if (rule.fallback) return 'fallback';
  const kinds = rule.keys.kinds;
  if (kinds?.length && kinds.every((k) => (EVENT_KIND_NAMES as readonly string[]).includes(k)))
    return 'event';
  return 'answered';
}

export interface ChartColumn {
  key: string;
  label: string;
}

/** One chart's table: a row per day, and what the CSV download holds. */
export interface Chart {
  id: string;
  title: string;
  /** The first column is the day. */
  columns: ChartColumn[];
  rows: Record<string, string | number>[];
}

export interface Overview {
  range: { from: string; to: string; account: string | null; timezone: string };
  /** Accounts with activity in the range, for the filter. */
  accounts: string[];
  totals: {
    answered: number;
    handoff: number;
    fallback: number;
    unmatched: number;
    /** answered ÷ (answered + handoff + fallback + unmatched); null with no messages. */
    containmentRate: number | null;
    handovers: number;
    timeouts: number;
    idleReminders: number;
    csatCount: number;
    csatAverage: number | null;
  };
  /** Hand-off rules with their hits over the range: why customers were handed to a person. */
  handoffRules: { rule: string; hits: number }[];
  csatDistribution: Record<string, number>;
  charts: Chart[];
}

const SCORES = Array.from({ length: MAX_SCORE - MIN_SCORE + 1 }, (_, i) => String(MIN_SCORE + i));

const SESSION_LABELS: Record<(typeof SESSION_END_HOWS)[number], string> = {
  timeout: '超时结束 timeout',
  servicer: '客服结束 by servicer',
  bot: '机器人结束 by bot',
  handover: '转人工 handed over',
};

export async function overviewData(
  store: Store,
  rulesByName: ReadonlyMap<string, RuleModel>,
  range: ConsoleRange,
): Promise<Overview> {
  const query = rangeQuery(range);
  const [outcomes, unmatched, scores, ends] = await Promise.all([
    store.activity.listRuleOutcomes(query),
    store.activity.listUnmatched(query),
    store.activity.listScores(query),
    store.activity.countSessionEnds(query),
  ]);
  const inRange = (day: string) => day >= range.from && day <= range.to;
  const accounts = new Set<string>();
  const perDay = <T extends Record<string, number>>(zero: () => T) => {
    const map = new Map<string, T>(range.days.map((d) => [d, zero()]));
    return (day: string) => map.get(day);
  };

  // Messages by what answered them (rule outcomes, as `report rules` reads them).
  const messages = perDay(() => ({
    answered: 0,
    handoff: 0,
    fallback: 0,
    unmatched: 0,
    idle: 0,
    event: 0,
    misses: 0,
  }));
  const handoffHits = new Map<string, number>();
  for (const o of outcomes) {
    accounts.add(o.openKfId);
    const row = inRange(o.day) ? messages(o.day) : undefined;
    if (!row) continue;
    const role = ruleRole(rulesByName.get(o.rule));
    row[role] += o.hits;
    row.misses += o.misses;
    if (role === 'handoff') handoffHits.set(o.rule, (handoffHits.get(o.rule) ?? 0) + o.hits);
  }
  for (const u of unmatched) {
    accounts.add(u.openKfId);
    const row = inRange(u.day) ? messages(u.day) : undefined;
    if (row) row.unmatched += u.messages;
  }

  // Session ends and hand-overs: `report sessions`'s rows, accounts summed per day.
  const sessions = perDay(() => ({ timeout: 0, servicer: 0, bot: 0, handover: 0 }));
  for (const r of sessionsRows(ends)) {
    accounts.add(r.openKfId);
    const row = inRange(r.day) ? sessions(r.day) : undefined;
    if (row) for (const how of SESSION_END_HOWS) row[how] += r[how];
  }

  // Satisfaction: `report satisfaction`'s rows; a day's average over accounts from the counts.
  const csat = perDay((): Record<string, number> & { count: number; sum: number } => ({
    count: 0,
    sum: 0,
    ...Object.fromEntries(SCORES.map((s) => [s, 0])),
  }));
  for (const r of satisfactionRows(scores, range.timezone)) {
    accounts.add(r.openKfId);
    const row = inRange(r.day) ? csat(r.day) : undefined;
    if (!row) continue;
    row.count += r.count;
    for (const s of SCORES) {
      row[s] = (row[s] ?? 0) + (r.scores[s] ?? 0);
      row.sum += Number(s) * (r.scores[s] ?? 0);
    }
  }

  const days = range.days;
  const m = (d: string) => messages(d) as NonNullable<ReturnType<typeof messages>>;
  const s = (d: string) => sessions(d) as NonNullable<ReturnType<typeof sessions>>;
  const c = (d: string) => csat(d) as NonNullable<ReturnType<typeof csat>>;
  const sum = (f: (d: string) => number) => days.reduce((n, d) => n + f(d), 0);
  const rate = (contained: number, all: number) =>
    all === 0 ? null : Math.round((contained / all) * 1000) / 10;
  const totals = {
    answered: sum((d) => m(d).answered),
    handoff: sum((d) => m(d).handoff),
    fallback: sum((d) => m(d).fallback),
    unmatched: sum((d) => m(d).unmatched),
    containmentRate: null as number | null,
    handovers: sum((d) => s(d).handover),
    timeouts: sum((d) => s(d).timeout),
    idleReminders: sum((d) => m(d).idle),
    csatCount: sum((d) => c(d).count),
    csatAverage: null as number | null,
  };
  totals.containmentRate = rate(
    totals.answered,
    totals.answered + totals.handoff + totals.fallback + totals.unmatched,
  );
  const csatSum = sum((d) => c(d).sum);
  totals.csatAverage = totals.csatCount ? Math.round((csatSum / totals.csatCount) * 100) / 100 : null;

  const dayColumn = { key: 'day', label: '日期 day' };
  const charts: Chart[] = [
    {
      id: 'messages',
      title: '客户消息 Customer messages, by what answered them',
      columns: [
        dayColumn,
        { key: 'answered', label: '规则回答 answered by rules' },
        { key: 'handoff', label: '转人工规则 hand-off rules' },
        { key: 'fallback', label: '兜底回复 fallback' },
        { key: 'unmatched', label: '无规则 no rule' },
      ],
      rows: days.map((day) => {
        const r = m(day);
        return {
          day,
          answered: r.answered,
          handoff: r.handoff,
          fallback: r.fallback,
          unmatched: r.unmatched,
        };
      }),
    },
    {
      id: 'containment',
      title: '自助解决率 Containment rate (%)',
      columns: [dayColumn, { key: 'rate', label: '自助解决率 containment %' }],
      rows: days.map((day) => {
        const r = m(day);
        return { day, rate: rate(r.answered, r.answered + r.handoff + r.fallback + r.unmatched) ?? '' };
      }),
    },
    {
      id: 'sessions',
      title: '会话结束与转人工 Session ends and hand-overs',
      columns: [dayColumn, ...SESSION_END_HOWS.map((how) => ({ key: how, label: SESSION_LABELS[how] }))],
      rows: days.map((day) => ({ day, ...s(day) })),
    },
    {
      id: 'idle',
      title: '闲置提醒与超时 Idle reminders and timeouts',
      columns: [
        dayColumn,
        { key: 'reminders', label: '闲置提醒 idle reminders' },
        { key: 'timeouts', label: '超时结束 timeouts' },
      ],
      rows: days.map((day) => ({ day, reminders: m(day).idle, timeouts: s(day).timeout })),
    },
    {
      id: 'csat',
      title: '满意度 Satisfaction (CSAT)',
      columns: [
        dayColumn,
        { key: 'count', label: '评价数 responses' },
        { key: 'average', label: '平均分 average' },
        ...SCORES.map((sc) => ({ key: `score_${sc}`, label: `${sc} 分` })),
      ],
      rows: days.map((day) => {
        const r = c(day);
        return {
          day,
          count: r.count,
          average: r.count ? Math.round((r.sum / r.count) * 100) / 100 : '',
          ...Object.fromEntries(SCORES.map((sc) => [`score_${sc}`, r[sc] ?? 0])),
        };
      }),
    },
    {
      id: 'unanswered',
      title: '未答问题 Unanswered messages (fallback or no rule)',
      columns: [
        dayColumn,
        { key: 'fallback', label: '兜底回复 fallback' },
        { key: 'unmatched', label: '无规则 no rule' },
      ],
      rows: days.map((day) => ({ day, fallback: m(day).fallback, unmatched: m(day).unmatched })),
    },
  ];
  return {
    range: { from: range.from, to: range.to, account: range.account ?? null, timezone: range.timezone },
    accounts: [...accounts].sort(),
    totals,
    handoffRules: [...handoffHits]
      .map(([rule, hits]) => ({ rule, hits }))
      .sort((a, b) => b.hits - a.hits || a.rule.localeCompare(b.rule)),
    csatDistribution: Object.fromEntries(SCORES.map((sc) => [sc, sum((d) => c(d)[sc] ?? 0)])),
    charts,
  };
}
