// @ts-check
// kfbot sandbox page: plain DOM, no framework. Builds its view from the server-sent events of
// /sandbox/events and sends what the person does to /sandbox/actions.

/**
 * @typedef {import('../sandbox-events.ts').SandboxEvent} SandboxEvent
 * @typedef {Extract<SandboxEvent, { type: 'customer' }>} CustomerEvent
 * @typedef {Extract<SandboxEvent, { type: 'session' }>} SessionEvent
 * @typedef {Extract<SandboxEvent, { type: 'rules' }>} RulesEvent
 * @typedef {Extract<SandboxEvent, { type: 'request' }>} RequestEvent
 * @typedef {import('../sandbox-events.ts').DecisionSummary} DecisionSummary
 * @typedef {{ kind: string, [field: string]: unknown }} Entry
 */

/** The page's elements all exist (index.html); a missing one is a bug worth failing on. */
const $ = (/** @type {string} */ id) => {
  const found = document.getElementById(id);
  if (!found) throw new Error(`the page has no #${id}`);
  return /** @type {HTMLElement & HTMLInputElement & HTMLSelectElement} */ (found);
};

/**
 * @type {{
 *   accounts: { openKfId: string, name: string }[],
 *   servicers: { userid: string, name: string }[],
 *   customers: CustomerEvent[],
 *   entries: Map<string, Entry[]>,
 *   sessions: Map<string, SessionEvent>,
 *   decisions: Map<string, { decision: DecisionSummary, index: number, customer: string }>,
 *   requests: { record: RequestEvent['record'], meaning: string | undefined, index: number }[],
 *   rules: RulesEvent | null,
 *   account: string | null,
 *   customer: string | null,
 *   selectedMsgid: string | null,
 *   replayed: boolean,
 *   eventIndex: number,
 *   clockOffsetMs: number,
 * }}
 */
const state = {
  accounts: [],
  servicers: [],
  customers: [], // { openKfId, externalUserId, nickname }
  entries: new Map(), // conversation key → [{ kind, ... }]
  sessions: new Map(),
  decisions: new Map(), // inbound msgid → { decision, index }
  requests: [], // { record, meaning, index }
  rules: null,
  account: null,
  customer: null,
  selectedMsgid: null,
  replayed: false,
  eventIndex: 0,
  clockOffsetMs: 0,
};

const key = (openKfId, externalUserId) => `${openKfId}/${externalUserId}`;
const currentKey = () => (state.account && state.customer ? key(state.account, state.customer) : null);

function el(tag, attrs = {}, ...children) {
  const node = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs)) {
    if (k === 'class') node.className = v;
    else if (k.startsWith('on')) node.addEventListener(k.slice(2), v);
    else if (v !== undefined && v !== null && v !== false) node.setAttribute(k, v === true ? '' : v);
  }
  for (const c of children.flat())
    if (c !== null && c !== undefined) node.append(c instanceof Node ? c : String(c));
  return node;
}

async function act(action) {
  $('action-error').textContent = '';
  const res = await fetch('/sandbox/actions', {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ openKfId: state.account, externalUserId: state.customer, ...action }),
  });
  const body = await res.json();
  if (!res.ok) {
    $('action-error').textContent = body.error;
    return null;
  }
  return body;
}

// ---------------------------------------------------------------------------------------------
// Rendering message content as WeChat shows it

