/**
 * Reading a rule file's parsed YAML as plain data: the authoring code walks `faq:`, `menus:` and
 * `rules:` of drafts that may be half-written, so every read is tolerant (a missing list is
 * empty, a missing string is '').
 */
export type Data = Record<string, unknown>;

export const isObj = (v: unknown): v is Data => v !== null && typeof v === 'object' && !Array.isArray(v);
export const list = (v: unknown): unknown[] => (Array.isArray(v) ? v : []);
export const str = (v: unknown) =>
  typeof v === 'string' ? v : v === undefined || v === null ? '' : String(v);

/** Whether a menu click item answers (an item on the page) or only refers to one answered elsewhere. */
export const answersItself = (item: Data) =>
  ['reply', 'menu', 'then', 'questions'].some((k) => item[k] !== undefined);
