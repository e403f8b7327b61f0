/**
 * What the reports on the activity log share, for `kfbot report` and the console alike: rows per
 * day and account, in one order.
 */

export const byText = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0);

/**
 * One row per day and account, built from the items of that day and account (`start` makes the
 * row, `add` counts one item into it); rows by day, then account.
 */
export function perDayAndAccount<T, R extends { day: string; openKfId: string }>(
  items: readonly T[],
  keyOf: (item: T) => { day: string; openKfId: string },
  start: (key: { day: string; openKfId: string }) => R,
  add: (row: R, item: T) => void,
): R[] {
  const rows = new Map<string, R>();
  for (const item of items) {
    const key = keyOf(item);
    const id = JSON.stringify([key.day, key.openKfId]);
    const row = rows.get(id) ?? start(key);
    rows.set(id, row);
    add(row, item);
  }
  return [...rows.values()].sort((a, b) => byText(a.day, b.day) || byText(a.openKfId, b.openKfId));
}
