// 编辑与发布 Edit & publish: FAQ items, menus and texts edited into this session's draft, the
// draft's YAML diff, publish (validate + conversation tests), versions with rollback, and the
// unanswered questions one click from becoming a 相似问法 or a new item. Every text goes through
// h() (textContent): a reply holding "<script>" is shown as those characters.
import { api, dataTable, errorBox, h, pageQuery, post, problemBox, time } from '../console-lib.js';

/** @type {any} */
let data;
/** @type {HTMLElement} */
let root;
/** What the last publish or rollback said (kept across the redraw that follows it). */
/** @type {HTMLElement | null} */
let outcomeBox = null;

const lines = (/** @type {string} */ text) =>
  text
    .split('\n')
    .map((l) => l.trim())
    .filter(Boolean);

/**
 * Runs a POST and redraws with the state it returns; a refusal is shown where the action was.
 * @param {string} name
 * @param {unknown} body
 * @param {HTMLElement} [where]
 */
async function act(name, body, where) {
  // Until the answer comes the page says it is working and takes no second click: a publish runs
  // validate and every conversation test, which takes seconds on a large rule set.
  const idle = [...root.querySelectorAll('button')].filter((b) => !b.disabled);
  for (const b of idle) b.disabled = true;
  root.setAttribute('aria-busy', 'true');
  const working = h('p', { class: 'muted', role: 'status', id: 'working' }, '处理中… Working…');
  if (where) where.replaceChildren(working);
  else root.prepend(working);
  const settle = () => {
    working.remove();
    root.removeAttribute('aria-busy');
    for (const b of idle) b.disabled = false;
  };
  try {
    const answer = await post(name, body);
    settle();
    if (answer.outcome) {
      outcomeBox = outcomeView(answer.outcome);
      data = answer.state;
    } else {
      outcomeBox = null;
      data = answer;
    }
    draw();
  } catch (err) {
    settle();
    const box = problemBox(err);
    if (where) where.replaceChildren(box);
    else root.prepend(box);
  }
}

/** @param {any} edit @param {HTMLElement} [where] */
const edit = (edit, where) => act('draft-edit', { edit }, where);

/**
 * Why a publish was refused, said to an operator: what failed and what to do in Chinese, then the
 * English with publish-draft.ts's reason code last (what `kfbot rules` and the logs say).
 * @type {Record<string, [string, string]>}
 */
const REFUSED = {
  nothing: ['草稿和已发布的规则一样，没有可发布的修改', 'the draft changes nothing'],
  conflict: [
    '规则文件在草稿开始后被别人改过或发布过：先看看新内容，再点“在最新文件上重做我的修改”',
    'the files changed since the draft began',
  ],
  stale: [
    '检查期间别人发布了新版本：请点“在最新文件上重做我的修改”后再发布',
    'someone published while this was checked',
  ],
  invalid: [
    '修改后的规则检查不通过：按下面每一行的说明改正草稿，再发布（点行里带下划线的名字，直接到要改的地方）',
    'the rules would not validate',
  ],
  tests: [
    '对话测试没有通过：这些修改会让下面的对话答错。请改正草稿再发布（若答案本该如此，请维护规则的同事改对话测试）',
    'the conversation tests would fail',
  ],
  refused: ['没有发布，原因见下', 'refused'],
};

/** @param {any} o */
function outcomeView(o) {
  const warnings = o.warnings.length
    ? h('details', null, h('summary', null, `${o.warnings.length} 条提示 warnings`), problemList(o.warnings))
    : null;
  if (o.ok)
    return h(
      'div',
      { class: 'panel', role: 'status', id: 'outcome' },
      h(
        'p',
        { class: 'ok' },
        `✓ 已发布版本 ${o.version} Published version ${o.version} (${o.files.join(', ')}; ${o.testsPassed} 个对话测试通过)`,
      ),
      warnings,
    );
  return h(
    'div',
    { class: 'panel', role: 'alert', id: 'outcome' },
    h(
      'p',
      { class: 'error' },
      `✗ 未发布：${REFUSED[o.reason]?.[0] ?? '原因见下'} · Not published: ${REFUSED[o.reason]?.[1] ?? 'see below'}`,
      // The reason's code, for whoever reads the logs or `kfbot rules`: labelled, not a bare word.
      h('span', { class: 'muted small' }, `（原因代码 reason code: ${o.reason}）`),
    ),
    h('pre', { class: 'diff' }, o.message),
    o.problems ? problemList(o.problems) : null,
    warnings,
  );
}

