// A day field that shows and takes yyyy-mm-dd whatever the browser's language. A native
// <input type="date"> draws its value in the browser's own locale (11/09/2026 in an English
// Chromium, whatever the page's lang says), which an operator reads as 11 September; here the field
// is text holding yyyy-mm-dd, as the charts, tables, CSV and `kfbot report` write days, and a
// calendar button beside it opens the browser's own picker to choose a day with the mouse.
import { h } from './console-lib.js';

/**
 * The day an operator typed, as yyyy-mm-dd, or null when it is not a real day. Besides yyyy-mm-dd
 * it takes what people in China also type: 2026/1/31, 2026.1.31, 2026年1月31日, 20260131.
 * @param {string} text
 * @returns {string | null}
 */
export function isoDay(text) {
  const t = text.trim();
  const m =
    /^(\d{4})\s*[-/.年]\s*(\d{1,2})\s*[-/.月]\s*(\d{1,2})\s*日?$/.exec(t) ??
    /^(\d{4})(\d{2})(\d{2})$/.exec(t);
  if (!m) return null;
  const [y, mo, d] = [Number(m[1]), Number(m[2]), Number(m[3])];
  // A day the calendar has: 2026-02-30 rolls over to March in Date, so compare back.
  const date = new Date(Date.UTC(y, mo - 1, d));
  if (date.getUTCFullYear() !== y || date.getUTCMonth() !== mo - 1 || date.getUTCDate() !== d) return null;
  return date.toISOString().slice(0, 10);
}

/**
 * A yyyy-mm-dd text field with a calendar button. Typing works as in any text field; leaving the
 * field writes an accepted day as yyyy-mm-dd (2026/1/31 → 2026-01-31) and leaves anything else as
 * typed for the form to refuse with a message.
 * @param {string} name the field's name (from, to)
 * @param {string} value yyyy-mm-dd
 * @param {string} label what the calendar button says it picks, for a screen reader
 * @returns {{ box: HTMLElement; input: HTMLInputElement }}
 */
export function dateField(name, value, label) {
  const input = /** @type {HTMLInputElement} */ (
    h('input', {
      type: 'text',
      id: `day-${name}`,
      name,
      value,
      class: 'day',
      inputmode: 'numeric',
      autocomplete: 'off',
      spellcheck: 'false',
      placeholder: 'yyyy-mm-dd',
      title: '日期写作 yyyy-mm-dd，例如 2026-01-31',
      size: 10,
      maxlength: 12,
    })
  );
  input.addEventListener('change', () => {
    const day = isoDay(input.value);
    if (day) input.value = day;
  });
  // The browser's own calendar, opened by the button: kept in the page (a picker needs a rendered
  // input) but out of sight and out of the tab order; only the day it picks is used.
  const picker = /** @type {HTMLInputElement} */ (
    h('input', { type: 'date', class: 'picker', tabindex: '-1', 'aria-hidden': 'true' })
  );
  picker.addEventListener('change', () => {
    if (!picker.value) return;
    input.value = picker.value;
    input.dispatchEvent(new Event('input', { bubbles: true }));
    input.focus();
  });
  const open = h('button', { type: 'button', class: 'pick', 'aria-label': `选日期 Pick ${label}` }, '📅');
  open.addEventListener('click', () => {
    picker.value = isoDay(input.value) ?? '';
    try {
      picker.showPicker();
    } catch {
      // A browser without showPicker(): typing the day is the way.
      input.focus();
    }
  });
  return { box: h('span', { class: 'date-field' }, input, open, picker), input };
}
