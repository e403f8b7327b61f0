// 未答问题 Unanswered: the texts no rule answered, most frequent first, with the nearest FAQ items.
import { api, dataTable, h, loadFailed, pageQuery, time } from '../console-lib.js';
import { rangeFilter } from '../range-filter.js';

/**
 * What a nearest item's score means, said where the operator hovers (or long-presses) on it.
 * @param {number} score @param {number | null} threshold
 */
function scoreTitle(score, threshold) {
  const s = score.toFixed(2);
  if (threshold === null) return `最接近的问答相似度 ${s}（0–1）`;
  const t = threshold.toFixed(2);
  return score < threshold
    ? `最接近的问答相似度 ${s}（低于回答阈值 ${t}，所以没有回答）`
    : `最接近的问答相似度 ${s}（达到阈值 ${t}，但当时没有直接回答：与别的问答太接近，或是规则改动之前的记录）`;
}

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
  /** @type {number | null} */
  const threshold = data.threshold;
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
    h(
      'p',
      { class: 'muted small', id: 'score-help' },
      `相似度：客户的话与该问答的问法有多像（0–1，1 = 一字不差）${threshold === null ? '' : `，达到 ${threshold.toFixed(2)} 才直接回答`} · similarity of the text to the item's questions${threshold === null ? '' : `; ${threshold.toFixed(2)} or more is answered`}`,
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
              '最接近的问答（相似度）nearest FAQ items (similarity)',
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
                        ' ',
                        h(
                          'span',
                          { class: 'score', title: scoreTitle(c.score, threshold) },
                          `相似度 ${c.score.toFixed(2)}`,
                        ),
                        ' ',
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
