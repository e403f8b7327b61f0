// What every console page script shares: building elements (text always through textContent, so a
// customer's "<script>" is shown, never run), the JSON API with the CSRF token, the range and
// account filter kept in the address bar, and drawing a chart with uPlot.

const csrf = document.querySelector('meta[name="csrf-token"]')?.getAttribute('content') ?? '';

/**
 * An element: `h('td', { class: 'num' }, 42)`. Children that are strings or numbers become text
 * nodes; attributes are set with setAttribute (never innerHTML).
 * @param {string} tag
 * @param {Record<string, string | number | boolean | undefined> | null} [attrs]
 * @param {...(Node | string | number | null | undefined | false)} children
 * @returns {HTMLElement}
 */
export function h(tag, attrs, ...children) {
  const el = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs ?? {})) {
    if (v === undefined || v === false) continue;
    el.setAttribute(k, v === true ? '' : String(v));
  }
  for (const c of children) {
    if (c === null || c === undefined || c === false) continue;
    el.append(typeof c === 'object' ? c : document.createTextNode(String(c)));
  }
  return el;
}

/** A refusal from kfbot: its message (Chinese first) and its code (csrf, signed-out) if it has one. */
export class ApiError extends Error {
  /** @param {string} message @param {string} [code] */
  constructor(message, code) {
    super(message);
    this.code = code;
  }
}

/**
 * The answer's JSON, or an ApiError saying why not. A session that ended is said where the action
 * was (with a link to sign in), never by leaving the page: what the operator typed stays in sight.
 * @param {Response} r
 */
async function answer(r) {
  const body = await r.json().catch(() => ({ error: `${r.status} ${r.statusText}` }));
  if (!r.ok) throw new ApiError(body.error ?? `${r.status}`, body.code);
  return body;
}

/** @param {string} url @param {RequestInit} init */
async function send(url, init) {
  let r;
  try {
    r = await fetch(url, { credentials: 'same-origin', ...init });
  } catch {
    // fetch itself failed: no answer at all (the network, or kfbot restarting).
    throw new ApiError(
      '连不上 kfbot（网络中断或 kfbot 正在重启），请稍后再试 · could not reach kfbot: try again in a moment',
    );
  }
  return answer(r);
}

/**
 * GET /console/api/<name>[?params].
 * @param {string} name
 * @param {URLSearchParams | Record<string, string>} [params]
 * @returns {Promise<any>}
 */
export async function api(name, params) {
  const q = new URLSearchParams(params ?? {}).toString();
  return send(`/console/api/${name}${q ? `?${q}` : ''}`, {});
}

/**
 * POST /console/api/<name> with a JSON body and the CSRF token.
 * @param {string} name
 * @param {unknown} body
 * @returns {Promise<any>}
 */
