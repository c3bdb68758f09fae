import { Router, type NextFunction, type Request, type Response } from 'express';
import multer, { MulterError } from 'multer';
import type { Deps } from '../../deps';
import { requireRole, scopeOf } from '../../middleware/workspace';

import { HttpError } from '../../middleware/errors';
import { AUDIT_MAX_BYTES, AUDIT_MAX_ROWS, auditRows, readAuditCsv, type AuditReport } from '../../services/audit/import';
import { auditReportCsv } from '../../services/audit/report-files';
import { attachmentDisposition } from './export-response';
import { flash } from '../../middleware/flash';
import { requireDescriberConsent } from '../../middleware/describer-consent';
import { describableUrls, describeToFix } from '../../services/audit/describe-to-fix';

/** Rows shown on the page; the downloads carry all of them. */
const SHOWN_ROWS = 500;

/** The CSV is read from memory and forgotten: an audit stores nothing. */
const csvUpload = multer({ storage: multer.memoryStorage(), limits: { fileSize: AUDIT_MAX_BYTES, files: 1, fields: 5, parts: 6 } }).single('csv');

function refusal(err: unknown): HttpError | undefined {
  if (err instanceof HttpError) return err;
  if (!(err instanceof MulterError)) return undefined;
  if (err.code === 'LIMIT_FILE_SIZE') return new HttpError(413, `The file is larger than ${AUDIT_MAX_BYTES / 1024 / 1024} MB. Split it and import each part.`, 'csv_too_large');
  return new HttpError(400, 'Send one CSV file in the "csv" field.', 'invalid_audit_upload');
}

/** Audit existing alt text: a CSV of images and their alt text in, a report of what to fix out. */
export function auditRoutes(deps: Deps): Router {
  const router = Router();
  const page = (res: Response, status: number, locals: { report?: AuditReport; error?: string; fileName?: string; urlsToFix?: string[] }) =>
    res.status(status).render('audit/index', { title: 'Audit alt text', report: null, error: null, fileName: '', urlsToFix: [], shownRows: SHOWN_ROWS, maxRows: AUDIT_MAX_ROWS, maxMb: AUDIT_MAX_BYTES / 1024 / 1024, ...locals });

  router.get('/audit', requireRole('contributor'), (_req, res) => page(res, 200, {}));

  router.post('/audit', requireRole('contributor'), (req: Request, res: Response, next: NextFunction) => {
    csvUpload(req, res, (uploadErr: unknown) => {
      try {
        if (uploadErr) throw uploadErr;
        if (!req.file) throw new HttpError(400, 'Choose a CSV file to check.', 'missing_csv');
        const report = auditRows(readAuditCsv(req.file.buffer));
        const format = (req.body as Record<string, unknown> | undefined)?.format;
        const base = `alt-text-audit-${new Date().toISOString().slice(0, 10)}`;
        res.set({ 'Cache-Control': 'private, no-store', 'X-Content-Type-Options': 'nosniff' });
        if (format === 'csv') {
          res.set({ 'Content-Type': 'text/csv; charset=utf-8', 'Content-Disposition': attachmentDisposition(`${base}.csv`) }).send(auditReportCsv(report));
        } else if (format === 'html') {
          res.set('Content-Disposition', attachmentDisposition(`${base}.html`)).render('audit/report-file', { report, fileName: req.file.originalname });
        } else {
          page(res, 200, { report, fileName: req.file.originalname, urlsToFix: describableUrls(report.toFix.map((row) => row.image)) });
        }
      } catch (err) {
        const refused = refusal(err);
        if (!refused) return next(err);
        page(res, refused.status, { error: refused.message });
      }
    });
  });

  // The report page's button: the addresses travel in the form, since the audit kept nothing.
  router.post('/audit/describe', requireRole('contributor'), requireDescriberConsent(deps), async (req: Request, res: Response) => {
    const given = (req.body as Record<string, unknown> | undefined)?.url;
    const images = (Array.isArray(given) ? given : [given]).filter((url): url is string => typeof url === 'string');
    try {
      const done = await describeToFix(deps, scopeOf(req), images);
      const missed = done.unreachable.length;
      flash(req, 'info', `${done.accepted} ${done.accepted === 1 ? 'image is' : 'images are'} being described.` +
        (missed ? ` ${missed} could not be fetched: ${done.unreachable.slice(0, 3).map((u) => `${u.url} (${u.reason})`).join('; ')}${missed > 3 ? '; …' : ''}` : ''));
      res.redirect(303, `/batches/${encodeURIComponent(done.batchId)}`);
    } catch (err) {
      if (!(err instanceof HttpError)) throw err;
      page(res, err.status, { error: err.message });
    }
  });

  return router;
}
