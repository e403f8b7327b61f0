// 未答问题 Unanswered: the texts no rule answered, most frequent first, with the nearest FAQ items.
import { api, dataTable, h, loadFailed, pageQuery, time } from '../console-lib.js';
import { rangeFilter } from '../range-filter.js';

/** @param {HTMLElement} main */
export async function render(main) {
  let data;
  try {
    data = await api('unanswered', pageQuery());
  } catch (err) {
    loadFailed(main, err);
    return;
  }
  const csv = new URLSearchParams(pageQuery());
  main.replaceChildren(
    h('h1', null, '未答问题 Unanswered questions'),
    rangeFilter(data.range, data.accounts, () => render(main)),
    h(
      'p',
      { class: 'muted small' },
      `只有兜底回复或无规则回答的客户消息，按规范化文本分组，最常见的在前。保留 ${data.retentionDays} 天（客户数据）。 Texts only a fallback answered, grouped, most frequent first; kept ${data.retentionDays} days (customer data). `,
      h('a', { href: `/console/api/unanswered-csv?${csv}`, download: '' }, '下载 CSV'),
      ' · ',
      h('a', { href: '/console/edit#unanswered' }, '加为相似问法或新建问答 Turn them into 相似问法'),
    ),
    data.rows.length === 0
      ? h('p', { class: 'muted' }, '此期间没有未答问题 No unanswered questions in this range')
      : h(
          'div',
          { class: 'panel' },
          dataTable(
            { id: 'unanswered-table' },
            [
              '次数 count',
              '客户问 asked (latest wording)',
              '首次 – 最近 first – last seen',
              '账号 account',
              '最接近的问题 nearest FAQ items',
              '猜你想问选择 chosen',
            ],
            data.rows.map((/** @type {any} */ q) =>
              h(
                'tr',
                null,
                h('td', { class: 'num' }, q.count),
                h('td', { class: 'customer-text' }, q.example),
                h('td', { class: 'time' }, time(q.firstSeen), h('br'), `– ${time(q.lastSeen)}`),
                h('td', null, q.openKfId),
                h(
                  'td',
                  null,
                  ...q.candidates
                    .slice(0, 3)
                    .map((/** @type {any} */ c) =>
                      h(
                        'div',
                        null,
                        h('code', null, c.id),
                        ` ${c.score.toFixed(2)} `,
                        h('span', { class: 'muted' }, c.question),
                      ),
                    ),
                ),
                h(
                  'td',
                  null,
                  Object.entries(q.chosen)
                    .sort((a, b) => b[1] - a[1])
                    .map(([id, n]) => `${id} ×${n}`)
                    .join(', '),
                ),
              ),
            ),
          ),
        ),
  );
}