function renderContent(msgtype, payload, { clickable }) {
  switch (msgtype) {
    case 'text':
      return [payload.content ?? ''];
    case 'msgmenu': {
      const items = (payload.list ?? []).map((item) => {
        if (item.type === 'click') {
          return clickable
            ? el(
                'button',
                { type: 'button', class: 'click', onclick: () => act({ type: 'click', id: item.click.id }) },
                item.click.content,
              )
            : el('span', { class: 'click' }, item.click.content);
        }
        if (item.type === 'view')
          return el('a', { href: item.view.url, target: '_blank', rel: 'noopener' }, item.view.content);
        if (item.type === 'miniprogram') return el('span', { class: 'mp' }, item.miniprogram.content);
        if (item.type === 'text') return el('span', {}, item.text.content);
        return el('span', { class: 'muted' }, `[${item.type}]`);
      });
      return [
        payload.head_content ? el('div', { class: 'menu-head' }, payload.head_content) : null,
        el('div', { class: 'menu-items' }, items),
        payload.tail_content ? el('div', { class: 'menu-tail' }, payload.tail_content) : null,
      ];
    }
    case 'image':
      return [el('img', { src: `/sandbox/media/${payload.media_id}`, alt: '图片 image' })];
    case 'voice':
      return ['🎤 [语音 voice]'];
    case 'video':
      return ['🎬 [视频 video]'];
    case 'file':
      return [`📎 [文件 file] ${payload.media_id}`];
    case 'link':
      return [
        el(
          'div',
          { class: 'card' },
          el('div', { class: 'title' }, payload.title),
          payload.desc ? el('div', {}, payload.desc) : null,
          el('div', { class: 'kind' }, payload.url),
        ),
      ];
    case 'miniprogram':
      return [
        el(
          'div',
          { class: 'card' },
          el('div', { class: 'title' }, payload.title ?? payload.appid),
          el('div', { class: 'kind' }, '小程序 mini program'),
        ),
      ];
    case 'location':
      return [
        el(
          'div',
          { class: 'card' },
          el('div', { class: 'title' }, `📍 ${payload.name ?? ''}`),
          el('div', {}, payload.address ?? ''),
          el('div', { class: 'kind' }, `${payload.latitude}, ${payload.longitude}`),
        ),
      ];
    case 'ca_link':
      return [el('a', { href: payload.link_url, target: '_blank', rel: 'noopener' }, payload.link_url)];
    default:
      return [`[${msgtype}]`];
  }
}

function noticeFor(item) {
  const e = item.event ?? {};
  switch (e.event_type) {
    case 'enter_session':
      return `客户进入会话 entered${e.scene ? ` · scene=${e.scene}` : ''}${e.scene_param ? ` · scene_param=${e.scene_param}` : ''}${e.welcome_code ? ' · welcome_code issued' : ''}`;
    case 'session_status_change':
      return (
        [
          '',
          `客服 ${e.new_servicer_userid} 接入 took the session`,
          `转接给 ${e.new_servicer_userid} transferred`,
          '会话已结束 session ended',
          `客服 ${e.new_servicer_userid} 重新接入 re-joined`,
        ][e.change_type] ?? `session change ${e.change_type}`
      );
    case 'msg_send_fail':
      return `消息发送失败 send failed (fail_type ${e.fail_type})`;
    default:
      return e.event_type ?? 'event';
  }
}

function addEntry(openKfId, externalUserId, entry) {
  const k = key(openKfId, externalUserId);
  const list = state.entries.get(k) ?? [];
  state.entries.set(k, list);
  list.push(entry);
}

function renderChat() {
  const chat = $('chat');
  chat.replaceChildren();
  const k = currentKey();
  const customer = state.customers.find((c) => key(c.openKfId, c.externalUserId) === k);
  $('chat-title').textContent = customer ? customer.nickname : '—';
  const session = k && state.sessions.get(k);
  $('session-state').textContent = session
    ? `${session.label}${session.servicer ? ` · ${session.servicer}` : ''} · quota ${session.quotaLeft}/5`
    : '未开始 not started';
  for (const entry of (k && state.entries.get(k)) || []) {
    if (entry.kind === 'notice') {
      chat.append(el('li', { class: 'notice' }, entry.text));
      continue;
    }
    const bubble = el(
      'div',
      { class: 'bubble' },
      renderContent(entry.msgtype, entry.payload, { clickable: entry.kind === 'bot' }),
    );
    if (entry.kind === 'customer') {
      bubble.tabIndex = 0;
      bubble.setAttribute('role', 'button');
      bubble.setAttribute('aria-label', 'Explain this message');
      const select = () => {
        state.selectedMsgid = /** @type {string} */ (entry.msgid);
        renderChat();
        renderExplain();
      };
      bubble.addEventListener('click', select);
      bubble.addEventListener('keydown', (ev) => ev.key === 'Enter' && select());
    }
    const who =
      entry.kind === 'servicer'
        ? el('div', { class: 'who' }, `客服 ${entry.servicer}`)
        : entry.kind === 'bot'
          ? el('div', { class: 'who' }, 'kfbot')
          : null;
    const avatar = el(
      'div',
      { class: 'avatar', 'aria-hidden': 'true' },
      entry.kind === 'customer' ? '客' : entry.kind === 'bot' ? 'bot' : '服',
    );
    chat.append(
      el(
        'li',
        {
          class: `msg ${entry.kind}${entry.msgid && entry.msgid === state.selectedMsgid ? ' selected' : ''}`,
          'data-msgid': entry.msgid ?? '',
        },
        avatar,
        el('div', { class: 'body' }, who, bubble),
      ),
    );
  }
  chat.scrollTop = chat.scrollHeight;
}

