import fs from 'node:fs';
import path from 'node:path';
import ejs from 'ejs';
import { auditRows, readAuditCsv, type AuditReport } from '../services/audit/import';
import { auditReportCsv } from '../services/audit/report-files';
import { readEmbeddedText } from '../services/ingest/embedded';
import { listImages } from './describe-folder';

/** The app's views, from dist/server/cli. */
const VIEWS = path.resolve(__dirname, '../../../views');

/** Reads and checks an alt text CSV, as the Audit page does. Throws with the page's reason. */
export function auditCsvFile(file: string): AuditReport {
  return auditRows(readAuditCsv(fs.readFileSync(file)));
}

/**
 * Checks the alt text written into each image file of a folder (IPTC Alt Text (Accessibility)); a
 * file without any counts as empty. The report's "line" is the file's place in the listing.
 */
export async function auditFolder(folder: string, recursive: boolean): Promise<AuditReport> {
  const files = listImages(folder, recursive);
  if (files.length === 0) throw new Error(`${folder} holds no image files${recursive ? '' : ' (add -r for its subfolders)'}.`);
  const rows = [];
  for (const [i, file] of files.entries()) {
    rows.push({ image: file, altText: (await readEmbeddedText(fs.readFileSync(path.join(folder, file)))).altText ?? '', line: i + 1 });
  }
  return auditRows(rows);
}

/** The report as plain text for a terminal or a CI log: totals, counts per problem, then each image to fix. */
export function reportText(report: AuditReport): string {
  const lines = [`${report.rows} checked, ${report.toFix.length} to fix, ${report.rows - report.toFix.length} fine.`];
  for (const c of report.counts) lines.push(`  ${c.label}: ${c.count}`);
  for (const row of report.toFix) lines.push(`line ${row.line}: ${row.image}: ${row.findings.map((f) => f.label).join(', ')}`);
  return `${lines.join('\n')}\n`;
}

/** Writes the report files asked for: the same CSV and web page the Audit page hands out. */
export async function writeReportFiles(report: AuditReport, source: string, out: { csv?: string; html?: string }): Promise<void> {
  if (out.csv) fs.writeFileSync(out.csv, auditReportCsv(report));
  if (out.html) {
    const html = await ejs.renderFile(path.join(VIEWS, 'audit', 'report-file.ejs'), { report, fileName: path.basename(source) });
    fs.writeFileSync(out.html, html);
  }
}
