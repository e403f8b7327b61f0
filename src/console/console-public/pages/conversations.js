// 会话 Conversations: a row per session; /console/conversations?account=…&customer=…&started=… shows
// one session's messages in order, each with the rule that answered it and why.
import { api, dataTable, h, loadFailed, pageQuery, post, problemBox, time } from '../console-lib.js';
import { rangeFilter } from '../range-filter.js';

const ENDED = /** @type {Record<string, string>} */ ({
  timeout: '超时结束 timeout',
  bot: '机器人结束 bot',
  servicer: '客服结束 servicer',
  handover: '转人工 handed over',
  open: '未结束 open',
});
const FROM = /** @type {Record<string, string>} */ ({
  customer: '客户',
  bot: '机器人',
  servicer: '客服',
  event: '事件',
});

/** @param {HTMLElement} main */
export async function render(main) {
  const q = pageQuery();
  if (q.get('customer')) return renderSession(main, q);
  let data;
  try {
    data = await api('sessions', q);
  } catch (err) {
    loadFailed(main, err);
    return;
  }
  main.replaceChildren(
    h('h1', null, '会话 Conversations'),
    rangeFilter(data.range, data.accounts, () => render(main)),
    h(
      'p',
      { class: 'muted small' },
      '客户数据，保留 90 天 Customer data, kept 90 days. 最近的在前 Most recent first.',
    ),
    data.rows.length === 0
      ? h('p', { class: 'muted' }, '此期间没有会话 No sessions in this range')
      : h(
          'div',
          { class: 'panel' },
          dataTable(
            { id: 'session-table' },
            [
              // The way into a session first: on a phone the table scrolls sideways and a link
              // at its far end is out of sight.
              '',
              '开始 started',
              '客户 customer',
              '账号 account',
              '结束 ended',
              '评分 rating',
              '客户/机器人/客服 messages',
            ],
            data.rows.map((/** @type {any} */ r) => {
              const link = new URLSearchParams({
                account: r.openKfId,
                customer: r.externalUserId,
                started: r.startedAt,
              });
              return h(
                'tr',
                null,
                h('td', null, h('a', { href: `/console/conversations?${link}` }, '查看 View')),
                h('td', { class: 'time' }, time(Date.parse(r.startedAt))),
                h(
                  'td',
                  { class: 'customer-name' },
                  r.nickname ?? '',
                  r.nickname ? h('br') : null,
                  h('code', { class: 'small' }, r.externalUserId),
                ),
                h('td', null, r.openKfId),
                h('td', null, ENDED[r.ended] ?? r.ended),
                h('td', { class: 'num' }, r.rating ?? '–'),
                h('td', { class: 'num' }, `${r.customer} / ${r.bot} / ${r.servicer}`),
              );
            }),
          ),
        ),
  );
}

/** @param {HTMLElement} main @param {URLSearchParams} q */
async function renderSession(main, q) {
  let data;
  try {
    data = await api('session', q);
  } catch (err) {
    main.replaceChildren(
      h('p', null, h('a', { href: '/console/conversations' }, '← 会话 Conversations')),
      problemBox(err),
    );
    return;
  }
  const s = data.session;
  const customer = q.get('customer') ?? '';
  const forget = h(
    'button',
    { type: 'button', class: 'danger', id: 'forget' },
    '删除该客户的全部数据 Erase this customer',
  );
  const status = h('div', { role: 'status', id: 'forget-status' });
  forget.addEventListener('click', async () => {
    if (
      !confirm(
        `删除客户 ${customer} 在 kfbot 中的全部数据？此操作不可撤销。\nErase everything kfbot keeps about ${customer}? This cannot be undone.`,
      )
    )
      return;
    // Erasing walks every account's records: say so, and take no second click meanwhile.
    forget.setAttribute('disabled', '');
    status.textContent = '删除中… Erasing…';
    try {
      const r = await post('forget', { externalUserId: customer });
      status.textContent = `已删除 Erased: ${r.summary}`;
    } catch (err) {
      forget.removeAttribute('disabled');
      status.replaceChildren(problemBox(err));
    }
  });
  main.replaceChildren(
    h('p', null, h('a', { href: '/console/conversations' }, '← 会话 Conversations')),
    h('h1', null, `会话 ${s?.nickname ?? customer}`),
    s
      ? h(
          'p',
          { class: 'muted' },
          `${s.openKfId} · ${customer} · ${time(Date.parse(s.startedAt))} – ${time(Date.parse(s.lastAt))} · ${ENDED[s.ended] ?? s.ended} · 评分 rating ${s.rating ?? '–'}`,
        )
      : '',
    h(
      'ol',
      { class: 'transcript', id: 'transcript' },
      ...data.entries.map((/** @type {any} */ e, /** @type {number} */ i) =>
        h(
          'li',
          { class: e.from },
          h(
            'span',
            { class: 'who small muted' },
            // The rules behind a bot's message, named as such (a bare rule name read as a tag).
            `${FROM[e.from] ?? e.from} · ${time(e.at)}${e.rules?.length ? ` · 规则 rule: ${e.rules.join('、')}` : ''}`,
          ),
          h('div', { class: 'text' }, e.text),
          e.from === 'servicer' ? faqLink(data.entries, i) : null,
          e.why
            ? h(
                'details',
                { class: 'why' },
                h('summary', null, '机器人如何处理 How the bot handled it'),
                h('pre', null, e.why),
              )
            : null,
        ),
      ),
    ),
    h(
      'section',
      { class: 'panel' },
      h('h2', null, '个人信息 Personal data'),
      h(
        'p',
        { class: 'muted small' },
        '按《个人信息保护法》，客户可要求删除其数据。Under PIPL a customer may ask for their data to be erased.',
      ),
      forget,
      status,
    ),
  );
}

/**
 * A servicer's answer → a new FAQ item in the editor's draft (pages/edit.js), with the customer's
 * last question before it; nothing goes live until it is published there.
 * @param {any[]} entries @param {number} i
 */
function faqLink(entries, i) {
  const asked = entries
    .slice(0, i)
    .reverse()
    .find((x) => x.from === 'customer');
  const q = new URLSearchParams({ question: asked?.text ?? '', answer: entries[i].text ?? '' });
  return h('a', { class: 'small', href: `/console/edit?${q}#new-item` }, '做成问答 Make this an FAQ item');
}
