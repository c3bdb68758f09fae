import type { Response } from 'express';
import { HttpError } from '../../middleware/errors';
import { ExportRecord, recordsToCsv, recordsToJson } from '../../services/exports';

/** RFC 6266 with an ASCII fallback, so names with quotes or non-Latin letters cannot break the header. */
function disposition(type: 'inline' | 'attachment', filename: string): string {
  const fallback = filename.replace(/[^\x20-\x7e]|["\\%;]/g, '_');
  return `${type}; filename="${fallback}"; filename*=UTF-8''${encodeURIComponent(filename)}`;
}

/** Content-Disposition for a download named `filename`. */
export function attachmentDisposition(filename: string): string {
  return disposition('attachment', filename);
}

export function inlineDisposition(filename: string): string {
  return disposition('inline', filename);
}

/** Sends records as a CSV or JSON download; any other extension is not a page we have. */
export function sendExport(res: Response, format: string, records: ExportRecord[], basename: string, now: Date): void {
  if (format !== 'csv' && format !== 'json') throw new HttpError(404, 'We could not find that page.', 'not_found');
  res.set({
    'Content-Type': format === 'csv' ? 'text/csv; charset=utf-8' : 'application/json; charset=utf-8',
    'Content-Disposition': disposition('attachment', `${basename}.${format}`),
    'X-Content-Type-Options': 'nosniff',
    'Cache-Control': 'private, no-store',
  });
  res.send(format === 'csv' ? recordsToCsv(records) : recordsToJson(records, now));
}