/**
 * The page's control a problem is in (problem-field.ts's field): the editor is found by the data
 * attributes its editor function puts on it, the control inside by its name.
 * @param {any} f
 * @returns {{ editor: HTMLElement | null; control: HTMLElement | null }}
 */
function fieldControl(f) {
  const q = (/** @type {string} */ v) => CSS.escape(v);
  /** @type {HTMLElement | null} */
  const editor =
    f.kind === 'item'
      ? document.querySelector(`details.item[data-item-id="${q(f.id)}"]`)
      : f.kind === 'menu'
        ? document.querySelector(`details.item[data-menu="${q(f.menu)}"]`)
        : document.querySelector(`.text-item[data-rule="${q(f.rule)}"][data-step="${f.step}"]`);
  /** @type {HTMLElement | null} */
  const control = f.input ? (editor?.querySelector(`[name="${f.input}"]:not([disabled])`) ?? null) : null;
  return { editor, control };
}

/**
 * Opens the editor of the field a problem is in, marks the field invalid with the problem beside
 * it, and puts the cursor there: the operator fixes it where they typed it, not in a file.
 * @param {any} f @param {string} message
 */
function showProblemAt(f, message) {
  for (const old of root.querySelectorAll('.field-problem')) old.remove();
  for (const old of root.querySelectorAll('[aria-invalid="true"]')) old.removeAttribute('aria-invalid');
  const { editor, control } = fieldControl(f);
  if (!editor) return;
  // An item's or a menu's editor is a <details>; a 话术 text's is always open.
  const details = editor.closest('details');
  if (details instanceof HTMLDetailsElement) details.open = true;
  const note = h('p', { class: 'error field-problem', id: 'field-problem', role: 'alert' }, message);
  if (control) {
    control.setAttribute('aria-invalid', 'true');
    control.setAttribute('aria-describedby', 'field-problem');
    (control.closest('label') ?? control).after(note);
    control.addEventListener('input', () => control.removeAttribute('aria-invalid'), { once: true });
    control.scrollIntoView({ block: 'center' });
    control.focus();
  } else {
    const summary = /** @type {HTMLElement | null} */ (editor.querySelector('summary'));
    (summary ?? editor).after(note);
    editor.scrollIntoView({ block: 'center' });
    summary?.focus();
  }
}

/**
 * Rules problems, one a line: how bad; the field the page edits, named as the page names it and a
 * button to it (when the problem is in one); what it means; then the file place and validate's
 * English, for whoever edits the files.
 * @param {any[]} problems
 */
function problemList(problems) {
  return h(
    'ul',
    { class: 'problems' },
    ...problems.map((p) => {
      const meaning = p.meaning ? `，${p.meaning}` : '';
      if (!p.field)
        return h(
          'li',
          null,
          `${p.how}：${p.place}${meaning}`,
          h('span', { class: 'muted small' }, ` · ${p.english}`),
        );
      const go = h('button', { type: 'button', class: 'field-link' }, p.field.zh);
      go.addEventListener('click', () => showProblemAt(p.field, `${p.how}：${p.meaning ?? p.english}`));
      return h(
        'li',
        null,
        `${p.how}：`,
        go,
        meaning,
        h('span', { class: 'muted small' }, ` · ${p.place} · ${p.english}`),
      );
    }),
  );
}

/** A labelled field. @param {string} label @param {HTMLElement} input */
const field = (label, input) => h('label', { class: 'field' }, h('span', null, label), input);