export async function post(name, body) {
  return send(`/console/api/${name}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', 'x-csrf-token': csrf },
    body: JSON.stringify(body ?? {}),
  });
}

/** The page's query (from, to, account, …) as the address bar holds it. */
export function pageQuery() {
  return new URLSearchParams(location.search);
}

/** @param {string} message */
export function errorBox(message) {
  return h('p', { class: 'error', role: 'alert' }, message);
}

/**
 * Why something failed, with the way on where there is one: a session that ended links to the
 * sign-in; a page older than the session (signed in again in another tab, so its CSRF token no
 * longer matches) offers a reload.
 * @param {unknown} err @param {string} [prefix] what was being done, e.g. 加载失败 Could not load:
 */
export function problemBox(err, prefix = '') {
  const box = errorBox(`${prefix}${err instanceof Error ? err.message : String(err)}`);
  const code = err instanceof ApiError ? err.code : undefined;
  if (code === 'signed-out')
    // The login brings the operator back to this page (the server checks the address again).
    box.append(
      ' ',
      h(
        'a',
        {
          href: `/console/login?next=${encodeURIComponent(location.pathname + location.search)}`,
          class: 'action',
        },
        '去登录 Sign in',
      ),
    );
  if (code === 'csrf') {
    const reload = h('button', { type: 'button', class: 'action' }, '刷新页面 Reload');
    reload.addEventListener('click', () => location.reload());
    box.append(' ', reload);
  }
  return box;
}

/**
 * What a page shows when its data did not load: why, and, when the address bar asked for a range
 * or an account, a link back to the page's default view (the filter itself needs the data, so a
 * bad range would otherwise leave the operator with the back button only).
 * @param {HTMLElement} main @param {unknown} err
 */
export function loadFailed(main, err) {
  main.replaceChildren(problemBox(err, '加载失败 Could not load: '));
  if (location.search)
    main.append(
      h(
        'p',
        null,
        h('a', { href: location.pathname, class: 'reset' }, '改看最近 30 天 Show the last 30 days'),
      ),
    );
}

/** @param {number} ms */
export function time(ms) {
  const d = new Date(ms);
  const p = (/** @type {number} */ n) => String(n).padStart(2, '0');
  return `${d.getFullYear()}-${p(d.getMonth() + 1)}-${p(d.getDate())} ${p(d.getHours())}:${p(d.getMinutes())}`;
}

/** @type {Promise<any> | undefined} */
let uplot;

/**
 * Bars stacked into one column a day: series i is drawn up to the sum of itself and every series
 * after it, the first (drawn first, so lowest in paint order) tallest. Each later series paints
 * over the lower part, so each shows its own height, and the column's top is the day's total.
 * (Bars side by side at the same x overlapped: a small count drawn over the foot of a large one
 * read as part of it.)
 * @param {(number | null)[][]} ys
 * @returns {number[][]}
 */
function stack(ys) {
  const out = ys.map((values) => values.map((v) => v ?? 0));
  for (let i = out.length - 2; i >= 0; i--) {
    const row = /** @type {number[]} */ (out[i]);
    const above = /** @type {number[]} */ (out[i + 1]);
    for (let j = 0; j < row.length; j++) row[j] = (row[j] ?? 0) + (above[j] ?? 0);
  }
  return out;
}

/**
 * A bar or line chart of a table's rows, one series per column after the day (bars stacked, a
 * day's column as tall as its total: stack() below); redrawn to the
 * width of its box (phones included). Its legend shows the day under the cursor; with no day
 * pointed at, what the range comes to: each series' total for bars, for a line `idle`'s values
 * (the overall rate, say) or else its latest value — never uPlot's bare "--".
 * @param {HTMLElement} box
 * @param {{ columns: { key: string; label: string }[]; rows: Record<string, string | number>[] }} chart
 * `yRange` fixes the value axis (a rate's 0–100) instead of fitting it to the data; the drawn
 * axis's ends are kept on the box (data-y-min, data-y-max) for the page's tests.
 * @param {{ kind?: 'bars' | 'line'; idle?: (string | null)[]; yRange?: [number, number] }} [opts]
 */
export async function drawChart(box, chart, opts = {}) {
  // Served by kfbot from the uplot package (console-assets.ts); a variable keeps tsc from resolving it.
  const vendored = './vendor/uPlot.esm.js';
  uplot ??= import(vendored).then((m) => m.default);
  const uPlot = await uplot;
  const [, ...series] = chart.columns;
  const xs = chart.rows.map((r) => Date.parse(`${r.day}T00:00:00Z`) / 1000);
  const ys = series.map((c) => chart.rows.map((r) => (r[c.key] === '' ? null : Number(r[c.key]))));
  const colors = ['#2f7ed8', '#f28f43', '#8bbc21', '#910000', '#1aadce', '#492970', '#77a1e5'];
  const bars = opts.kind !== 'line' && uPlot.paths.bars ? uPlot.paths.bars({ size: [0.6, 40] }) : undefined;
  /** @param {(number | null)[]} values @param {number} i */
  const idle = (values, i) => {
    const given = opts.idle?.[i];
    if (given !== undefined && given !== null) return given;
    const known = /** @type {number[]} */ (values.filter((v) => v !== null && !Number.isNaN(v)));
    if (!known.length) return '–';
    return String(bars ? known.reduce((a, b) => a + b, 0) : known[known.length - 1]);
  };
  const width = () => Math.max(280, box.clientWidth);
  const plot = new uPlot(
    {
      width: width(),
      height: 220,
      scales: {
        // Bars stand on their day: half a day either side keeps the first and last bars whole
        // (on the range's very ends they were cut in half).
        x: {
          time: true,
          ...(bars && {
            range: (/** @type {any} */ _u, /** @type {number} */ min, /** @type {number} */ max) => [
              min - 43_200,
              max + 43_200,
            ],
          }),
        },
        ...(opts.yRange && { y: { range: opts.yRange } }),
      },
      // A day is a UTC midnight here (xs above): ticks fall on those midnights and read as the
      // pages write days, mm-dd with the year under the first, never the browser's 11/9.
      tzDate: (/** @type {number} */ ts) => uPlot.tzDate(new Date(ts * 1000), 'Etc/UTC'),
      axes: [
        {
          space: 60,
          values: (/** @type {any} */ _u, /** @type {number[]} */ ticks) =>
            ticks.map((t, i) => {
              if (t % 86_400) return '';
              const day = new Date(t * 1000).toISOString().slice(0, 10);
              const year = day.slice(0, 4);
              const first = i === 0 || new Date((ticks[i - 1] ?? 0) * 1000).getUTCFullYear() !== Number(year);
              return first ? `${day.slice(5)}\n${year}` : day.slice(5);
            }),
        },
        // Bars count things (sessions, messages): their axis steps in whole numbers, never 0.5.
        bars
          ? {
              size: 40,
              incrs: [
                1, 2, 5, 10, 20, 25, 50, 100, 200, 250, 500, 1000, 2000, 5000, 10_000, 20_000, 50_000,
                100_000,
              ],
            }
          : { size: 40 },
      ],
      hooks: {
        draw: [
          (/** @type {any} */ u) => {
            box.dataset.yMin = String(u.scales.y?.min);
            box.dataset.yMax = String(u.scales.y?.max);
          },
        ],
      },
      series: [
        {
          label: '日期 day',
          value: (
            /** @type {any} */ _u,
            /** @type {number} */ v,
            /** @type {number} */ _s,
            /** @type {number | null} */ idx,
          ) =>
            idx === null
              ? bars
                ? '合计 total'
                : opts.idle
                  ? '全期 overall'
                  : '最近 latest'
              : v
                ? new Date(v * 1000).toISOString().slice(0, 10)
                : '',
        },
        ...series.map((c, i) => ({
          label: c.label,
          value: (
            /** @type {any} */ _u,
            /** @type {number | null} */ v,
            /** @type {number} */ _s,
            /** @type {number | null} */ idx,
          ) => {
            if (idx === null) return idle(ys[i] ?? [], i);
            // A stacked bar's drawn value is a running sum: the legend says the series' own.
            const own = bars ? (ys[i]?.[idx] ?? null) : v;
            return own === null ? '–' : String(own);
          },
          stroke: colors[i % colors.length],
          fill: bars ? colors[i % colors.length] : undefined,
          width: bars ? 0 : 2,
          ...(bars && { paths: bars }),
          points: { show: !bars && chart.rows.length < 40 },
        })),
      ],
    },
    [xs, ...(bars ? stack(ys) : ys)],
    box,
  );
  new ResizeObserver(() => plot.setSize({ width: width(), height: 220 })).observe(box);
  return plot;
}

/**
 * A table of records: a head row naming the columns and the body's rows, in a box that scrolls
 * sideways on its own on a phone (the page does not). Every table of the pages but a chart's is one.
 * @param {Record<string, string>} attrs the table's own (an id); its class is "data"
 * @param {string[]} columns
 * @param {HTMLElement[]} rows the body's <tr> elements
 */
export function dataTable(attrs, columns, rows) {
  return h(
    'div',
    { class: 'scroll' },
    h(
      'table',
      { class: 'data', ...attrs },
      h('thead', null, h('tr', null, ...columns.map((c) => h('th', { scope: 'col' }, c)))),
      h('tbody', null, ...rows),
    ),
  );
}

/**
 * A table of a chart's rows (what its CSV holds), for reading exact numbers; with `dayLink`, each
 * day leads to that day's detail (the conversations of the day).
 * @param {{ columns: { key: string; label: string }[]; rows: Record<string, string | number>[] }} chart
 * @param {(day: string) => string} [dayLink]
 */
export function chartTable(chart, dayLink) {
  return h(
    'table',
    { class: 'data' },
    h('thead', null, h('tr', null, ...chart.columns.map((c) => h('th', { scope: 'col' }, c.label)))),
    h(
      'tbody',
      null,
      ...chart.rows.map((r) =>
        h(
          'tr',
          null,
          ...chart.columns.map((c, i) =>
            h(
              i ? 'td' : 'th',
              i ? { class: 'num' } : { scope: 'row' },
              !i && dayLink ? h('a', { href: dayLink(String(r[c.key])) }, r[c.key]) : r[c.key],
            ),
          ),
        ),
      ),
    ),
  );
}
