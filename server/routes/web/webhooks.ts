import { Router, type Request, type Response } from 'express';
import type { Deps } from '../../deps';
import { requireRole, scopeOf } from '../../middleware/workspace';
import { flash } from '../../middleware/flash';
import { HttpError } from '../../middleware/errors';
import { createEndpoint, deleteEndpoint, endpointLog, listEndpoints, sendTestEvent, WEBHOOK_EVENTS } from '../../webhooks';

function asList(value: unknown): string[] {
  return Array.isArray(value) ? value.map(String) : value === undefined ? [] : [String(value)];
}

/** `/account/webhooks`: endpoints, the secret shown once, a delivery log per endpoint, a test button. */
export function webhookRoutes(deps: Deps): Router {
  const router = Router();
  router.use('/account/webhooks', requireRole('owner'));

  const renderIndex = async (req: Request, res: Response, extra: { secret?: string; error?: string; form?: Record<string, unknown> } = {}) => {
    res.render('webhooks/index', { title: 'Webhooks', endpoints: await listEndpoints(deps, scopeOf(req)), events: WEBHOOK_EVENTS, form: extra.form ?? {}, ...extra });
  };

  router.get('/account/webhooks', (req, res) => renderIndex(req, res));

  router.post('/account/webhooks', async (req, res) => {
    const form = { url: String(req.body?.url ?? ''), description: String(req.body?.description ?? ''), events: asList(req.body?.events) };
    try {
      const { secret } = await createEndpoint(deps, scopeOf(req), form);
      await renderIndex(req, res.status(201), { secret });
    } catch (err) {
      if (!(err instanceof HttpError) || err.status !== 400) throw err;
      await renderIndex(req, res.status(422), { error: err.message, form });
    }
  });

  router.get('/account/webhooks/:id', async (req, res) => {
    const log = await endpointLog(deps, scopeOf(req), req.params.id);
    res.render('webhooks/show', { title: 'Webhook deliveries', ...log });
  });

  router.post('/account/webhooks/:id/test', async (req, res) => {
    await sendTestEvent(deps, scopeOf(req), req.params.id);
    flash(req, 'info', 'A test event was sent; its result appears in the log below.');
    res.redirect(303, `/account/webhooks/${encodeURIComponent(req.params.id)}`);
  });

  // The confirmation page, for browsers without JavaScript (views/confirm/show.ejs).
  router.get('/account/webhooks/:id/delete', async (req, res) => {
    const endpoint = (await listEndpoints(deps, scopeOf(req))).find((e) => e.id === req.params.id);
    if (!endpoint) throw new HttpError(404, 'No such webhook endpoint.', 'not_found');
    res.render('confirm/show', {
      title: 'Delete this webhook endpoint?',
      paragraphs: [`Nothing more is sent to ${endpoint.url}, and its delivery log is removed. This cannot be undone.`],
      action: `/account/webhooks/${endpoint.id}/delete`,
      button: 'Delete endpoint',
      cancel: `/account/webhooks/${endpoint.id}`,
    });
  });

  router.post('/account/webhooks/:id/delete', async (req, res) => {
    await deleteEndpoint(deps, scopeOf(req), req.params.id);
    flash(req, 'success', 'The endpoint was deleted; nothing more will be sent to it.');
    res.redirect(303, '/account/webhooks');
  });

  return router;
}