/** @param {string} name @param {string} value @param {number} [rows] */
const area = (name, value, rows = 3) =>
  /** @type {HTMLTextAreaElement} */ (h('textarea', { name, rows }, value));

/** @param {string} name @param {string} value */
const input = (name, value) => /** @type {HTMLInputElement} */ (h('input', { name, value }));

function draftPanel() {
  const d = data.draft;
  if (!d)
    return h(
      'section',
      { class: 'panel', id: 'draft' },
      h('h2', null, '草稿 Draft'),
      h(
        'p',
        { class: 'muted' },
        '没有修改。下面的每处修改都先进入草稿，发布后才生效。No changes yet: edits stay in a draft until published.',
      ),
    );
  const by = input('by', localStorage.getItem('kfbot-editor') ?? '');
  by.setAttribute('aria-label', '发布人 Your name');
  const message = input('message', '');
  message.setAttribute('aria-label', '说明 Message');
  const publish = h('button', { type: 'submit' }, '验证并发布 Publish');
  const form = h(
    'form',
    { class: 'filter' },
    field('发布人 Name', by),
    field('说明 Message', message),
    publish,
  );
  const status = h('div');
  form.addEventListener('submit', (e) => {
    e.preventDefault();
    localStorage.setItem('kfbot-editor', by.value);
    publish.setAttribute('disabled', '');
    status.replaceChildren(
      h('p', { class: 'muted' }, '正在验证和运行对话测试… Validating and running the conversation tests…'),
    );
    act('publish', { by: by.value, message: message.value }, status);
  });
  const undo = h('button', { type: 'button' }, '撤销上一步 Undo');
  undo.addEventListener('click', () => act('draft-undo', {}));
  const discard = h('button', { type: 'button' }, '放弃草稿 Discard');
  discard.addEventListener('click', () => act('draft-discard', {}));
  const rebase = h('button', { type: 'button' }, '在最新文件上重做我的修改 Redo my edits on the new files');
  rebase.addEventListener('click', () => act('draft-rebase', {}, status));
  return h(
    'section',
    { class: 'panel', id: 'draft' },
    h('h2', null, `草稿 Draft: ${d.edits.length} 处修改 edits → ${d.files.join(', ') || '—'}`),
    d.conflicts.length
      ? h(
          'div',
          { role: 'alert', class: 'error', id: 'conflict' },
          `冲突 Conflict: ${d.conflicts.join(', ')} 在草稿开始后被修改过（他人编辑或发布）。 changed on disk since this draft began.`,
          ' ',
          rebase,
        )
      : null,
    h('pre', { class: 'diff', 'aria-label': 'YAML diff' }, d.diff || '（没有修改 no change）'),
    form,
    h('p', null, undo, ' ', discard),
    status,
  );
}

function tryPanel() {
  const say = input('say', '');
  say.setAttribute('aria-label', '客户说 Customer says');
  const out = h('pre', { class: 'diff', id: 'try-reply', hidden: true });
  const problems = h('div', { id: 'try-problems' });
  const form = h(
    'form',
    { class: 'filter' },
    field('客户说 Customer says', say),
    h('button', { type: 'submit' }, '试一试 Try'),
  );
  const fail = h('div');
  form.addEventListener('submit', async (e) => {
    e.preventDefault();
    fail.replaceChildren();
    problems.replaceChildren();
    try {
      const r = await post('draft-try', { text: say.value });
      if (r.errors.length) {
        out.hidden = true;
        problems.replaceChildren(
          h(
            'p',
            { class: 'error' },
            '草稿里有错误，改正后才能试（点带下划线的名字，直接到要改的地方）· the draft does not validate:',
          ),
          problemList(r.errors),
        );
        return;
      }
      out.textContent =
        r.reply === null
          ? '（机器人不回复这句话 the bot sends nothing to this）'
          : `机器人回复 bot replies: ${r.reply}`;
      out.hidden = false;
    } catch (err) {
      out.hidden = true;
      fail.replaceChildren(problemBox(err));
    }
  });
  return h(
    'section',
    { class: 'panel', id: 'try' },
    h('h2', null, '试一试 Try the draft'),
    h(
      'p',
      { class: 'muted' },
      '在草稿上试：输入客户会发的话，看机器人怎么回，不影响线上 · Type what a customer would send and see how the draft answers; customers are not affected.',
    ),
    form,
    fail,
    problems,
    out,
  );
}

