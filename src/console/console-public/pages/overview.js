// 概览 Overview: totals, a chart per measure with its CSV, over a range and account.
import { api, chartTable, dataTable, drawChart, h, loadFailed, pageQuery } from '../console-lib.js';
import { rangeFilter } from '../range-filter.js';

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
 * A card of numbers, each with its own name beside it (never "12 / 3" for the reader to decode),
 * and a note saying how they relate when that is not obvious.
 * @param {string} label @param {[number, string][]} parts @param {Node} [note] @param {string} [id]
 */
function partsCard(label, parts, note, id) {
  return h(
    'div',
    { class: 'card', ...(id && { id }) },
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
    note ? h('div', { class: 'muted small card-note' }, note) : null,
  );
}

/**
 * Why the hand-over card's two numbers differ: closed until asked for, so the cards stay one short
 * row above the charts. Opened, on a wide screen it lies over the top of the charts across the
 * whole row of cards (a few lines) instead of stretching the card into a tall column that pushes
 * the charts down; 收起, Esc or the summary close it. On a phone it opens in place.
 */
function handoverWhy() {
  const close = h('button', { type: 'button', class: 'close' }, '收起 Close');
  const why = /** @type {HTMLDetailsElement} */ (
    h(
      'details',
      { class: 'explain', id: 'handover-why' },
      h('summary', null, '为何两数不同？Why?'),
      h(
        'div',
        { class: 'explain-body' },
        h(
          'p',
          null,
          '会话：企业微信接受了转接、交给人工的会话（闲置规则的转接也算）。命中：客户消息命中转人工规则的次数（转接被拒、同一会话再次要求人工也算）。',
        ),
        h(
          'p',
          null,
          'Sessions: moved to a person, the transfer accepted by WeCom (idle rules’ included). Hits: customer messages a hand-off rule answered (refused transfers and repeats included).',
        ),
        close,
      ),
    )
  );
  const shut = () => {
    why.open = false;
    why.querySelector('summary')?.focus();
  };
  close.addEventListener('click', shut);
  why.addEventListener('keydown', (e) => {
    if (e.key === 'Escape' && why.open) shut();
  });
  return why;
}

/** The count of each score, each "3分 ×12" kept whole on a narrow screen. @param {Record<string, number>} spread */
function csatSpread(spread) {
  return h(
    'p',
    { class: 'muted small spread' },
    '评分分布 ratings by score: ',
    ...Object.entries(spread).map(([score, n]) => h('span', { class: 'nowrap' }, `${score}分 ×${n}`)),
  );
}

/** A CSAT average on its scale: 3 → "3.0 / 5"; none yet → "–". @param {number | null} n */
const csat = (n) => (n === null ? '–' : `${n.toFixed(1)} / 5`);

/** Whether the range holds nothing at all: every chart's every count is zero or empty. @param {any[]} charts */
const quiet = (charts) =>
  charts.every((c) =>
    c.rows.every((/** @type {any} */ r) =>
      c.columns.slice(1).every((/** @type {any} */ col) => !Number(r[col.key])),
    ),
  );

/** What a first look at an empty range (a new install, a quiet account) needs to be told. */
function noActivity() {
  const sandbox = document.querySelector('.sandbox-note') !== null;
  return h(
    'p',
    { class: 'notice', id: 'no-activity', role: 'status' },
    '此期间还没有客户消息：客户发消息后，这里按天统计。 No customer messages in this range yet: the numbers appear day by day as customers write.',
    sandbox ? ' ' : null,
    sandbox ? h('a', { href: '/sandbox' }, '在沙盒里试聊 Try a chat in the sandbox') : null,
  );
}

/** @param {HTMLElement} main */
export async function render(main) {
  main.replaceChildren(h('p', { class: 'muted' }, '加载中 Loading…'));
  let data;
  try {
    data = await api('overview', pageQuery());
  } catch (err) {
    loadFailed(main, err);
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
    // Two counts that differ on purpose: sessions WeCom moved to a person (any rule's transfer it
    // accepted, an idle rule's included) and customer messages a hand-off rule answered (refused
    // transfers and a second request in one session included). activity-recorder.ts counts both.
    partsCard(
      '转人工 Handed over',
      [
        [t.handovers, '个会话 sessions'],
        [t.handoff, '次规则命中 rule hits'],
      ],
      handoverWhy(),
      'card-handover',
    ),
    partsCard('闲置 Idle customers', [
      [t.idleReminders, '闲置提醒 reminders'],
      [t.timeouts, '超时结束 timeouts'],
    ]),
    card(
      '满意度 CSAT',
      csat(t.csatAverage),
      t.csatCount
        ? `${t.csatCount} 份评价的平均分 average of ${t.csatCount} ratings`
        : '还没有评价 no ratings yet',
    ),
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
      // How many ratings of each score: the average line alone hides whether 3.0 is all 3s.
      chart.id === 'csat' ? csatSpread(data.csatDistribution) : null,
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
      ? dataTable(
          {},
          ['规则 rule', '命中 hits'],
          data.handoffRules.map((/** @type {any} */ r) =>
            h('tr', null, h('td', null, r.rule), h('td', { class: 'num' }, r.hits)),
          ),
        )
      : h('p', { class: 'muted' }, '此期间没有转人工规则命中 No hand-off rule matched in this range'),
  );
  main.replaceChildren(
    h('h1', null, '概览 Overview'),
    rangeFilter(data.range, data.accounts, () => render(main)),
    h(
      'p',
      { class: 'muted small' },
      `日期按 ${data.range.timezone} 时区（规则 settings.timezone），与 kfbot report 相同 · Days in ${data.range.timezone} (settings.timezone), as in kfbot report. ${data.range.from} – ${data.range.to}`,
    ),
    ...(quiet(data.charts) ? [noActivity()] : []),
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
          ? [csat(t.csatAverage)]
          : undefined;
    // A rate's axis runs 0–100 % and a score's 1–5, whatever the range holds: an axis fitted to
    // the data (65–100 %) would make a small change look large.
    const yRange =
      c.chart.id === 'containment'
        ? /** @type {[number, number]} */ ([0, 100])
        : c.chart.id === 'csat'
          ? /** @type {[number, number]} */ ([1, 5])
          : undefined;
    await drawChart(c.box, plotted, {
      kind: c.chart.id === 'containment' || c.chart.id === 'csat' ? 'line' : 'bars',
      ...(overall && { idle: overall }),
      ...(yRange && { yRange }),
    });
  }
}
