/**
 * What the editor shows: the FAQ items (with 相似问法 and answer), the menus (head, items in
 * order, tail) and the texts rules send (welcome, closing, hand-off, fallback…), read from a
 * draft's files so every edit shows at once. Plain data for the console's page.
 */

import { visitEditable } from './editable-entries.ts';
import { type Data, isObj, list, str } from './plain-data.ts';
import { dataOf, type RuleFiles } from './rule-edit.ts';
import { savedVariables } from './saved-variables.ts';
import { type PlaceholderHint, textPlaceholders } from './text-placeholders.ts';

export interface CatalogueItem {
  id: string;
  /** `faq`: a faq: entry; `menu`: a click item of `menu`. */
  kind: 'faq' | 'menu';
  menu?: string;
  label?: string;
  questions: string[];
  /** The reply text; for a menu answer "→ menu name"; for actions, a summary. */
  reply: string;
  /** `text` when the reply can be edited as text. */
  answer: 'text' | 'menu' | 'actions';
  file: string;
}

export interface CatalogueMenu {
  name: string;
  file: string;
  head: string;
  tail: string;
  items: { id?: string; label: string }[];
}

export interface CatalogueText {
  rule: string;
  step: number;
  /** What the rule is for: welcome, closing, handoff (a transfer notice), fallback, reply. */
  role: string;
  text: string;
  file: string;
  /** The {{…}} names this text may use (validate's, with this rule's regex groups). */
  placeholders: PlaceholderHint[];
}

export interface Catalogue {
  items: CatalogueItem[];
  menus: CatalogueMenu[];
  texts: CatalogueText[];
  files: string[];
  /**
   * The {{…}} names an FAQ reply or a menu's head and tail may use (no rule, so no regex groups);
   * {{var.…}} by the names the rule set saves.
   */
  placeholders: PlaceholderHint[];
}

const strings = (v: unknown) => list(v).map(str);

function answerOf(item: Data): Pick<CatalogueItem, 'reply' | 'answer'> {
  if (typeof item.reply === 'string') return { reply: item.reply, answer: 'text' };
  if (isObj(item.reply) && typeof item.reply.menu === 'string')
    return { reply: `→ ${item.reply.menu}`, answer: 'menu' };
  if (typeof item.menu === 'string') return { reply: `→ ${item.menu}`, answer: 'menu' };
  if (item.then !== undefined)
    return {
      reply: list(item.then)
        .map((a) => (isObj(a) ? Object.keys(a).join('+') : str(a)))
        .join(', '),
      answer: 'actions',
    };
  return { reply: '', answer: 'text' };
}

export function ruleCatalogue(files: RuleFiles): Catalogue {
  const items: CatalogueItem[] = [];
  const menus: CatalogueMenu[] = [];
  const texts: CatalogueText[] = [];
  const saved = savedVariables(files);
  for (const { file, data } of dataOf(files)) {
    visitEditable(data, {
      faq: (e) =>
        items.push({ id: str(e.id), kind: 'faq', questions: strings(e.questions), ...answerOf(e), file }),
      menu: (name, m) =>
        menus.push({
          name,
          file,
          head: str(m.head),
          tail: str(m.tail),
          items: list(m.items)
            .filter(isObj)
            .map((e) => ({
              ...(e.click !== undefined && { id: str(e.click) }),
              label: str(e.label ?? e.text),
            })),
        }),
      menuItem: (name, e) =>
        items.push({
          id: str(e.click),
          kind: 'menu',
          menu: name,
          label: str(e.label),
          questions: strings(e.questions),
          ...answerOf(e),
          file,
        }),
      text: (r, step, value, path) => {
        const when = isObj(r.when) ? r.when : {};
        const key = path[4] as string;
        const role =
          key === 'welcome' || when.kind === 'enter_session'
            ? 'welcome'
            : key === 'closing' || when.kind === 'session_status_change'
              ? 'closing'
              : key === 'transfer'
                ? 'handoff'
                : r.fallback === true
                  ? 'fallback'
                  : 'reply';
        texts.push({
          rule: str(r.name),
          step,
          role,
          text: str(value),
          file,
          placeholders: textPlaceholders(r.when, saved),
        });
      },
    });
  }
  return {
    items,
    menus,
    texts,
    files: [...files.keys()].filter((f) => !f.startsWith('tests/')),
    placeholders: textPlaceholders(undefined, saved),
  };
}