function unansweredPanel() {
  const items = data.catalogue.items;
  if (data.unanswered.length === 0) return null;
  return h(
    'section',
    { class: 'panel', id: 'unanswered' },
    h('h2', null, '未答问题 Unanswered → 相似问法'),
    dataTable(
      {},
      ['客户说 Customer text', '次数 count', '加到问答，或新建 Add to an item, or a new one'],
      data.unanswered.map((/** @type {any} */ u) => {
        const select = /** @type {HTMLSelectElement} */ (
          h(
            'select',
            { 'aria-label': `item for ${u.text}` },
            ...items.map((/** @type {any} */ i) =>
              h(
                'option',
                { value: i.id, selected: u.suggest?.id === i.id },
                `${i.label || i.questions[0] || i.id} (${i.id})`,
              ),
            ),
          )
        );
        const add = h('button', { type: 'button' }, '加为相似问法 Add');
        const cell = h('div');
        add.addEventListener('click', () => {
          const item = items.find((/** @type {any} */ i) => i.id === select.value);
          if (item) edit({ op: 'set-item', id: item.id, questions: [...item.questions, u.text] }, cell);
        });
        const fresh = h('button', { type: 'button' }, '新建问答 New item');
        fresh.addEventListener('click', () => {
          const q = /** @type {HTMLTextAreaElement | null} */ (
            document.querySelector('#new-item textarea[name=questions]')
          );
          if (q) {
            q.value = u.text;
            q.focus();
          }
        });
        return h(
          'tr',
          null,
          h('td', null, u.text),
          h('td', { class: 'num' }, u.count),
          // One cell for both ways, so on a phone neither is past the table's right edge.
          h(
            'td',
            { class: 'add-to' },
            select,
            u.suggest
              ? h(
                  'span',
                  { class: 'muted small' },
                  u.suggest.why === 'chosen'
                    ? ' 客户在猜你想问中选过 chosen by customers'
                    : ' 最接近 nearest',
                )
              : null,
            ' ',
            add,
            h('span', { class: 'muted small' }, ' 或 or '),
            fresh,
            cell,
          ),
        );
      }),
    ),
  );
}

function newItemPanel() {
  const q = pageQuery();
  const id = input('id', '');
  const questions = area('questions', q.get('question') ?? '', 4);
  const reply = area('reply', q.get('answer') ?? '', 3);
  const menu = /** @type {HTMLSelectElement} */ (
    h(
      'select',
      { name: 'menu' },
      h('option', { value: '' }, '不放进菜单（faq:）'),
      ...data.catalogue.menus.map((/** @type {any} */ m) => h('option', { value: m.name }, m.name)),
    )
  );
  const label = input('label', '');
  const status = h('div');
  const form = h(
    'form',
    { class: 'edit-form', id: 'new-item' },
    field('编号 Id（可不填 optional: letters, digits, _）', id),
    field('相似问法 Questions（每行一个 one per line）', questions),
    field('答案 Reply', reply),
    placeholderHint(data.catalogue.placeholders),
    field('菜单 Menu', menu),
    field('菜单上显示 Label (menu only)', label),
    h('button', { type: 'submit' }, '加入草稿 Add to draft'),
    status,
  );
  form.addEventListener('submit', (e) => {
    e.preventDefault();
    edit(
      {
        op: 'add-item',
        id: id.value.trim(),
        questions: lines(questions.value),
        reply: reply.value,
        ...(menu.value && { menu: menu.value, label: label.value }),
      },
      status,
    );
  });
  return h('section', { class: 'panel', id: 'new' }, h('h2', null, '新建问答 New FAQ item'), form);
}

