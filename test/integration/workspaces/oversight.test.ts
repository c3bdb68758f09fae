import { expect } from 'chai';
import { buildTestApp, type TestApp } from '../../helpers/test-app';
import { DEFAULT_PASSWORD, signUp, type SignedUp } from '../../helpers/session';
import { seedReviewBatch } from '../../helpers/review-seed';
import { inviteAndJoin, switchTo } from '../../helpers/workspace-seed';

describe('administrators and team workspaces: a workspace left without an owner, two-factor required by an admin', function () {
  this.timeout(60_000);
  let t: TestApp;
  let admin: SignedUp;

  before(async () => {
    t = await buildTestApp();
    admin = await signUp(t.app);
  });
  after(() => t.close());

  async function teamWorkspace(name: string): Promise<number> {
    await admin.agent.post('/workspaces').type('form').send({ _csrf: admin.csrf, name }).expect(303);
    return Number((await t.deps.db('users').where({ kind: 'workspace', name }).first('id')).id);
  }

  it('warns the last owner before they delete their account, and lets an admin name a new owner after', async () => {
    const workspaceId = await teamWorkspace('Photo desk');
    const founder = await signUp(t.app);
    const editor = await signUp(t.app);
    await inviteAndJoin(admin, founder, 'owner');
    await inviteAndJoin(admin, editor, 'editor');
    await admin.agent.post('/workspace/leave').type('form').send({ _csrf: admin.csrf }).expect(303);
    const imageId = (await seedReviewBatch(t.deps, workspaceId, 1, 'Desk')).imageIds[0]!;

    await switchTo(founder, founder.user.id);
    const warned = await founder.agent.get('/account/privacy').expect(200);
    expect(warned.text).to.match(/You are the only owner of Photo desk/);
    await switchTo(editor, editor.user.id);
    expect((await editor.agent.get('/account/privacy').expect(200)).text).not.to.include('only owner');
    await switchTo(editor, workspaceId);
    await founder.agent.post('/account/delete').type('form').send({ _csrf: founder.csrf, password: DEFAULT_PASSWORD }).expect(303);

    // The editor keeps working, but nobody can change the workspace's settings.
    await editor.agent.get(`/images/${imageId}`).expect(200);
    await editor.agent.post('/workspace/settings').type('form').send({ _csrf: editor.csrf, name: 'Photo desk', approval: 'on' }).expect(403);
    const listed = await admin.agent.get('/admin/workspaces').expect(200);
    expect(listed.text).to.match(/Photo desk[\s\S]*No owner/);

    await admin.agent.post(`/admin/workspaces/${workspaceId}/owner`).type('form').send({ _csrf: admin.csrf, email: 'nobody@example.test' }).expect(400);
    await admin.agent.post(`/admin/workspaces/${workspaceId}/owner`).type('form').send({ _csrf: admin.csrf, email: founder.user.email }).expect(400);
    await admin.agent.post(`/admin/workspaces/${workspaceId}/owner`).type('form').send({ _csrf: admin.csrf, email: editor.user.email.toUpperCase() }).expect(303);
    await editor.agent.post('/workspace/settings').type('form').send({ _csrf: editor.csrf, name: 'Photo desk', approval: 'on' }).expect(303);
    expect((await admin.agent.get('/admin/workspaces').expect(200)).text).not.to.include('No owner');
    const log = await editor.agent.get('/workspace').expect(200);
    expect(log.text).to.include('Owner named by an administrator');
  });

  it('is for administrators only, and answers 404 for a workspace that does not exist', async () => {
    const person = await signUp(t.app);
    await person.agent.get('/admin/workspaces').expect(403);
    await person.agent.post('/admin/workspaces/1/owner').type('form').send({ _csrf: person.csrf, email: person.user.email }).expect(403);
    await admin.agent.post(`/admin/workspaces/${person.user.id}/owner`).type('form').send({ _csrf: admin.csrf, email: person.user.email }).expect(404);
    await admin.agent.post('/admin/workspaces/999999/two-factor').type('form').send({ _csrf: admin.csrf, two_factor: 'on' }).expect(404);
  });

  it('lets an administrator require two-factor sign-in in a workspace: a member without it is out on their next request', async () => {
    const workspaceId = await teamWorkspace('Legal');
    const member = await signUp(t.app);
    await inviteAndJoin(admin, member, 'contributor');
    const imageId = (await seedReviewBatch(t.deps, workspaceId, 1, 'Contracts')).imageIds[0]!;
    await member.agent.get(`/images/${imageId}`).expect(200);

    // The admin has no second factor: unlike an owner's setting, theirs needs none.
    await admin.agent.post(`/admin/workspaces/${workspaceId}/two-factor`).type('form').send({ _csrf: admin.csrf, two_factor: 'on' }).expect(303);
    await member.agent.get(`/images/${imageId}`).expect(404);
    expect((await admin.agent.get('/admin/workspaces').expect(200)).text).to.match(/Legal[\s\S]*Required/);

    await admin.agent.post(`/admin/workspaces/${workspaceId}/two-factor`).type('form').send({ _csrf: admin.csrf }).expect(303);
    await switchTo(member, workspaceId);
    await member.agent.get(`/images/${imageId}`).expect(200);
  });
});
