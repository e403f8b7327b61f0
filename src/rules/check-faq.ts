/**
 * validate's FAQ findings (warnings: the rules still run):
 * - a listed question that, typed exactly, would not get its own item's answer because another
 *   item is as close (near-duplicates across items);
 * - a menu item none of whose questions resembles its own label (questions pasted under the
 *   wrong item);
 * - a `faq:` id that is also a menu click id (a click and a typed match would share one answer);
 * - a one-character synonym, which is rewritten inside every word holding it (货 in 退货);
 * - a question that is nothing once punctuation, emoji and filler are removed ("😀", "请问");
 * - a faq entry offered by a first question longer than a menu item holds: what menus will show.
 */

import { byteLength, MENU_CLICK_CONTENT_MAX_BYTES } from '../wecom/send-limits.ts';
import { THRESHOLDS } from './faq/faq-calibration.ts';
import { fitMenuText } from './faq/menu-text.ts';
import { questionsNearOtherItems } from './faq/near-duplicates.ts';
import { questionText } from './faq/question-text.ts';
import type { RuleProblem } from './problems.ts';
import type { RuleSet } from './rule-model.ts';

/**
 * At most this many questions are matched in full for near-duplicates (about 1 s on a busy
 * machine): only those that share enough wording with another item's to be taken for it
 * (near-duplicates.ts), which in most FAQs is a small share of them.
 */
const MAX_DUPLICATE_CHECKS = 2000;

/** 2nd, 3rd, 11th, 21st… */
function ordinal(n: number): string {
  const suffix = n % 100 >= 11 && n % 100 <= 13 ? 'th' : (['th', 'st', 'nd', 'rd'][n % 10] ?? 'th');
  return `${n}${suffix}`;
}

export function checkFaq(set: RuleSet): RuleProblem[] {
  const faq = set.faq;
  if (!faq) return [];
  const out: RuleProblem[] = [];
  const { index } = faq;
  const { threshold } = index.tuning;
  const warn = (at: { file: string; line: number; col: number }, message: string) =>
    out.push({ ...at, severity: 'warning', message });

  // Each near-duplicate check is one full match, made only for a question another item could
  // score the threshold for. Past MAX_DUPLICATE_CHECKS of those, an even spread of them is
  // checked (and validate says so), so a big FAQ validates in seconds.
  const near = index.entries.length > 1 ? questionsNearOtherItems(index, threshold) : new Uint8Array(0);
  const total = index.entries.reduce((n, e) => n + e.questions.length, 0);
  const close = near.reduce((n, v) => n + v, 0);
  const every = Math.max(1, Math.ceil(close / MAX_DUPLICATE_CHECKS));
  if (every > 1)
    warn(
      faq.at,
      `the FAQ lists ${total} questions, ${close} of them close to another item's: every ${ordinal(every)} of those (${Math.ceil(close / every)}) was checked for near-duplicates, not all`,
    );
  let nextListed = 0;
  let nth = 0;
  for (const entry of index.entries) {
    // Listed questions are numbered across entries, as near-duplicates.ts numbers them.
    let listed = nextListed;
    nextListed += entry.questions.length;
    const item = faq.items.get(entry.id);
    if (!item) continue;
    // A question that is nothing once normalised has no slot in the index (no features).
    entry.questions.forEach((q, k) => {
      const { from, to } = index.slotsOf(listed + k);
      if (from === to)
        warn(
          item.at,
          `question "${q}" of "${entry.id}" is nothing once punctuation, emoji and filler (请问, 谢谢, 吗…) are removed: no typed text can match it; write the words customers use`,
        );
    });
    const shown = fitMenuText(entry.label);
    if (
      shown !== entry.label &&
      set.rules.some((r) => r.source.kind === 'faq' && r.source.clickId === entry.id)
    )
      warn(
        item.at,
        `faq entry "${entry.id}" is offered in menus by its first question, ${byteLength(entry.label)} bytes: over the ${MENU_CLICK_CONTENT_MAX_BYTES} bytes a menu item holds, so menus offering it show "${shown}"; add label: with the text to show`,
      );
    // With one item no question can be taken for another item's.
    if (index.entries.length < 2) continue;
    for (const q of entry.questions) {
      if (near[listed++] !== 1 || nth++ % every !== 0) continue;
      const outcome = index.match(q);
      if (outcome.type === 'answer' && outcome.candidate.id === entry.id) continue;
      const rival = outcome.candidates.find((c) => c.id !== entry.id);
      if (!rival || rival.score < threshold) continue;
      warn(
        item.at,
        `question "${q}" of "${entry.id}" is as close to "${rival.id}" ("${rival.question}", score ${rival.score}): a customer typing it would get ${outcome.type === 'clarify' ? 'a clarifying menu' : `the answer of "${rival.id}"`}; reword one of them or remove the duplicate`,
      );
    }
  }

  for (const group of faq.synonyms) {
    for (const word of group.slice(1)) {
      const w = questionText(word);
      if ([...w].length !== 1) continue;
      const inside = index.entries
        .flatMap((e) => e.questions)
        .filter((q) => {
          const t = questionText(q);
          return t.includes(w) && t !== w;
        });
      if (inside.length === 0) continue;
      warn(
        faq.at,
        `synonym "${word}" is one character: it is rewritten to "${group[0]}" inside every word holding it (${inside
          .slice(0, 3)
          .map((q) => `"${q}"`)
          .join(', ')}); list whole words of two or more characters instead, or drop it`,
      );
    }
  }

  const clickIds = new Map<string, string>();
  for (const rule of set.rules)
    if (rule.source.kind === 'menu-item') clickIds.set(rule.source.clickId, rule.source.menu);
  for (const menu of set.menus.values())
    for (const i of menu.items) if (i.type === 'click' && !clickIds.has(i.id)) clickIds.set(i.id, menu.name);

  for (const rule of set.rules) {
    if (rule.source.kind === 'faq') {
      const menu = clickIds.get(rule.source.clickId);
      if (menu !== undefined)
        warn(
          rule.at,
          `faq id "${rule.source.clickId}" is also a click id in menu "${menu}": a click and a typed question would both get the first answer written; give the faq entry its own id`,
        );
      continue;
    }
    if (rule.source.kind !== 'menu-item') continue;
    const clickId = rule.source.clickId;
    const entry = index.entries.find((e) => e.id === clickId);
    if (!entry || entry.questions.length < 2) continue;
    const [label, ...questions] = entry.questions as [string, ...string[]];
    const best = Math.max(
      ...questions.map((q) => Math.max(index.similarity(q, label), index.similarity(label, q))),
    );
    // Resembling is a lower bar than being answered: a calibrated threshold (up to 0.7 where items
    // share wording) says when to answer, not when a question is about its label.
    const resembles = Math.min(threshold, THRESHOLDS[0]);
    if (best < resembles)
      warn(
        rule.at,
        `none of the questions of "${entry.id}" resembles its label "${label}" (best score ${best}, threshold ${resembles}): check they belong to this item, or add a question close to the label`,
      );
  }
  return out;
}