/** @param {any} item */
function itemEditor(item) {
  const label = input('label', item.label ?? '');
  const questions = area('questions', item.questions.join('\n'), Math.min(8, item.questions.length + 1));
  const reply = area('reply', item.reply, 3);
  if (item.answer !== 'text') reply.setAttribute('disabled', '');
  const status = h('div');
  const save = h('button', { type: 'submit' }, '保存到草稿 Save to draft');
  const remove = h('button', { type: 'button' }, '删除 Remove');
  const form = h(
    'form',
    { class: 'edit-form', 'data-item': item.id },
    item.kind === 'menu' ? field('菜单上显示 Label', label) : null,
    field('相似问法 Questions（每行一个）', questions),
    field(item.answer === 'text' ? '答案 Reply' : '答案 Answer (menu/actions: edit the file)', reply),
    item.answer === 'text' ? placeholderHint(data.catalogue.placeholders) : null,
    h('p', null, save, ' ', remove),
    status,
  );
  form.addEventListener('submit', (e) => {
    e.preventDefault();
    /** @type {any} */
    const change = { op: 'set-item', id: item.id, questions: lines(questions.value) };
    if (item.kind === 'menu' && label.value !== item.label) change.label = label.value;
    if (item.answer === 'text' && reply.value !== item.reply) change.reply = reply.value;
    edit(change, status);
  });
  remove.addEventListener('click', () => edit({ op: 'remove-item', id: item.id }, status));
  return h(
    'details',
    { class: 'item', 'data-item-id': item.id },
    h(
      'summary',
      null,
      h('code', null, item.id),
      ' ',
      item.label || item.questions[0] || '',
      h(
        'span',
        { class: 'muted small' },
        ` ${item.kind === 'menu' ? `菜单 ${item.menu}` : 'faq'} · ${item.questions.length} 个相似问法 · ${item.file}`,
      ),
    ),
    form,
  );
}

/** @param {any} menu */
function menuEditor(menu) {
  const head = input('head', menu.head);
  const tail = input('tail', menu.tail);
  const status = h('div');
  const form = h(
    'form',
    { class: 'edit-form' },
    field('开头 Head', head),
    field('结尾 Tail', tail),
    placeholderHint(data.catalogue.placeholders),
    h('button', { type: 'submit' }, '保存到草稿 Save'),
    status,
  );
  form.addEventListener('submit', (e) => {
    e.preventDefault();
    edit({ op: 'set-menu', menu: menu.name, head: head.value, tail: tail.value }, status);
  });
  const items = menu.items.map((/** @type {any} */ it, /** @type {number} */ i) => {
    const up = h(
      'button',
      { type: 'button', 'aria-label': `上移 ${it.label}`, disabled: i === 0 || !it.id },
      '↑',
    );
    const down = h(
      'button',
      { type: 'button', 'aria-label': `下移 ${it.label}`, disabled: i === menu.items.length - 1 || !it.id },
      '↓',
    );
    up.addEventListener('click', () =>
      edit({ op: 'move-item', menu: menu.name, id: it.id, to: i - 1 }, status),
    );
    down.addEventListener('click', () =>
      edit({ op: 'move-item', menu: menu.name, id: it.id, to: i + 1 }, status),
    );
    return h('li', null, up, down, ' ', it.label, it.id ? h('code', null, ` ${it.id}`) : null);
  });
  return h(
    'details',
    { class: 'item', 'data-menu': menu.name },
    h(
      'summary',
      null,
      h('code', null, menu.name),
      h('span', { class: 'muted small' }, ` ${menu.items.length} 项 · ${menu.file}`),
    ),
    form,
    h('ol', null, ...items),
  );
}

/** What each text is, in WeCom's words (rule-catalogue.ts's roles). */
/** @type {Record<string, string>} */
const TEXT_ROLES = {
  welcome: '欢迎语 welcome',
  closing: '结束语 closing',
  handoff: '转人工 hand-off',
  fallback: '兜底 fallback',
  reply: '回复 reply',
};

