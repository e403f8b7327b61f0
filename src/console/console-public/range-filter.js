// The range and account filter of the overview, unanswered, conversations and rules pages: two
// yyyy-mm-dd day fields and an account list. A choice is kept in the address bar (so a link or a
// reload shows the same) and the page redraws from it; a day that is not one, or a range running
// backwards, is said beside the fields in Chinese and English before anything is asked of kfbot.

import { h, pageQuery } from './console-lib.js';
import { dateField, isoDay } from './date-field.js';

/**
 * @param {{ from: string; to: string; account: string | null }} range
 * @param {string[]} accounts
 * @param {() => void} onChange
 */
export function rangeFilter(range, accounts, onChange) {
  const from = dateField('from', range.from, '开始日期 the first day');
  const to = dateField('to', range.to, '结束日期 the last day');
  const account = /** @type {HTMLSelectElement} */ (
    h(
      'select',
      { name: 'account' },
      h('option', { value: '' }, '全部账号 all accounts'),
      ...[...new Set([...accounts, ...(range.account ? [range.account] : [])])].map((a) =>
        h('option', { value: a, selected: a === range.account }, a),
      ),
    )
  );
  const problem = h('p', { class: 'error filter-error', role: 'alert', id: 'range-error', hidden: true });
  for (const f of [from.input, to.input]) f.setAttribute('aria-describedby', 'range-error');
  /** @param {string} text @param {HTMLInputElement} [field] */
  const refuse = (text, field) => {
    problem.textContent = text;
    problem.hidden = false;
    for (const f of [from.input, to.input]) f.toggleAttribute('aria-invalid', f === field);
    field?.focus();
  };
  const form = h(
    'form',
    { class: 'filter', novalidate: true },
    // Each label names its text field alone (the calendar button beside it has its own name).
    h('span', null, h('label', { for: from.input.id }, '从 from'), ' ', from.box),
    h('span', null, h('label', { for: to.input.id }, '到 to'), ' ', to.box),
    h('label', null, '账号 account ', account),
    h('button', { type: 'submit' }, '查看 Show'),
    problem,
  );
  form.addEventListener('submit', (e) => {
    e.preventDefault();
    /** @type {Record<string, string>} */
    const days = {};
    for (const [key, field, name] of /** @type {const} */ ([
      ['from', from.input, '从 from'],
      ['to', to.input, '到 to'],
    ])) {
      const typed = field.value.trim();
      // Empty means the default: the last 30 days up to today.
      if (!typed) continue;
      const day = isoDay(typed);
      if (!day)
        return refuse(
          `“${name}”不是日期：请写成 yyyy-mm-dd，例如 2026-01-31，或点 📅 选择 · "${typed}" is not a day: write it yyyy-mm-dd, e.g. 2026-01-31`,
          field,
        );
      field.value = day;
      days[key] = day;
    }
    if (days.from && days.to && days.from > days.to)
      return refuse(
        `开始日期晚于结束日期，请改正其中一个 · the first day (${days.from}) is after the last (${days.to})`,
        from.input,
      );
    problem.hidden = true;
    for (const f of [from.input, to.input]) f.removeAttribute('aria-invalid');
    const q = pageQuery();
    for (const [k, v] of /** @type {const} */ ([
      ['from', days.from],
      ['to', days.to],
      ['account', account.value],
    ])) {
      if (v) q.set(k, v);
      else q.delete(k);
    }
    history.pushState(null, '', `${location.pathname}?${q}`);
    onChange();
  });
  return form;
}
