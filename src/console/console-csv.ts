/**
 * CSV for spreadsheets: a UTF-8 byte-order mark (Excel, which most Chinese offices open CSV with,
 * reads Chinese as mojibake without it), CRLF lines, and any cell that a spreadsheet would run as
 * a formula (=, +, -, @, tab, CR at its start) prefixed with an apostrophe: a customer's text must
 * never become a formula on the operator's machine (OWASP "CSV injection").
 */
export function csvCell(value: string | number | null | undefined): string {
  if (value === null || value === undefined) return '';
  let s = String(value);
  if (typeof value === 'string' && /^[=+\-@\t\r]/.test(s)) s = `'${s}`;
  return /[",\r\n]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
}

export function toCsv(
  head: readonly string[],
  rows: readonly (readonly (string | number | null)[])[],
): string {
  const lines = [head, ...rows].map((r) => r.map(csvCell).join(','));
  return `\uFEFF${lines.join('\r\n')}\r\n`;
}