/**
 * The placeholders a text may use, beside it: the names in sight, what each is filled with one
 * click away (the server derives the list from validate's, with this rule's regex groups).
 * @param {{ name: string; zh: string }[]} list
 */
function placeholderHint(list) {
  const written = (/** @type {string} */ name) => `{{${name}}}`;
  return h(
    'details',
    { class: 'placeholders' },
    h(
      'summary',
      null,
      '可用的占位符 Placeholders',
      // The names on the line itself; on a phone, where they took four lines under every text,
      // their count (console.css), the names one tap away.
      h(
        'span',
        { class: 'names' },
        ': ',
        ...list.flatMap((p, i) => [i ? ' ' : '', h('code', null, written(p.name))]),
      ),
      h('span', { class: 'count' }, `（${list.length} 个，点开看）`),
    ),
    h(
      'ul',
      null,
      ...list.map((p) => h('li', null, h('code', null, written(p.name)), ` ${p.zh}`)),
      h(
        'li',
        { class: 'muted' },
        h('code', null, '{{nickname|亲}}'),
        ' 没有值时用“亲”代替 · ',
        h('code', null, '\\{{'),
        ' 写出“{{”本身 · 其他名字会在试一试和发布时报错',
      ),
    ),
  );
}

/** @param {any} t */
function textEditor(t) {
  const text = area('text', t.text, 2);
  const status = h('div');
  const form = h(
    'form',
    { class: 'edit-form' },
    field(`${t.rule}（第 ${t.step + 1} 步）`, text),
    placeholderHint(t.placeholders),
    h('button', { type: 'submit' }, '保存到草稿 Save'),
    status,
  );
  form.addEventListener('submit', (e) => {
    e.preventDefault();
    edit({ op: 'set-rule-text', rule: t.rule, step: t.step, text: text.value }, status);
  });
  // Each text its own block, its kind beside its name (a tag on a line of its own read as the
  // previous text's).
  return h(
    'div',
    { class: 'text-item', 'data-rule': t.rule, 'data-step': t.step },
    h('span', { class: 'tag' }, TEXT_ROLES[t.role] ?? t.role),
    form,
  );
}

function kbPanel() {
  // The browser draws a file input's button in its own language ("Choose File"); this one is a
  // label styled as a button. The input stays in the tab order, out of sight: Tab reaches it (the
  // label shows the focus) and Space or Enter opens the file chooser as on any file input.
  const file = /** @type {HTMLInputElement} */ (
    h('input', { type: 'file', accept: '.xlsx', id: 'kb-file', class: 'visually-hidden' })
  );
  const chosen = h('span', { class: 'muted small', id: 'kb-file-name' }, '未选择文件 No file chosen');
  file.addEventListener('change', () => {
    chosen.textContent = file.files?.[0]?.name ?? '未选择文件 No file chosen';
    status.replaceChildren();
  });
  const pick = h(
    'label',
    { for: 'kb-file', class: 'file-pick' },
    '选择知识库 Excel 文件 Choose the .xlsx file',
  );
  const status = h('div', { id: 'kb-status' });
  const go = h('button', { type: 'button' }, '导入到草稿 Import into the draft');
  go.addEventListener('click', async () => {
    const f = file.files?.[0];
    if (!f) {
      status.replaceChildren(
        errorBox('请先选择一个 .xlsx 文件（从 Excel 或 WPS 另存为 .xlsx）· Choose an .xlsx file first'),
      );
      return;
    }
    status.replaceChildren(h('p', { class: 'muted', role: 'status' }, '导入中… Importing…'));
    const bytes = new Uint8Array(await f.arrayBuffer());
    let bin = '';
    for (let i = 0; i < bytes.length; i += 0x8000)
      bin += String.fromCharCode(...bytes.subarray(i, i + 0x8000));
    try {
      const answer = await post('kb-import', { xlsx: btoa(bin) });
      data = answer.state;
      draw();
      const r = answer.report;
      const box = /** @type {HTMLElement} */ (document.getElementById('kb-status'));
      box.replaceChildren(
        h(
          'div',
          null,
          h(
            'p',
            { class: 'ok', role: 'status' },
            `新增 ${r.added} 项 · 合并 ${r.merged} 项（加相似问法）· 不变 ${r.unchanged} 项 added ${r.added}, merged ${r.merged}, unchanged ${r.unchanged}`,
          ),
          r.answerDiffers.length
            ? h(
                'p',
                { class: 'muted' },
                `答案不同、保留原答案 kept the existing reply: ${r.answerDiffers.join('; ')}`,
              )
            : null,
          r.skipped.length ? h('p', { class: 'error' }, `跳过 skipped: ${r.skipped.join('; ')}`) : null,
        ),
      );
    } catch (err) {
      status.replaceChildren(problemBox(err));
    }
  });
  return h(
    'section',
    { class: 'panel', id: 'kb' },
    h('h2', null, '知识库 Excel (问题, 相似问法, 答案)'),
    h(
      'p',
      null,
      h('a', { href: '/console/api/kb-export', download: '' }, '导出已发布的问答 Export'),
      ' · 导入按问题合并进草稿，不替换已有的问答 · Import merges into the draft by question, never replaces.',
    ),
    h('p', { class: 'file-row' }, file, pick, ' ', chosen, ' ', go),
    status,
  );
}

