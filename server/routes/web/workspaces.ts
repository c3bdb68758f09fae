import { Router } from 'express';
import type { Deps } from '../../deps';
import { requireAdmin, requireUser } from '../../middleware/auth';
import { flash } from '../../middleware/flash';
import { HttpError } from '../../middleware/errors';
import { requireRole, workspaceOf } from '../../middleware/workspace';
import { activityOf, changeRole, createTeamWorkspace, deleteTeamWorkspace, meetsWorkspaceSignIn, membersOf, removeMember, updateWorkspaceSettings, workspacesOf } from '../../services/workspaces';
import { acceptInvite, inviteFor, invitesOf, inviteToWorkspace } from '../../services/workspaces/invites';
import { ROLE_LABELS, ROLES } from '../../workspaces/roles';
import { requestMeta } from './session-helpers';
import { AUDIT_EVENT_LABELS } from '../../services/accounts/audit';

/**
 * `/workspaces`: the workspaces a person belongs to, switching between them, and (for admins)
 * creating team workspaces. `/workspace`: the current one's members, invitations and settings.
 * `/workspace-invites/:token`: accepting an invitation.
 */
export function workspaceRoutes(deps: Deps): Router {
  const router = Router();

  router.get('/workspaces', requireUser, async (req, res) => {
    res.render('workspaces/index', { title: 'Workspaces', memberships: await workspacesOf(deps, req.user!.id), roleLabels: ROLE_LABELS });
  });

  router.post('/workspaces/switch', requireUser, async (req, res) => {
    const wanted = Number(req.body?.workspace);
    const memberships = await workspacesOf(deps, req.user!.id);
    const membership = memberships.find((m) => m.workspace_id === wanted);
    if (wanted !== req.user!.id && !membership) throw new HttpError(404, 'We could not find that workspace.', 'not_found');
    if (membership && !(await meetsWorkspaceSignIn(deps, membership, req.user!.id))) {
      flash(req, 'error', `${membership.name} requires two-factor sign-in. Set it up here, then switch again.`);
      return res.redirect(303, '/account/two-factor');
    }
    if (membership) req.session.workspaceId = membership.workspace_id;
    else delete req.session.workspaceId;
    flash(req, 'success', `You are now working in ${membership ? membership.name : 'your personal workspace'}.`);
    res.redirect(303, '/');
  });

  router.post('/workspaces', requireAdmin, async (req, res) => {
    const id = await createTeamWorkspace(deps, requestMeta(req), req.user!.id, { name: req.body?.name });
    req.session.workspaceId = id;
    flash(req, 'success', 'The workspace is ready. Invite the people who work in it.');
    res.redirect(303, '/workspace');
  });

  router.get('/workspace', requireRole('viewer'), async (req, res) => {
    const workspace = workspaceOf(req);
    const owner = workspace.role === 'owner';
    res.render('workspaces/settings', {
      title: workspace.name,
      members: workspace.kind === 'team' ? await membersOf(deps, workspace) : [],
      invites: owner && workspace.kind === 'team' ? await invitesOf(deps, workspace) : [],
      activity: owner && workspace.kind === 'team' ? await activityOf(deps, workspace) : [],
      labels: AUDIT_EVENT_LABELS,
      roles: ROLES,
      roleLabels: ROLE_LABELS,
      inviteLink: undefined,
    });
  });

  router.post('/workspace/invites', requireRole('owner'), async (req, res) => {
    const workspace = workspaceOf(req);
    const invite = await inviteToWorkspace(deps, requestMeta(req), workspace, req.user!.id, { email: req.body?.email, role: req.body?.role });
    // Rendered, not redirected: the link is shown once and must not sit in a session or a reloadable URL.
    res.status(201).render('workspaces/settings', {
      title: workspace.name,
      members: await membersOf(deps, workspace),
      invites: await invitesOf(deps, workspace),
      activity: await activityOf(deps, workspace),
      labels: AUDIT_EVENT_LABELS,
      roles: ROLES,
      roleLabels: ROLE_LABELS,
      inviteLink: { url: new URL(`/workspace-invites/${invite.token}`, deps.config.baseUrl ?? `${req.protocol}://${req.get('host')}`).toString(), email: invite.email, role: ROLE_LABELS[invite.role] },
    });
  });

  router.post('/workspace/members/:userId/role', requireRole('owner'), async (req, res) => {
    await changeRole(deps, requestMeta(req), workspaceOf(req), req.user!.id, Number(req.params.userId), req.body?.role);
    flash(req, 'success', 'The role was changed; it applies from their next request.');
    res.redirect(303, '/workspace');
  });

  router.post('/workspace/members/:userId/remove', requireRole('owner'), async (req, res) => {
    await removeMember(deps, requestMeta(req), workspaceOf(req), req.user!.id, Number(req.params.userId));
    flash(req, 'success', 'They were removed: their next request no longer reaches this workspace.');
    res.redirect(303, '/workspace');
  });

  router.post('/workspace/leave', requireRole('viewer'), async (req, res) => {
    const workspace = workspaceOf(req);
    await removeMember(deps, requestMeta(req), workspace, req.user!.id, req.user!.id);
    delete req.session.workspaceId;
    flash(req, 'success', `You left ${workspace.name}. Your personal workspace is as it was.`);
    res.redirect(303, '/');
  });

  router.post('/workspace/settings', requireRole('owner'), async (req, res) => {
    await updateWorkspaceSettings(deps, requestMeta(req), workspaceOf(req), req.user!.id, { name: req.body?.name, approval: req.body?.approval, two_factor: req.body?.two_factor });
    flash(req, 'success', 'The workspace settings were saved.');
    res.redirect(303, '/workspace');
  });

  router.post('/workspace/delete', requireRole('owner'), async (req, res) => {
    const workspace = workspaceOf(req);
    await deleteTeamWorkspace(deps, requestMeta(req), workspace, req.user!.id, req.body?.confirm);
    delete req.session.workspaceId;
    flash(req, 'success', `${workspace.name} was deleted: its images are gone, with receipts, and its keys and webhooks stopped.`);
    res.redirect(303, '/workspaces');
  });

  router.get('/workspace-invites/:token', requireUser, async (req, res) => {
    const offer = await inviteFor(deps, req.user!, req.params.token as string);
    res.render('workspaces/invite', { title: `Join ${offer.workspaceName}`, offer, token: req.params.token });
  });

  router.post('/workspace-invites/:token', requireUser, async (req, res) => {
    const offer = await acceptInvite(deps, requestMeta(req), req.user!, req.params.token as string);
    req.session.workspaceId = offer.workspaceId;
    const membership = (await workspacesOf(deps, req.user!.id)).find((m) => m.workspace_id === offer.workspaceId);
    if (membership && !(await meetsWorkspaceSignIn(deps, membership, req.user!.id))) {
      flash(req, 'info', `You joined ${offer.workspaceName}. It requires two-factor sign-in: set it up here, then switch to it from Workspaces.`);
      return res.redirect(303, '/account/two-factor');
    }
    flash(req, 'success', `Welcome to ${offer.workspaceName}: you are a ${offer.roleLabel.toLowerCase()} here.`);
    res.redirect(303, '/');
  });

  return router;
}