function renderCustomers() {
  const list = $('customers');
  list.replaceChildren(
    ...state.customers
      .filter((c) => c.openKfId === state.account)
      .map((c) =>
        el(
          'li',
          {},
          el(
            'button',
            {
              type: 'button',
              'aria-current': c.externalUserId === state.customer ? 'true' : 'false',
              // Which customer it is (the nickname need not be unique): what tests wait on.
              'data-external-userid': c.externalUserId,
              onclick: () => selectCustomer(c.externalUserId),
            },
            c.nickname,
          ),
        ),
      ),
  );
}

function selectCustomer(externalUserId) {
  state.customer = externalUserId;
  state.selectedMsgid = null;
  renderCustomers();
  renderChat();
  renderExplain();
}

function renderRules() {
  const r = state.rules;
  if (!r) return;
  $('rules-status').textContent = r.ok
    ? `rules v${r.version} ✓`
    : `rules v${r.version ?? '–'} — the edited rules are invalid`;
  const box = $('rules-problems');
  const errors = r.problems;
  box.hidden = errors.length === 0;
  box.textContent = errors.length
    ? `${r.ok ? 'Warnings' : 'The rules have errors; kfbot keeps serving the previous rules'}:\n${errors.join('\n')}`
    : '';
}

function renderExplain() {
  const box = $('explain');
  box.replaceChildren();
  const msgid = state.selectedMsgid;
  if (!msgid) return;
  const found = state.decisions.get(msgid);
  if (!found) {
    box.append(
      el('p', { class: 'muted' }, 'kfbot has not decided on this message yet (or it was not pulled).'),
    );
    return;
  }
  const { decision: d, index, customer } = found;
  if (d.skipped) box.append(el('p', {}, `No rule consulted: ${d.skipped}`));
  if (d.faq) {
    const f = d.faq;
    const outcome =
      f.outcome === 'answer'
        ? `answered as a click on ${f.answered}`
        : f.outcome === 'clarify'
          ? 'close candidates: a clarifying menu asks which one'
          : `not confident (threshold ${f.threshold}): left to the other rules${f.outOfDomain ? ' as out of domain' : ''}`;
    box.append(el('h3', {}, '常见问题 FAQ match'));
    box.append(el('p', { class: 'faq' }, `${JSON.stringify(f.canonical)} → ${outcome}`));
    box.append(
      el(
        'ul',
        { class: 'faq-candidates' },
        f.candidates
          .slice(0, 3)
          .map((c) =>
            el(
              'li',
              { class: c.id === f.answered ? 'ok' : '' },
              `${c.score.toFixed(3)}  ${c.id}  via “${c.question}”`,
            ),
          ),
      ),
    );
  }
  box.append(el('h3', {}, `规则 Rules (v${d.rulesVersion})`));
  if (d.rules.length === 0) box.append(el('p', { class: 'muted' }, 'No rule can match this message.'));
  for (const r of d.rules) {
    box.append(
      el(
        'div',
        { class: 'rule' },
        el(
          'div',
          { class: r.matched ? 'ok' : 'no' },
          `${r.matched ? '✓' : '✗'} ${r.name} `,
          el('span', { class: 'muted' }, r.at),
        ),
        el(
          'ul',
          {},
          r.conditions.map((c) =>
            el(
              'li',
              { class: c.result ? 'ok' : 'no' },
              `${c.result === null ? '·' : c.result ? '✓' : '✗'} ${c.label}${c.value === undefined || c.value === null ? '' : `  (is ${JSON.stringify(c.value)})`}`,
            ),
          ),
        ),
      ),
    );
  }
  for (const b of d.backendCalls ?? []) {
    // A rule's call to the company's backend: request (env values as ‹env.X›), answer, time, branch.
    const o = b.outcome;
    const result = !o
      ? '…'
      : o.error
        ? `✗ ${o.error}${o.status ? ` (${o.status})` : ''}${o.detail ? `: ${o.detail}` : ''}`
        : `✓ ${o.status}${o.saved && Object.keys(o.saved).length ? `  saved ${JSON.stringify(o.saved)}` : ''}`;
    box.append(
      el(
        'div',
        { class: 'backend-call' },
        el(
          'div',
          { class: o && !o.error ? 'ok' : 'no' },
          `↔ call ${b.call} (${b.rule}) ${b.request.method} ${b.request.url}`,
        ),
        el(
          'ul',
          {},
          [
            Object.keys(b.request.headers).length ? `headers ${JSON.stringify(b.request.headers)}` : '',
            b.request.body === undefined ? '' : `body ${b.request.body}`,
            `→ ${result}${o ? ` · ${Math.round(o.durationMs)} ms · ${o.attempts} attempt${o.attempts > 1 ? 's' : ''}` : ''}`,
            b.branch ? `then: ${b.branch}` : '',
          ]
            .filter((t) => t !== '')
            .map((t) => el('li', {}, t)),
        ),
      ),
    );
  }
  for (const dr of d.dropped)
    box.append(el('p', { class: 'dropped' }, `⚠ not sent (${dr.rule}): ${dr.reason}`));
  box.append(el('h3', {}, 'API 请求 Requests kfbot made'));
  const next = [...state.decisions.values()]
    .filter((x) => x.customer === customer && x.index > index)
    .map((x) => x.index);
  const until = next.length ? Math.min(...next) : Number.POSITIVE_INFINITY;
  const msgids = new Set(d.calls.map((c) => c.msgid).filter(Boolean));
  const related = state.requests.filter((r) => {
    const body = /** @type {Record<string, unknown>} */ (r.record.body ?? {});
    if (typeof body.msgid === 'string' && msgids.has(body.msgid)) return true;
    return (
      r.index > index &&
      r.index < until &&
      r.record.api?.startsWith('kf/') &&
      r.record.api !== 'kf/sync_msg' &&
      (body.external_userid === customer || body.touser === customer)
    );
  });
  if (related.length === 0)
    box.append(
      el('p', { class: 'muted' }, d.calls.length ? 'Waiting for the calls…' : 'No call: nothing to send.'),
    );
  for (const r of related) {
    const res = /** @type {Record<string, unknown>} */ (r.record.response ?? {});
    const refused = typeof res.errcode === 'number' && res.errcode !== 0;
    box.append(
      el(
        'div',
        { class: `call${refused ? ' refused' : ''}` },
        el('div', {}, `POST /cgi-bin/${r.record.api}`),
        el('pre', {}, JSON.stringify(r.record.body, null, 2)),
        refused
          ? el(
              'div',
              { class: 'refusal' },
              `✗ WeCom refused: errcode ${res.errcode}${r.meaning ? ` — ${r.meaning}` : ''}`,
            )
          : el('div', { class: 'ok' }, '✓ accepted'),
        el('pre', {}, JSON.stringify(res)),
      ),
    );
  }
}

