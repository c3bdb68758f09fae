import { Router, type Request, type Response } from 'express';
import type { Deps } from '../../deps';
import { requireRole, scopeOf, workspaceOf } from '../../middleware/workspace';
import { flash } from '../../middleware/flash';
import { HttpError } from '../../middleware/errors';
import { startScan, scanLater } from '../../services/wordpress/scan';
import { sitePage } from '../../services/wordpress/site-page';
import { describeSelection } from '../../services/wordpress/describe';
import { writeBack } from '../../services/wordpress/write-back';
import { undoRun } from '../../services/wordpress/undo';
import { setDailyRun } from '../../services/wordpress/daily';
import type { WriteField } from '../../db/wordpress-writes';
import { authorizeUrl, connectSite, disconnectSite, listSiteViews, newConnectState, normalizeSiteUrl } from '../../services/wordpress/connect';

/** An authorisation answered after this long is refused: the user starts again. */
const CONNECT_STATE_MS = 30 * 60_000;

function field(req: Request, name: string): string {
  const value = req.body?.[name] ?? req.query[name];
  return typeof value === 'string' ? value : '';
}

/** `/wordpress`: connect sites (WordPress's authorisation screen, or a pasted Application Password). */
export function wordpressRoutes(deps: Deps): Router {
  const router = Router();
  router.use('/wordpress', requireRole('viewer'));

  const renderIndex = async (req: Request, res: Response, extra: { error?: string; form?: Record<string, string> } = {}) => {
    res.render('wordpress/index', { title: 'WordPress', sites: await listSiteViews(deps, scopeOf(req)), form: extra.form ?? {}, error: extra.error });
  };
  const refused = (err: unknown): err is HttpError => err instanceof HttpError && (err.status === 400 || err.status === 422);

  router.get('/wordpress', (req, res) => renderIndex(req, res));

  router.post('/wordpress/sites', requireRole('owner'), async (req, res) => {
    const form = { site_url: field(req, 'site_url'), user_login: field(req, 'user_login') };
    try {
      const site = await connectSite(deps, scopeOf(req), { siteUrl: form.site_url, userLogin: form.user_login, password: field(req, 'password') });
      flash(req, 'success', `Connected to ${site.siteName || site.siteUrl} as ${site.userLogin}.`);
      res.redirect(303, `/wordpress/sites/${site.id}`);
    } catch (err) {
      if (!refused(err)) throw err;
      await renderIndex(req, res.status(422), { error: err.message, form });
    }
  });

  // WordPress's own screen: the user signs in there and approves; it sends the password back to
  // /wordpress/callback. A link to it, not a redirect: the CSP's form-action would stop a form's redirect there.
  router.post('/wordpress/authorize', requireRole('owner'), async (req, res) => {
    const form = { site_url: field(req, 'site_url') };
    let siteUrl: string;
    try {
      siteUrl = normalizeSiteUrl(form.site_url);
    } catch (err) {
      if (!refused(err)) throw err;
      return renderIndex(req, res.status(422), { error: err.message, form });
    }
    const state = newConnectState();
    req.session.wordpressConnect = { siteUrl, state, at: deps.clock.now().getTime() };
    const base = deps.config.baseUrl ?? `${req.protocol}://${req.get('host')}`;
    res.render('wordpress/authorize', { title: 'Approve in WordPress', siteUrl, authorizeUrl: authorizeUrl(siteUrl, `${base}/wordpress/callback?state=${state}`, new Date()) });
  });

  router.get('/wordpress/callback', requireRole('owner'), async (req, res) => {
    const expected = req.session.wordpressConnect;
    delete req.session.wordpressConnect;
    if (!expected || field(req, 'state') !== expected.state || deps.clock.now().getTime() - expected.at > CONNECT_STATE_MS) {
      throw new HttpError(400, 'This answer from WordPress does not match a connection started here (or it came too late). Start again from the WordPress page.', 'wordpress_state');
    }
    if (field(req, 'success') === 'false' || !field(req, 'password')) {
      return renderIndex(req, res.status(422), { error: 'The connection was not approved in WordPress. Nothing was saved.', form: { site_url: expected.siteUrl } });
    }
    try {
      // The site we sent the user to, not the one the answer names: the answer only brings the password.
      const site = await connectSite(deps, scopeOf(req), { siteUrl: expected.siteUrl, userLogin: field(req, 'user_login'), password: field(req, 'password') });
      flash(req, 'success', `Connected to ${site.siteName || site.siteUrl} as ${site.userLogin}.`);
      res.redirect(303, `/wordpress/sites/${site.id}`);
    } catch (err) {
      if (!refused(err)) throw err;
      await renderIndex(req, res.status(422), { error: err.message, form: { site_url: expected.siteUrl } });
    }
  });

  router.get('/wordpress/sites/:id', async (req, res) => {
    const page = await sitePage(deps, scopeOf(req), req.params.id as string);
    res.render('wordpress/show', { title: page.site.siteName || page.site.siteUrl, ...page });
  });

  router.post('/wordpress/sites/:id/scans', requireRole('contributor'), async (req, res) => {
    const scan = await startScan(deps, scopeOf(req), req.params.id as string, { full: field(req, 'full') === '1' });
    scanLater(deps, scopeOf(req), scan.id);
    flash(req, 'info', 'The scan started; this page follows its progress.');
    res.redirect(303, `/wordpress/sites/${encodeURIComponent(req.params.id as string)}`);
  });

  router.post('/wordpress/sites/:id/describe', requireRole('contributor'), async (req, res) => {
    const result = await describeSelection(deps, scopeOf(req), req.params.id as string);
    const notes = [`${result.accepted} images are being described in a new batch; review them, then write them back from the site's page.`];
    if (result.unreachable.length > 0) notes.push(`${result.unreachable.length} could not be fetched: ${result.unreachable.slice(0, 3).map((u) => `#${u.mediaId} (${u.reason})`).join('; ')}.`);
    if (result.remaining > 0) notes.push(`${result.remaining} more are left for the next run.`);
    flash(req, result.unreachable.length > 0 ? 'error' : 'success', notes.join(' '));
    res.redirect(303, `/batches/${encodeURIComponent(result.batchId)}`);
  });

  router.post('/wordpress/sites/:id/write-back', requireRole('editor'), async (req, res) => {
    const chosen = ([] as unknown[]).concat(req.body?.fields ?? []).map(String);
    const fields = (['caption', 'title'] as WriteField[]).filter((f) => chosen.includes(f));
    const result = await writeBack(deps, scopeOf(req), req.params.id as string, { fields, overwrite: field(req, 'overwrite') === '1', approvalRequired: workspaceOf(req).approvalRequired, actorId: req.user!.id });
    const page = await sitePage(deps, scopeOf(req), req.params.id as string);
    res.render('wordpress/written', { title: 'Written back', ...page, result });
  });

  router.post('/wordpress/sites/:id/runs/:runId/undo', requireRole('editor'), async (req, res) => {
    const result = await undoRun(deps, scopeOf(req), req.params.runId as string);
    const notes = [`${result.undone} images have their earlier text back.`];
    if (result.conflicts.length > 0) notes.push(`${result.conflicts.length} were changed on the site since and were left as they are.`);
    if (result.failed.length > 0) notes.push(`${result.failed.length} could not be undone: ${result.failed[0].reason}`);
    flash(req, result.failed.length + result.conflicts.length > 0 ? 'error' : 'success', notes.join(' '));
    res.redirect(303, `/wordpress/sites/${encodeURIComponent(req.params.id as string)}`);
  });

  router.post('/wordpress/sites/:id/daily', requireRole('owner'), async (req, res) => {
    const daily = field(req, 'daily') === '1';
    await setDailyRun(deps, scopeOf(req), req.params.id as string, daily);
    flash(req, 'success', daily ? 'Every day Sightline scans the site for changes and describes new images without good alt text; they wait for your review.' : 'The daily scan is off.');
    res.redirect(303, `/wordpress/sites/${encodeURIComponent(req.params.id as string)}`);
  });

  router.post('/wordpress/sites/:id/delete', requireRole('owner'), async (req, res) => {
    await disconnectSite(deps, scopeOf(req), req.params.id as string);
    flash(req, 'success', 'The site was disconnected and what Sightline knew of it was removed. Revoke the Application Password in WordPress too (Users → Profile).');
    res.redirect(303, '/wordpress');
  });

  return router;
}