/**
 * Who published a version: the name they typed, and the sign-in it came from. The console has one
 * password and no accounts, so two people may type the same name (or none: 控制台); the sign-in's
 * short number tells them apart, and its title says what it is.
 * A version kfbot recorded itself (the seed) carries `why`, said under its name: no person did it.
 * @param {{ name: string; session?: string | null; why?: string }} p
 */
function publisherCell(p) {
  if (p.why) return h('span', { title: p.why }, p.name);
  if (!p.session) return p.name;
  return h(
    'span',
    null,
    p.name,
    h(
      'span',
      {
        class: 'muted small',
        title: `控制台登录 ${p.session}：同一次登录发布的版本编号相同；发布人名字是自己填写的，不是账号 · console sign-in ${p.session}: versions published from one sign-in share it; the name is as the publisher typed it`,
      },
      `（登录 #${p.session.slice(0, 6)}）`,
    ),
  );
}

function versionsPanel() {
  const diffBox = h('pre', { class: 'diff', hidden: true });
  const status = h('div');
  return h(
    'section',
    { class: 'panel', id: 'versions' },
    h('h2', null, '版本 Versions'),
    data.versions.length === 0
      ? h(
          'p',
          { class: 'muted', id: 'no-versions' },
          '还没有发布过：发布草稿后，每个版本都列在这里，可以回滚 · Nothing published yet: each published version is listed here, to roll back to.',
        )
      : dataTable(
          {},
          ['版本', '时间', '发布人', '说明', '操作'],
          data.versions.map((/** @type {any} */ v) => {
            // Short Chinese labels, the English hidden on a phone (console.css .en): a row stays one line.
            const show = h(
              'button',
              { type: 'button', class: 'compact', title: `版本 ${v.version} 改了什么 · what it changed` },
              '差异',
              h('span', { class: 'en' }, ' Diff'),
            );
            show.addEventListener('click', async () => {
              try {
                const full = await api(`rule-version/${v.version}`);
                diffBox.textContent =
                  full.diff || '（首个版本：当时磁盘上的文件）(the files as found on disk)';
              } catch (err) {
                diffBox.hidden = true;
                status.replaceChildren(problemBox(err, '加载失败 Could not load: '));
                return;
              }
              status.replaceChildren();
              diffBox.hidden = false;
            });
            const back = h(
              'button',
              {
                type: 'button',
                class: 'compact',
                'aria-label': `回滚到版本 ${v.version}`,
                title:
                  v.version === data.latest
                    ? '这就是最新版本，无需回滚 · this is the newest version'
                    : `把版本 ${v.version} 的规则作为新版本再发布一次 · publish version ${v.version}'s files again`,
                disabled: v.version === data.latest,
              },
              '回滚',
              h('span', { class: 'en' }, ' Roll back'),
            );
            back.addEventListener('click', () => {
              if (confirm(`回滚到版本 ${v.version}？Roll back to version ${v.version}?`))
                act(
                  'rollback',
                  { version: v.version, by: localStorage.getItem('kfbot-editor') ?? '' },
                  status,
                );
            });
            return h(
              'tr',
              null,
              h('td', { class: 'num' }, v.version),
              h('td', { class: 'time' }, time(v.at)),
              h('td', { class: 'by' }, publisherCell(v.publisher)),
              h('td', { class: 'version-message' }, v.message),
              h('td', { class: 'row-actions' }, show, ' ', back),
            );
          }),
        ),
    status,
    diffBox,
  );
}

