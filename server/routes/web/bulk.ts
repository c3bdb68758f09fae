import { Router, type Request } from 'express';
import type { Deps } from '../../deps';
import { requireRole, workspaceOf } from '../../middleware/workspace';
import { atLeast } from '../../workspaces/roles';
import { approve, mustMayEditAll, sendBack, submitForApproval } from '../../services/approval';
import { flash } from '../../middleware/flash';
import { HttpError, wantsJson } from '../../middleware/errors';
import { exportRecords } from '../../services/exports';
import { sendExport } from './export-response';
import { parseReplaceEdits, regenerateOptionsWithPattern } from '../../services/describe/control';
import { listPatterns } from '../../patterns';
import {
  BULK_ACTION_ROLES, chosenImageIds, deleteSelection, markSelectionReviewed, ownImages, parseBulkAction, redescribeSelection,
} from '../../services/review/selection';

/** Where a bulk action returns: the batch page or the library it came from, nothing else (no open redirect). */
function reviewReturn(value: unknown): string {
  return typeof value === 'string' && /^\/(batches\/[A-Za-z0-9_-]{1,64}|images)(\?[A-Za-z0-9%&=+*._-]*)?$/.test(value) ? value : '/images';
}

const images = (n: number) => (n === 1 ? '1 image' : `${n} images`);

/** What a confirmation page lists of the selection: the first names, then how many more. */
function named(selection: { name: string }[]): string {
  const shown = selection.slice(0, 10).map((s) => `“${s.name}”`).join(', ');
  return selection.length > 10 ? `${shown} and ${selection.length - 10} more` : shown;
}

/**
 * Bulk actions on the images selected on a batch page or in the library. Marking reviewed, the
 * approval steps and exporting act at once; deleting, sending back and describing again first show a
 * page that says what will happen (and asks for the comment, or with which options), whose form sends
 * `confirmed`.
 */
export function bulkRoutes(deps: Deps): Router {
  const router = Router();

  router.post('/images/bulk', requireRole('viewer'), async (req: Request, res) => {
    const body = (req.body ?? {}) as Record<string, unknown>;
    const workspace = workspaceOf(req);
    const userId = workspace.id;
    const action = parseBulkAction(body.action);
    const needed = BULK_ACTION_ROLES[action];
    if (!atLeast(workspace.role, needed)) throw new HttpError(403, `This needs the ${needed} role in ${workspace.name}.`, 'forbidden');
    const selection = await ownImages(deps, userId, await chosenImageIds(deps, userId, body));
    const ids = selection.map((s) => s.id);
    if (ids.length === 0) throw new HttpError(404, 'None of the selected images could be found; they may have been deleted.', 'not_found');
    const back = reviewReturn(body.back);
    const confirmed = body.confirmed === 'yes';

    if (action === 'review' || action === 'unreview') {
      const changed = await markSelectionReviewed(deps, userId, ids, action === 'review');
      const skipped = ids.length - changed;
      flash(req, 'success', `Marked ${images(changed)} ${action === 'review' ? 'reviewed' : 'not reviewed'}.${skipped ? ` ${images(skipped)} without a finished description ${skipped === 1 ? 'was' : 'were'} left as ${skipped === 1 ? 'it was' : 'they were'}.` : ''}`);
      return res.redirect(303, back);
    }
    if (action === 'submit' || action === 'approve') {
      const step = action === 'submit' ? submitForApproval : approve;
      const { moved, skipped } = await step(deps, workspace, req.user!.id, ids);
      flash(req, 'success', `${action === 'submit' ? 'Submitted' : 'Approved'} ${images(moved.length)}.${skipped ? ` ${images(skipped)} ${skipped === 1 ? 'was' : 'were'} left as ${skipped === 1 ? 'it was' : 'they were'}: not described yet, or already ${action === 'submit' ? 'submitted or approved' : 'approved'}.` : ''}`);
      return res.redirect(303, back);
    }
    if (action === 'export_csv' || action === 'export_json') {
      const records = ids.length ? (await exportRecords(deps, userId, undefined, ids, { approvedOnly: workspace.approvalRequired }))! : [];
      return sendExport(res, action === 'export_csv' ? 'csv' : 'json', records, 'sightline-selection', deps.clock.now());
    }
    const fields = { action, ids: ids.join(','), back, confirmed: 'yes' };
    if (action === 'send_back') {
      if (!confirmed) {
        return res.render('review/send-back', { title: `Send ${images(ids.length)} back`, summary: named(selection), fields, back });
      }
      const { moved, skipped } = await sendBack(deps, workspace, req.user!.id, ids, body.comment);
      flash(req, 'success', `Sent ${images(moved.length)} back to draft with your comment.${skipped ? ` ${images(skipped)} ${skipped === 1 ? 'was' : 'were'} left as ${skipped === 1 ? 'it was' : 'they were'}: not submitted or approved.` : ''}`);
      return res.redirect(303, back);
    }
    if (action === 'delete') {
      if (!confirmed) {
        return res.render('confirm/show', {
          title: `Delete ${images(ids.length)}?`,
          paragraphs: [`${named(selection)}: their text and working copies are removed; receipts are kept under Account → Privacy.`],
          action: '/images/bulk', fields, button: `Delete ${images(ids.length)}`, cancel: back,
          chunked: { verb: 'Deleted', skipped: 'they were already gone.' },
        });
      }
      const { deleted, receipts } = await deleteSelection(deps, userId, ids);
      if (wantsJson(req)) return res.json({ done: deleted, skipped: ids.length - deleted, receipts });
      flash(req, 'success', `Deleted ${images(deleted)} with ${deleted === 1 ? 'its' : 'their'} text.${receipts ? ` ${receipts === 1 ? 'A deletion receipt is' : `${receipts} deletion receipts are`} kept under Account → Privacy.` : ''}`);
      return res.redirect(303, back);
    }
    if (!confirmed) {
      return res.render('review/redescribe', { title: `Describe ${images(ids.length)} again`, selection, summary: named(selection), fields, back, patterns: await listPatterns(deps, userId) });
    }
    const { ids: _ids, back: _back, action: _action, confirmed: _confirmed, _csrf, replace_edits: replaceEdits, ...options } = body;
    await mustMayEditAll(deps, workspace, ids);
    const { queued, skipped } = await redescribeSelection(
      deps, userId, ids, await regenerateOptionsWithPattern(deps, userId, options), parseReplaceEdits({ replace_edits: replaceEdits }),
    );
    if (wantsJson(req)) return res.json({ done: queued, skipped });
    flash(req, 'info', `${images(queued)} queued to be described again.${skipped ? ` ${images(skipped)} could not be: no longer stored.` : ''}`);
    return res.redirect(303, back);
  });

  return router;
}