// ---------------------------------------------------------------------------------------------
// Events

/** @param {SandboxEvent} e */
function onEvent(e) {
  state.eventIndex++;
  switch (e.type) {
    case 'replayed':
      state.replayed = true;
      if (!state.customers.some((c) => c.openKfId === state.account)) newCustomer();
      return;
    case 'accounts':
      state.accounts = e.accounts;
      state.servicers = e.servicers;
      state.account ??= e.accounts[0]?.openKfId ?? null;
      $('account').replaceChildren(...e.accounts.map((a) => el('option', { value: a.openKfId }, a.name)));
      for (const id of ['servicer', 'transfer-to'])
        $(id).replaceChildren(
          ...e.servicers.map((s) => el('option', { value: s.userid }, `${s.name} (${s.userid})`)),
        );
      return;
    case 'customer':
      state.customers.push(e);
      if (!state.customer && e.openKfId === state.account) state.customer = e.externalUserId;
      renderCustomers();
      break;
    case 'item': {
      const item = e.item;
      if (item.msgtype === 'event')
        addEntry(e.openKfId, e.externalUserId, { kind: 'notice', text: noticeFor(item) });
      else if (item.origin === 5)
        addEntry(e.openKfId, e.externalUserId, {
          kind: 'servicer',
          servicer: item.servicer_userid,
          msgtype: item.msgtype,
          payload: item[item.msgtype] ?? {},
          msgid: item.msgid,
        });
      else
        addEntry(e.openKfId, e.externalUserId, {
          kind: 'customer',
          msgtype: item.msgtype,
          payload: item[item.msgtype] ?? {},
          msgid: item.msgid,
        });
      break;
    }
    case 'sent':
      addEntry(e.openKfId, e.externalUserId, {
        kind: 'bot',
        msgtype: e.message.msgtype,
        payload: e.message.content[e.message.msgtype] ?? {},
        msgid: e.message.msgid,
      });
      break;
    case 'session':
      state.sessions.set(key(e.openKfId, e.externalUserId), e);
      break;
    case 'request':
      state.requests.push({ record: e.record, meaning: e.meaning, index: state.eventIndex });
      if (state.requests.length > 2000) state.requests.shift();
      break;
    case 'decision':
      state.decisions.set(e.msgid, {
        decision: e.decision,
        index: state.eventIndex,
        customer: e.externalUserId,
      });
      // An event (enter_session, session end) has no bubble to click: explain it as it happens.
      if (e.decision.kind !== 'text' && e.externalUserId === state.customer && e.decision.rules.length)
        state.selectedMsgid = e.msgid;
      break;
    case 'rules':
      state.rules = e;
      renderRules();
      return;
    case 'clock':
      state.clockOffsetMs = e.offsetMs;
      renderClock();
      return;
  }
  if (state.replayed || e.type === 'customer') {
    renderChat();
    renderExplain();
  }
}

