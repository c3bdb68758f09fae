import { toCsv } from '../exports/csv';
import type { AuditReport } from './import';

/** The images to fix as CSV: where each came from, its alt text, and what is wrong with it. */
export function auditReportCsv(report: AuditReport): string {
  return toCsv(
    ['line', 'image', 'alt_text', 'problems', 'reasons'],
    report.toFix.map((row) => [row.line, row.image, row.altText, row.findings.map((f) => f.label).join(' | '), row.findings.map((f) => f.message).join(' ')]),
  );
}