/**
 * The page's panels as links, at its top and staying there while it scrolls: the page is long
 * (every item, menu and text), and 版本 would otherwise be found only by scrolling to the end.
 * Only panels that are drawn get a link (未答问题 is left out when there are none).
 */
function pageLinks() {
  const c = data.catalogue;
  /** @type {[string, string][]} */
  const panels = [
    ['draft', data.draft ? `草稿 (${data.draft.edits.length})` : '草稿'],
    ['try', '试一试'],
    ...(data.unanswered.length
      ? [/** @type {[string, string]} */ (['unanswered', `未答问题 (${data.unanswered.length})`])]
      : []),
    ['new', '新建问答'],
    ['items', `问答 (${c.items.length})`],
    ['menus', '菜单'],
    ['texts', '话术'],
    ['kb', '知识库 Excel'],
    ['versions', '版本'],
  ];
  return h(
    'nav',
    { class: 'page-links', 'aria-label': '本页目录 On this page' },
    ...panels.map(([id, label]) => {
      const link = h('a', { href: `#${id}` }, label);
      // Scrolled here, the address left as it is: a #fragment in the address fires popstate,
      // which redraws the console's page (console.js) and would drop what is typed but not saved.
      link.addEventListener('click', (e) => {
        e.preventDefault();
        document.getElementById(id)?.scrollIntoView();
      });
      return link;
    }),
  );
}

function draw() {
  const c = data.catalogue;
  root.replaceChildren(
    h(
      'div',
      null,
      h('h1', null, '编辑与发布 Edit & publish'),
      h(
        'p',
        { class: 'muted', id: 'rules-status' },
        `规则文件 ${data.rules} · `,
        h(
          'span',
          {
            title:
              '本实例启动以来第几次加载规则：每次规则文件改动（发布、回滚或手改）就重新加载一次；它不是发布的版本号',
          },
          `运行中：第 ${data.running ?? '—'} 次加载的规则 loaded #${data.running ?? '—'}`,
        ),
        ' · ',
        data.latest ? `最新发布版本 v${data.latest} published` : '还没有发布过 nothing published yet',
      ),
      pageLinks(),
      outcomeBox,
      draftPanel(),
      tryPanel(),
      unansweredPanel(),
      newItemPanel(),
      h(
        'section',
        { class: 'panel', id: 'items' },
        h('h2', null, `问答 FAQ items (${c.items.length})`),
        ...c.items.map(itemEditor),
      ),
      h('section', { class: 'panel', id: 'menus' }, h('h2', null, '菜单 Menus'), ...c.menus.map(menuEditor)),
      h(
        'section',
        { class: 'panel', id: 'texts' },
        h('h2', null, '话术 Texts (欢迎语, 结束语, 转人工, 兜底)'),
        ...c.texts.map(textEditor),
      ),
      kbPanel(),
      versionsPanel(),
    ),
  );
}

/** @param {HTMLElement} main */
export async function render(main) {
  root = main;
  try {
    data = await api('authoring');
  } catch (err) {
    main.replaceChildren(problemBox(err));
    return;
  }
  draw();
}
