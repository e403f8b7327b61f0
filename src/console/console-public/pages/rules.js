// 规则 Rules (read-only): version, every live replica's published version, problems, rules with hits and how much of their replies reached the customer (delivered, partly, undelivered), menus as trees, FAQ items.
import { api, dataTable, h, loadFailed, pageQuery, time } from '../console-lib.js';
import { rangeFilter } from '../range-filter.js';

/** A menu item's kind as WeCom's menu message names it (the YAML word in the tag's title). */
const ITEM_KINDS = /** @type {Record<string, string>} */ ({
  click: '回复选项',
  view: '链接',
  miniprogram: '小程序',
  text: '文字',
});

/** @param {any} menu */
function menuTree(menu) {
  return h(
    'details',
    { class: 'menu', open: true },
    h('summary', null, menu.name),
    menu.head ? h('p', { class: 'muted' }, menu.head) : null,
    h(
      'ul',
      null,
      ...menu.items.map((/** @type {any} */ i) =>
        h(
          'li',
          null,
          h('span', { class: 'tag', title: i.type }, ITEM_KINDS[i.type] ?? i.type),
          ' ',
          i.label,
          i.id ? h('code', null, ` ${i.id}`) : null,
          i.score ? ` (满意度 ${i.score})` : '',
          i.url ? h('code', null, ` ${i.url}`) : null,
        ),
      ),
    ),
    menu.tail ? h('p', { class: 'muted' }, menu.tail) : null,
  );
}

/**
 * The replicas table's columns: the Chinese heads the help text under the table explains, and
 * their English. A phone shows each row as a card whose values carry the same Chinese heads
 * (data-label), so the card, the table and the help text name a column one way.
 */
const REPLICA_COLUMNS = /** @type {const} */ ([
  ['实例', 'replica'],
  ['运行的发布版本', 'published version'],
  ['启动后加载次数', 'loads since start'],
  ['启动时间', 'started'],
  ['最近心跳', 'last heartbeat'],
]);

/**
 * Every live replica and the published version it runs; one not on the newest is marked.
 * @param {any[]} replicas
 */
function replicasPanel(replicas) {
  const newest = Math.max(0, ...replicas.map((r) => r.rulesPublished));
  const cell = (/** @type {number} */ i, /** @type {(string | Node)[]} */ ...content) =>
    h('td', { 'data-label': REPLICA_COLUMNS[i]?.[0] }, ...content);
  return h(
    'section',
    { class: 'panel', id: 'replicas' },
    h('h2', null, `实例 Replicas (${replicas.length})`),
    dataTable(
      {},
      REPLICA_COLUMNS.map(([zh, en]) => `${zh} ${en}`),
      replicas.map((r) =>
        h(
          'tr',
          { class: r.rulesDiverged || r.rulesPublished < newest ? 'warn' : '' },
          // data-label: on a phone each row is a card and each value carries its column's name
          // (console.css), instead of five headers wrapping into tall narrow columns.
          cell(0, h('code', null, r.id), r.self ? ' (本实例 this one)' : ''),
          cell(
            1,
            String(r.rulesPublished),
            r.rulesPublished === 0 ? ' (还没有发布过 none yet)' : '',
            r.rulesDiverged ? ' (本地文件未发布 unpublished local files)' : '',
            !r.rulesDiverged && r.rulesPublished < newest ? ' (落后 behind)' : '',
          ),
          cell(2, r.rulesVersion === null ? '–' : String(r.rulesVersion)),
          cell(3, when(r.startedAt)),
          cell(4, when(r.at)),
        ),
      ),
    ),
    h(
      'p',
      { class: 'muted small', id: 'replicas-help' },
      '实例：每个正在运行的 kfbot 进程。运行的发布版本：它的规则文件是「编辑与发布」页的第几版（0 = 还没有发布过）；标「落后」的实例还没换上最新版本，标「本地文件未发布」的实例在用自己文件夹里没发布过的规则。启动后加载次数：它启动以来读取规则文件的次数（文件每变一次读一次，重启后从 1 算起），不是版本号。心跳：每 5 秒报到一次，20 秒没有心跳的实例从表中消失。',
    ),
  );
}

