import { expect } from 'chai';
import request from 'supertest';
import { buildTestApp, type TestApp } from '../../helpers/test-app';
import { signUp, type SignedUp } from '../../helpers/session';
import { seedReviewBatch } from '../../helpers/review-seed';
import { createTeam, type Team } from '../../helpers/workspace-seed';
import { createApiKey } from '../../../server/services/api-keys';
import { BULK_ACTION_ROLES } from '../../../server/services/review/selection';
import { API_BULK_ACTIONS } from '../../../server/services/api-images/bulk';
import { ROLES, atLeast, type WorkspaceRole } from '../../../server/workspaces/roles';

describe('bulk approval steps and the roles of bulk actions, on the web and through the API', function () {
  this.timeout(60_000);
  let t: TestApp;
  let admin: SignedUp;
  let team: Team;

  before(async () => {
    t = await buildTestApp();
    admin = await signUp(t.app);
    team = await createTeam(t.app, admin, 'Desk');
  });
  after(() => t.close());

  const approvals = async (ids: string[]) =>
    Object.fromEntries((await t.deps.db('images').whereIn('id', ids).select('id', 'approval')).map((r: { id: string; approval: string }) => [r.id, r.approval]));

  it('sends many images back with one comment, after a page that asks for it', async () => {
    const { contributor, editor } = team.members;
    const { imageIds } = await seedReviewBatch(t.deps, team.workspaceId, 3, 'Send back', (i) => `Council vote ${i + 1}`);
    const [a, b, c] = imageIds as [string, string, string];
    await contributor.agent.post('/images/bulk').type('form').send({ _csrf: contributor.csrf, action: 'submit', ids: [a, b] }).expect(303);

    // A contributor may not send back.
    await contributor.agent.post('/images/bulk').type('form').send({ _csrf: contributor.csrf, action: 'send_back', ids: [a, b] }).expect(403);

    const asked = await editor.agent.post('/images/bulk').type('form').send({ _csrf: editor.csrf, action: 'send_back', ids: [a, b, c], back: '/images' }).expect(200);
    expect(asked.text).to.include('name="comment"');
    expect(await approvals([a, b])).to.deep.equal({ [a]: 'submitted', [b]: 'submitted' });

    // The comment is required.
    await editor.agent.post('/images/bulk').type('form').send({ _csrf: editor.csrf, action: 'send_back', ids: `${a},${b},${c}`, confirmed: 'yes', comment: ' ' }).expect(400);
    const done = await editor.agent.post('/images/bulk').type('form')
      .send({ _csrf: editor.csrf, action: 'send_back', ids: `${a},${b},${c}`, confirmed: 'yes', back: '/images', comment: 'Name the councillors' }).expect(303);
    expect(done.headers.location).to.equal('/images');
    // The draft (never submitted) is left as it was.
    expect(await approvals([a, b, c])).to.deep.equal({ [a]: 'draft', [b]: 'draft', [c]: 'draft' });
    for (const id of [a, b]) {
      const page = await contributor.agent.get(`/images/${id}`).expect(200);
      expect(page.text).to.include('Name the councillors');
    }
    expect((await contributor.agent.get(`/images/${c}`).expect(200)).text).not.to.include('Name the councillors');
  });

  it('takes the approval steps in bulk through the API, each with the role it needs', async () => {
    const key = async (role: WorkspaceRole) => (await createApiKey(t.deps, team.workspaceId, { name: role, scope: 'write' }, { id: team.members[role].user.id, role })).key;
    const contributorKey = await key('contributor');
    const editorKey = await key('editor');
    const { imageIds } = await seedReviewBatch(t.deps, team.workspaceId, 2, 'API steps');
    const bulk = (k: string, body: object) => request(t.app).post('/api/v1/images/bulk').set('Authorization', `Bearer ${k}`).send(body);

    expect((await bulk(contributorKey, { action: 'submit', ids: imageIds }).expect(200)).body).to.include({ done: 2 });
    expect((await bulk(contributorKey, { action: 'approve', ids: imageIds }).expect(403)).body.error.code).to.equal('insufficient_role');
    expect((await bulk(editorKey, { action: 'send_back', ids: imageIds }).expect(400)).body.error.code).to.equal('invalid');
    expect((await bulk(editorKey, { action: 'send_back', ids: [imageIds[0]], comment: 'Shorter, please' }).expect(200)).body).to.include({ done: 1 });
    expect((await bulk(editorKey, { action: 'approve', ids: imageIds }).expect(200)).body).to.include({ done: 2 });
    expect(await approvals(imageIds)).to.deep.equal({ [imageIds[0]!]: 'approved', [imageIds[1]!]: 'approved' });
    // Approved text is an editor's to describe again, in bulk as one by one.
    await bulk(contributorKey, { action: 'redescribe', ids: imageIds }).expect(403);
  });

  for (const role of ROLES) {
    it(`gives ${role === 'owner' || role === 'editor' ? 'an' : 'a'} ${role}'s key exactly the bulk actions the role allows`, async () => {
      const { key } = await createApiKey(t.deps, team.workspaceId, { name: role, scope: 'write' }, { id: team.members[role].user.id, role });
      const failures: string[] = [];
      for (const action of API_BULK_ACTIONS) {
        const { imageIds } = await seedReviewBatch(t.deps, team.workspaceId, 1, `Matrix ${action}`);
        const res = await request(t.app).post('/api/v1/images/bulk').set('Authorization', `Bearer ${key}`).send({ action, ids: imageIds, comment: 'Because' });
        const allowed = atLeast(role, BULK_ACTION_ROLES[action]);
        if (allowed && res.status !== 200) failures.push(`${action}: ${res.status}, expected 200`);
        if (!allowed && res.status !== 403) failures.push(`${action}: ${res.status}, expected 403`);
      }
      expect(failures).to.deep.equal([]);
    });
  }
});