/** The sandbox's time: real time plus the skips (kfbot and the simulator read the same clock). */
function renderClock() {
  const now = new Date(Date.now() + state.clockOffsetMs);
  const two = (/** @type {number} */ n) => String(n).padStart(2, '0');
  $('clock-now').textContent =
    `${two(now.getMonth() + 1)}-${two(now.getDate())} ${two(now.getHours())}:${two(now.getMinutes())}:${two(now.getSeconds())}`;
}
setInterval(renderClock, 1000);

async function newCustomer() {
  const body = await act({ type: 'new-customer' });
  if (body) selectCustomer(body.externalUserId);
}

// ---------------------------------------------------------------------------------------------
// Controls

$('account').addEventListener('change', (ev) => {
  state.account = /** @type {HTMLSelectElement} */ (ev.target).value;
  state.customer = state.customers.find((c) => c.openKfId === state.account)?.externalUserId ?? null;
  if (!state.customer) newCustomer();
  renderCustomers();
  renderChat();
});
$('new-customer').addEventListener('click', newCustomer);
$('enter-form').addEventListener('submit', (ev) => {
  ev.preventDefault();
  act({ type: 'enter', scene: $('scene').value.trim(), sceneParam: $('scene-param').value.trim() });
});
$('say-form').addEventListener('submit', (ev) => {
  ev.preventDefault();
  const text = $('say').value.trim();
  if (!text) return;
  $('say').value = '';
  act({ type: 'say', text });
});
$('take').addEventListener('click', () => act({ type: 'take', servicerUserId: $('servicer').value }));
$('transfer').addEventListener('click', () =>
  act({ type: 'transfer', toServicerUserId: $('transfer-to').value }),
);
$('end').addEventListener('click', () => act({ type: 'end' }));
$('servicer-form').addEventListener('submit', (ev) => {
  ev.preventDefault();
  const text = $('servicer-text').value.trim();
  if (!text) return;
  $('servicer-text').value = '';
  act({ type: 'servicer-say', text, servicerUserId: $('servicer').value });
});

$('wait-form').addEventListener('submit', (ev) => {
  ev.preventDefault();
  act({ type: 'wait', duration: $('wait').value.trim() });
});

const events = new EventSource('/sandbox/events');
events.onmessage = (m) => onEvent(JSON.parse(m.data));
events.onerror = () => {
  $('rules-status').textContent = 'disconnected from kfbot — is it still running?';
};
