import { parse } from 'csv-parse/sync';
import { HttpError } from '../../middleware/errors';
import { checkResults } from './of-results';
import type { Finding } from './rules';

/** Rows one import takes: a site's worth of images, checked in well under a second. */
export const AUDIT_MAX_ROWS = 20_000;
/** The CSV file's largest size. */
export const AUDIT_MAX_BYTES = 5 * 1024 * 1024;

/** Column names taken for the image and its alt text, compared without case, spaces, dashes or underscores. */
const IMAGE_COLUMNS = ['image', 'url', 'imageurl', 'src', 'file', 'filename', 'path', 'name'];
const ALT_COLUMNS = ['alt', 'alttext', 'alternativetext'];

export interface AuditRow {
  /** The line of the CSV the row came from (the header is line 1). */
  line: number;
  image: string;
  altText: string;
  findings: Finding[];
}

export interface AuditReport {
  rows: number;
  /** Rows with at least one finding, in file order. */
  toFix: AuditRow[];
  /** Each problem found, most frequent first. */
  counts: { rule: string; label: string; count: number }[];
}

const squash = (name: string) => name.toLowerCase().replace(/[\s_-]+/g, '');

function findColumn(header: string[], names: string[]): number {
  const squashed = header.map(squash);
  for (const name of names) {
    const at = squashed.indexOf(name);
    if (at >= 0) return at;
  }
  return -1;
}

/** The last part of a web address or path, which the "file name" check compares the alt text with. */
function fileNameOf(image: string): string {
  let path = image;
  try {
    path = new URL(image).pathname;
  } catch {
    // Not a web address: a file name or a path as it is.
  }
  const last = path.split(/[\\/]/).pop() ?? '';
  try {
    return decodeURIComponent(last);
  } catch {
    return last;
  }
}

/** Reads the CSV: a header row naming an image column and an alt text column, then one row per image. */
export function readAuditCsv(bytes: Buffer): { image: string; altText: string; line: number }[] {
  if (bytes.length === 0) throw new HttpError(400, 'The file is empty. Choose a CSV file with an image column and an alt text column.', 'empty_csv');
  let records: string[][];
  try {
    records = parse(bytes, { bom: true, relax_column_count: true, skip_empty_lines: true, max_record_size: 64 * 1024 }) as string[][];
  } catch (err) {
    const line = (err as { lines?: number }).lines;
    throw new HttpError(400, `This file is not CSV that can be read${line ? ` (line ${line})` : ''}. Save it from your spreadsheet as "CSV UTF-8" and try again.`, 'invalid_csv');
  }
  const [header = [], ...body] = records;
  const imageAt = findColumn(header, IMAGE_COLUMNS);
  const altAt = findColumn(header, ALT_COLUMNS);
  if (imageAt < 0 || altAt < 0) {
    throw new HttpError(400, 'The first row must name the columns: one called "image" (or url, src, file name) and one called "alt" (or alt text).', 'missing_columns');
  }
  if (body.length > AUDIT_MAX_ROWS) throw new HttpError(400, `The file has ${body.length.toLocaleString('en')} rows; one import takes up to ${AUDIT_MAX_ROWS.toLocaleString('en')}. Split it and import each part.`, 'too_many_rows');
  return body.map((cells, i) => ({ image: (cells[imageAt] ?? '').trim(), altText: cells[altAt] ?? '', line: i + 2 }));
}

/** Checks every row, as generated and edited alt text are checked, and counts what was found. */
export function auditRows(rows: { image: string; altText: string; line: number }[]): AuditReport {
  const checks = checkResults(rows.map((row) => ({ key: row.line, altText: row.altText, decorative: false, text: '', fileName: fileNameOf(row.image) })));
  const counts = new Map<string, { rule: string; label: string; count: number }>();
  const toFix: AuditRow[] = [];
  for (const row of rows) {
    const findings = checks.get(row.line) ?? [];
    if (findings.length === 0) continue;
    toFix.push({ ...row, findings });
    for (const { rule, label } of findings) {
      const entry = counts.get(rule) ?? { rule, label, count: 0 };
      entry.count += 1;
      counts.set(rule, entry);
    }
  }
  return { rows: rows.length, toFix, counts: [...counts.values()].sort((a, b) => b.count - a.count) };
}
