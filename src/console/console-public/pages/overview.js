// 概览 Overview: totals, a chart per measure with its CSV, over a range and account.
import { api, chartTable, drawChart, errorBox, h, pageQuery, rangeFilter } from '../console-lib.js';

/** @param {number | null} n @param {string} [unit] */
const num = (n, unit = '') => (n === null ? '–' : `${n}${unit}`);

/** @param {string} label @param {string} value @param {string} [hint] */
function card(label, value, hint) {
  return h(
    'div',
    { class: 'card' },
    h('div', { class: 'card-label' }, label),
    h('div', { class: 'card-value' }, value),
    hint ? h('div', { class: 'muted small' }, hint) : null,
  );
}

/**
 * A card of two numbers, each with its own name beside it (never "12 / 3" for the reader to decode).
 * @param {string} label @param {[number, string][]} parts
 */
function partsCard(label, parts) {
  return h(
    'div',
    { class: 'card' },
    h('div', { class: 'card-label' }, label),
    ...parts.map(([n, name]) =>
      h(
        'div',
        { class: 'card-part' },
        h('span', { class: 'card-value' }, String(n)),
        ' ',
        h('span', { class: 'muted small' }, name),
      ),
    ),
  );
}

/** @param {HTMLElement} main */
export async function render(main) {
  main.replaceChildren(h('p', { class: 'muted' }, '加载中 Loading…'));
  let data;
  try {
    data = await api('overview', pageQuery());
  } catch (err) {
    main.replaceChildren(errorBox(String(err instanceof Error ? err.message : err)));
    return;
  }
  const t = data.totals;
  const cards = h(
    'section',
    { class: 'cards', 'aria-label': '合计 totals' },
    card('自助解决率 Containment', num(t.containmentRate, '%'), '规则回答 ÷ 全部客户消息'),
    card('规则回答 Answered by rules', String(t.answered)),
    partsCard('未答 Not understood', [
      [t.fallback, '兜底回复 fallback'],
      [t.unmatched, '无规则 no rule'],
    ]),
    card('转人工 Handed over', String(t.handovers), `转人工规则命中 ${t.handoff}`),
    partsCard('闲置 Idle customers', [
      [t.idleReminders, '闲置提醒 reminders'],
      [t.timeouts, '超时结束 timeouts'],
    ]),
    card('满意度 CSAT', num(t.csatAverage), `${t.csatCount} 份评价 responses`),
  );
  const q = pageQuery();
  const charts = data.charts.map((/** @type {any} */ chart) => {
    const csv = new URLSearchParams(q);
    csv.set('chart', chart.id);
    const box = h('div', { class: 'chart' });
    const section = h(
      'section',
      { class: 'panel', id: `chart-${chart.id}` },
      h(
        'div',
        { class: 'panel-head' },
        h('h2', null, chart.title),
        h('a', { class: 'csv', href: `/console/api/overview-csv?${csv}`, download: '' }, '下载 CSV'),
      ),
      box,
      h(
        'details',
        null,
        h('summary', null, '数据 Data'),
        chartTable(chart, (day) => {
          const link = new URLSearchParams({ from: day, to: day });
          if (data.range.account) link.set('account', data.range.account);
          return `/console/conversations?${link}`;
        }),
      ),
    );
    return { section, box, chart };
  });
  const handoffs = h(
    'section',
    { class: 'panel', id: 'handoff-rules' },
    h('h2', null, '转人工原因 Why customers were handed over'),
    data.handoffRules.length
      ? h(
          'table',
          { class: 'data' },
          h('thead', null, h('tr', null, h('th', null, '规则 rule'), h('th', null, '命中 hits'))),
          h(
            'tbody',
            null,
            ...data.handoffRules.map((/** @type {any} */ r) =>
              h('tr', null, h('td', null, r.rule), h('td', { class: 'num' }, r.hits)),
            ),
          ),
        )
      : h('p', { class: 'muted' }, '此期间没有转人工规则命中 No hand-off rule matched in this range'),
    h(
      'p',
      { class: 'muted small' },
      '满意度分布 CSAT distribution: ',
      Object.entries(data.csatDistribution)
        .map(([s, n]) => `${s}分 ×${n}`)
        .join('  '),
    ),
  );
  main.replaceChildren(
    h('h1', null, '概览 Overview'),
    rangeFilter(data.range, data.accounts, () => render(main)),
    h(
      'p',
      { class: 'muted small' },
      `日期按 ${data.range.timezone} 时区（规则 settings.timezone），与 kfbot report 相同 · Days in ${data.range.timezone} (settings.timezone), as in kfbot report. ${data.range.from} – ${data.range.to}`,
    ),
    cards,
    h('div', { class: 'grid' }, ...charts.map((c) => c.section), handoffs),
  );
  for (const c of charts) {
    // CSAT: the average as a line (1–5); the counts of each score are in its table and CSV.
    const plotted =
      c.chart.id === 'csat'
        ? {
            ...c.chart,
            columns: c.chart.columns.filter(
              (/** @type {any} */ col) => col.key === 'day' || col.key === 'average',
            ),
          }
        : c.chart;
    // A line's legend, with no day pointed at, shows the range's overall figure (the cards' own).
    const overall =
      c.chart.id === 'containment'
        ? [num(t.containmentRate, '%')]
        : c.chart.id === 'csat'
          ? [num(t.csatAverage)]
          : undefined;
    await drawChart(c.box, plotted, {
      kind: c.chart.id === 'containment' || c.chart.id === 'csat' ? 'line' : 'bars',
      ...(overall && { idle: overall }),
    });
  }
}