/** An ISO time from the API as the other pages write times (yyyy-mm-dd hh:mm, this browser's clock). @param {string} iso */
const when = (iso) => time(Date.parse(iso));

/** @param {HTMLElement} main */
export async function render(main) {
  let data;
  try {
    data = await api('rules', pageQuery());
  } catch (err) {
    loadFailed(main, err);
    return;
  }
  const roles = /** @type {Record<string, string>} */ ({
    answered: '回答',
    handoff: '转人工',
    fallback: '兜底',
    idle: '闲置',
    event: '事件',
  });
  main.replaceChildren(
    h('h1', null, '规则 Rules'),
    // Two numbers an operator meets here: how many times this replica has loaded the files (every
    // change on disk counts), and the published version (编辑与发布's, in the table). Said apart so
    // "loaded 1" beside "version 0" does not read as a contradiction.
    h(
      'p',
      { class: 'muted', id: 'rules-loads' },
      `本实例启动后已加载规则 ${data.version ?? '–'} 次，最近一次 ${data.loadedAt ? when(data.loadedAt) : '–'}，来自 ${data.source} · loaded ${data.version ?? '–'} time(s) since this replica started`,
      h('br'),
      h(
        'span',
        { class: 'small' },
        '这是加载次数，不是版本号：发布版本（“编辑与发布”页每发布一次加一）见下表 · a count of loads, not a version: the published version is in the table below',
      ),
    ),
    replicasPanel(data.replicas),
    data.problems.length
      ? h(
          'section',
          { class: 'panel', id: 'problems' },
          h('h2', null, `问题 Problems (${data.problems.length})`),
          h(
            'ul',
            null,
            ...data.problems.map((/** @type {any} */ p) => h('li', { class: p.severity }, p.text)),
          ),
        )
      : h('p', { class: 'ok' }, '✓ 规则校验通过 validate finds no problem'),
    h(
      'section',
      { class: 'panel' },
      h('h2', null, `规则命中 Rules and hits (${data.rules.length})`),
      // The days choose the hits counted here, nothing else on this page: said beside them.
      rangeFilter(data.range, [], () => render(main)),
      h(
        'p',
        { class: 'muted small' },
        `命中：${data.range.from} 至 ${data.range.to} 客户消息命中该规则的次数 · hits: customer messages each rule matched in these days`,
      ),
      dataTable(
        { id: 'rule-table' },
        [
          '规则 rule',
          '类型 role',
          '优先级 priority',
          '动作 actions',
          '命中 hits',
          '已送达 delivered',
          '部分送达 partly',
          '未送达 undelivered',
          '位置 at',
        ],
        [
          ...data.rules.map((/** @type {any} */ r) =>
            h(
              'tr',
              null,
              h('td', null, r.name),
              h('td', null, roles[r.role] ?? r.role),
              h('td', { class: 'num' }, r.priority),
              h('td', null, r.actions.join('；')),
              h('td', { class: 'num' }, r.hits),
              h('td', { class: 'num' }, r.delivered),
              // Worded by the server as `kfbot report rules` words it: 1 (2 of 3 parts).
              h('td', { class: 'num' }, r.partlyText),
              h('td', { class: 'num' }, r.undelivered),
              h('td', null, h('code', null, r.at)),
            ),
          ),
          h(
            'tr',
            null,
            h('td', null, '(无规则匹配 no rule matched)'),
            h('td', null),
            h('td', null),
            h('td', null),
            h('td', { class: 'num' }, data.noRule),
            h('td', null),
            h('td', null),
            h('td', null),
            h('td', null),
          ),
        ],
      ),
    ),
    h(
      'section',
      { class: 'panel' },
      h('h2', null, `菜单 Menus (${data.menus.length})`),
      ...data.menus.map(menuTree),
    ),
    h(
      'section',
      { class: 'panel' },
      h('h2', null, `常见问题 FAQ (${data.faq.length})`),
      h(
        'dl',
        { class: 'faq' },
        ...data.faq.flatMap((/** @type {any} */ f) => [
          h('dt', null, f.label || f.id, h('code', null, ` ${f.id}`)),
          h('dd', null, f.questions.join(' · ')),
        ]),
      ),
    ),
  );
}
