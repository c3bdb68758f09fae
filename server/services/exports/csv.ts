/**
 * The one CSV writer (RFC 4180), for every CSV Sightline hands out: result exports and the account
 * export. A text cell starting with = + - @ tab or CR would be run as a formula by Excel, LibreOffice
 * or Sheets (OWASP "CSV Injection"), so it is prefixed with a single quote; numbers are left as they
 * are, so -3 stays a number.
 */
const FORMULA_START = /^[=+\-@\t\r]/;

export function csvCell(value: unknown): string {
  if (value === null || value === undefined) return '';
  let text = typeof value === 'string' ? value : typeof value === 'object' ? JSON.stringify(value) : String(value);
  if (typeof value === 'string' && FORMULA_START.test(text)) text = `'${text}`;
  return /[",\r\n]/.test(text) || text !== text.trim() ? `"${text.replace(/"/g, '""')}"` : text;
}

export function toCsv(header: string[], rows: unknown[][]): string {
  // A BOM so spreadsheet apps read UTF-8 (accents, non-Latin alt text) correctly; CRLF per RFC 4180.
  return `\uFEFF${[header, ...rows].map((row) => row.map(csvCell).join(',')).join('\r\n')}\r\n`;
}
