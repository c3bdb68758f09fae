import type express from 'express';
import type { Deps } from '../../server/deps';
import { signUp, type SignedUp } from './session';
import type { WorkspaceRole } from '../../server/workspaces/roles';

export interface Team {
  workspaceId: number;
  owner: SignedUp;
  /** One signed-in member per role, each switched into the workspace. */
  members: Record<WorkspaceRole, SignedUp>;
}

/** Switches a signed-in person into a workspace through the real form. */
export async function switchTo(person: SignedUp, workspaceId: number): Promise<void> {
  const res = await person.agent.post('/workspaces/switch').type('form').send({ _csrf: person.csrf, workspace: String(workspaceId) });
  if (res.status !== 303) throw new Error(`switch to ${workspaceId} failed: ${res.status}`);
}

/** Invites `person` with `role` through the owner's form and accepts through theirs; answers the link. */
export async function inviteAndJoin(owner: SignedUp, person: SignedUp, role: WorkspaceRole): Promise<string> {
  const res = await owner.agent.post('/workspace/invites').type('form').send({ _csrf: owner.csrf, email: person.user.email, role });
  if (res.status !== 201) throw new Error(`invite failed: ${res.status} ${res.text.slice(0, 200)}`);
  const link = /(https?:\/\/[^\s"<]*\/workspace-invites\/[A-Za-z0-9_-]+)/.exec(res.text)?.[1];
  if (!link) throw new Error('no invitation link on the page');
  const path = new URL(link).pathname;
  const joined = await person.agent.post(path).type('form').send({ _csrf: person.csrf });
  if (joined.status !== 303) throw new Error(`join failed: ${joined.status} ${joined.text.slice(0, 200)}`);
  return path;
}

/**
 * A team workspace made through the pages: `owner` (an admin) creates it, and a person for each role
 * joins by invitation. Every member ends up switched into it.
 */
export async function createTeam(app: express.Express, owner: SignedUp, name = 'Newsroom'): Promise<Team> {
  const deps = app.locals.deps as Deps;
  const created = await owner.agent.post('/workspaces').type('form').send({ _csrf: owner.csrf, name });
  if (created.status !== 303) throw new Error(`workspace not created: ${created.status} ${created.text.slice(0, 200)}`);
  const row = await deps.db('users').where({ kind: 'workspace', name }).orderBy('id', 'desc').first('id');
  const members = { owner } as Record<WorkspaceRole, SignedUp>;
  for (const role of ['editor', 'contributor', 'viewer'] as const) {
    members[role] = await signUp(app);
    await inviteAndJoin(owner, members[role], role);
  }
  return { workspaceId: Number(row.id), owner, members };
}
