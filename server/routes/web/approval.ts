import { Router, type RequestHandler } from 'express';
import type { Deps } from '../../deps';
import { flash } from '../../middleware/flash';
import { requireRole, workspaceOf } from '../../middleware/workspace';
import { approvalStep, mustMayEdit } from '../../services/approval';

/** Before a change to one image's text: approved text is an editor's to change. */
export function editableImage(deps: Deps): RequestHandler {
  return async (req, _res, next) => {
    await mustMayEdit(deps, workspaceOf(req), req.params.id as string);
    next();
  };
}

const DONE = {
  submit: 'Submitted for approval.',
  approve: 'Approved: this text is what exports and webhooks publish now.',
  send_back: 'Sent back to draft with your comment.',
} as const;

/** `POST /images/:id/approval`: submit, approve, or send back with a comment. */
export function approvalRoutes(deps: Deps): Router {
  const router = Router();

  router.post('/images/:id/approval', requireRole('contributor'), async (req, res) => {
    const id = req.params.id as string;
    const { step, outcome } = await approvalStep(deps, workspaceOf(req), req.user!.id, id, { step: req.body?.step, comment: req.body?.comment });
    if (outcome.moved.length) flash(req, 'success', DONE[step]);
    else flash(req, 'info', 'Nothing changed: the image is not described yet, or is already past that step.');
    res.redirect(303, `/images/${encodeURIComponent(id)}`);
  });

  return router;
}
