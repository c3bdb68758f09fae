import { Router, type RequestHandler } from 'express';
import type { Deps } from '../../deps';
import { flash } from '../../middleware/flash';
import { HttpError } from '../../middleware/errors';
import { requireRole, workspaceOf } from '../../middleware/workspace';
import { approve, mustMayEdit, sendBack, submitForApproval } from '../../services/approval';
import { approvalOf } from '../../db/approvals';

/** Before a change to one image's text: approved text is an editor's to change. */
export function editableImage(deps: Deps): RequestHandler {
  return async (req, _res, next) => {
    await mustMayEdit(deps, workspaceOf(req), req.params.id as string);
    next();
  };
}

const STEPS = {
  submit: { run: submitForApproval, done: 'Submitted for approval.', role: 'contributor' },
  approve: { run: approve, done: 'Approved: this text is what exports and webhooks publish now.', role: 'editor' },
} as const;

/** `POST /images/:id/approval`: submit, approve, or send back with a comment. */
export function approvalRoutes(deps: Deps): Router {
  const router = Router();

  router.post('/images/:id/approval', requireRole('contributor'), async (req, res) => {
    const id = req.params.id as string;
    const workspace = workspaceOf(req);
    if (!(await approvalOf(deps.db, workspace.id, id))) throw new HttpError(404, 'We could not find that image.', 'not_found');
    const step = String(req.body?.step ?? '');
    let outcome;
    if (step === 'send_back') {
      outcome = await sendBack(deps, workspace, req.user!.id, [id], req.body?.comment);
      if (outcome.moved.length) flash(req, 'success', 'Sent back to draft with your comment.');
    } else if (step === 'submit' || step === 'approve') {
      outcome = await STEPS[step].run(deps, workspace, req.user!.id, [id]);
      if (outcome.moved.length) flash(req, 'success', STEPS[step].done);
    } else {
      throw new HttpError(400, 'Choose submit, approve or send back.', 'invalid');
    }
    if (!outcome.moved.length) flash(req, 'info', 'Nothing changed: the image is not described yet, or is already past that step.');
    res.redirect(303, `/images/${encodeURIComponent(id)}`);
  });

  return router;
}
