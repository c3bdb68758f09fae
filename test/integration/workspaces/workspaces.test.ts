import { expect } from 'chai';
import request from 'supertest';
import { buildTestApp, type TestApp } from '../../helpers/test-app';
import { signUp, type SignedUp } from '../../helpers/session';
import { seedReviewBatch } from '../../helpers/review-seed';
import { createTeam, inviteAndJoin, switchTo, type Team } from '../../helpers/workspace-seed';
import { createEndpoint } from '../../../server/webhooks';

describe('team workspaces: membership, isolation, approval and keys', () => {
  let t: TestApp;
  let admin: SignedUp;
  let team: Team;
  let outsider: SignedUp;

  before(async () => {
    t = await buildTestApp({ ALLOWED_INTERNAL_HOSTS: '127.0.0.1:9' });
    admin = await signUp(t.app);
    team = await createTeam(t.app, admin);
    outsider = await signUp(t.app);
  });
  after(() => t.close());

  it('keeps a person\'s personal workspace and the team\'s apart, both ways', async () => {
    const contributor = team.members.contributor;
    const personal = await seedReviewBatch(t.deps, contributor.user.id, 1, 'Private holiday', () => 'My own beach');
    const shared = await seedReviewBatch(t.deps, team.workspaceId, 1, 'Team batch', () => 'Press conference podium');

    const inTeam = await contributor.agent.get('/images').expect(200);
    expect(inTeam.text).to.include('Press conference podium');
    expect(inTeam.text).not.to.include('My own beach');
    await contributor.agent.get(`/images/${personal.imageIds[0]}`).expect(404);

    await switchTo(contributor, contributor.user.id);
    const inPersonal = await contributor.agent.get('/images').expect(200);
    expect(inPersonal.text).to.include('My own beach');
    expect(inPersonal.text).not.to.include('Press conference podium');
    await contributor.agent.get(`/images/${shared.imageIds[0]}`).expect(404);
    await switchTo(contributor, team.workspaceId);

    // Someone who is not a member can neither switch in nor open the team's images.
    await outsider.agent.post('/workspaces/switch').type('form').send({ _csrf: outsider.csrf, workspace: String(team.workspaceId) }).expect(404);
    await outsider.agent.get(`/images/${shared.imageIds[0]}`).expect(404);
  });

  it('lets an invitation link in only the person it was made for, once', async () => {
    const invited = await signUp(t.app);
    const res = await admin.agent.post('/workspace/invites').type('form').send({ _csrf: admin.csrf, email: invited.user.email, role: 'viewer' }).expect(201);
    const path = new URL(/(https?:\/\/[^\s"<]*\/workspace-invites\/[A-Za-z0-9_-]+)/.exec(res.text)![1]).pathname;
    await outsider.agent.post(path).type('form').send({ _csrf: outsider.csrf }).expect(403);
    await invited.agent.post(path).type('form').send({ _csrf: invited.csrf }).expect(303);
    await invited.agent.post(path).type('form').send({ _csrf: invited.csrf }).expect(404);
    const page = await invited.agent.get('/workspace').expect(200);
    expect(page.text).to.include('You are viewer here');
  });

  it('takes a removed member out on their very next request', async () => {
    const leaving = await signUp(t.app);
    await inviteAndJoin(admin, leaving, 'editor');
    const shared = await seedReviewBatch(t.deps, team.workspaceId, 1, 'Soon gone');
    await leaving.agent.get(`/images/${shared.imageIds[0]}`).expect(200);
    await admin.agent.post(`/workspace/members/${leaving.user.id}/remove`).type('form').send({ _csrf: admin.csrf }).expect(303);
    await leaving.agent.get(`/images/${shared.imageIds[0]}`).expect(404);
    const home = await leaving.agent.get('/workspace').expect(200);
    expect(home.text).to.include('Your personal workspace');
    // The owners' log says who did it.
    const log = await admin.agent.get('/workspace').expect(200);
    expect(log.text).to.match(new RegExp(`${admin.user.email}</td>\\s*<td data-label="What">Member removed from the workspace: ${leaving.user.email}`));
  });

  it('refuses a viewer\'s changes with 403 and a contributor\'s approval, and keeps the last owner', async () => {
    const shared = await seedReviewBatch(t.deps, team.workspaceId, 1, 'Roles');
    const id = shared.imageIds[0]!;
    const viewer = team.members.viewer;
    const contributor = team.members.contributor;
    await viewer.agent.post(`/images/${id}/alt-text`).type('form').send({ _csrf: viewer.csrf, alt_text: 'Changed by a viewer' }).expect(403);
    await viewer.agent.post('/images/bulk').type('form').send({ _csrf: viewer.csrf, action: 'review', ids: id }).expect(403);
    await contributor.agent.post(`/images/${id}/approval`).type('form').send({ _csrf: contributor.csrf, step: 'approve' }).expect(403);
    await contributor.agent.post(`/images/${id}/delete`).type('form').send({ _csrf: contributor.csrf }).expect(403);
    await contributor.agent.get('/account/api-keys').expect(403);
    const refused = await admin.agent.post(`/workspace/members/${admin.user.id}/role`).type('form').send({ _csrf: admin.csrf, role: 'editor' }).expect(400);
    expect(refused.text).to.include('A workspace needs an owner');
  });

  it('publishes only approved text: draft → submitted → approved, sent back with a comment, and image.approved', async () => {
    const contributor = team.members.contributor;
    const editor = team.members.editor;
    const { endpoint } = await createEndpoint(t.deps, team.workspaceId, { url: 'http://127.0.0.1:9/hook', events: ['image.approved'] });
    const batch = await seedReviewBatch(t.deps, team.workspaceId, 2, 'Approval', (i) => `Mayor at the podium ${i + 1}`);
    const [first, second] = batch.imageIds as [string, string];
    const exported = async () => (JSON.parse((await team.members.viewer.agent.get(`/batches/${batch.batchId}/export.json`).expect(200)).text) as { images: { id: string }[] }).images;

    expect(await exported()).to.deep.equal([]);
    await contributor.agent.post('/images/bulk').type('form').send({ _csrf: contributor.csrf, action: 'submit', ids: [first, second] }).expect(303);
    expect(await exported()).to.deep.equal([]);

    await editor.agent.post(`/images/${second}/approval`).type('form').send({ _csrf: editor.csrf, step: 'send_back', comment: 'Name the mayor' }).expect(303);
    await editor.agent.post(`/images/${first}/approval`).type('form').send({ _csrf: editor.csrf, step: 'approve' }).expect(303);
    expect((await exported()).map((r) => r.id)).to.deep.equal([first]);

    const deliveries = await t.deps.db('webhook_deliveries').where({ endpoint_id: endpoint.id });
    expect(deliveries.map((d) => d.event_type)).to.deep.equal(['image.approved']);
    expect(JSON.parse(deliveries[0].payload_json).data.id).to.equal(first);

    const page = await contributor.agent.get(`/images/${second}`).expect(200);
    expect(page.text).to.include('Name the mayor');
    expect(page.text).to.match(/sent it back/);

    // Approved text is an editor's to change.
    await contributor.agent.post(`/images/${first}/alt-text`).type('form').send({ _csrf: contributor.csrf, alt_text: 'Contributor rewrite' }).expect(403);
    await contributor.agent.post(`/images/${second}/alt-text`).type('form').send({ _csrf: contributor.csrf, alt_text: 'Mayor Ana Ruiz at the podium' }).expect(303);
    await editor.agent.post(`/images/${first}/alt-text`).type('form').send({ _csrf: editor.csrf, alt_text: 'Mayor Ana Ruiz speaking' }).expect(303);
    const history = await editor.agent.get(`/images/${first}`).expect(200);
    expect(history.text).to.include(`${editor.user.email} approved it`);
    expect(history.text).to.include(`${contributor.user.email} submitted it`);
  });

  it('shows a viewer approved text only, on every page that shows text', async () => {
    const viewer = team.members.viewer;
    const batch = await seedReviewBatch(t.deps, team.workspaceId, 1, 'Unpublished', () => 'Embargoed result of the vote');
    const id = batch.imageIds[0]!;
    for (const path of [`/batches/${batch.batchId}`, `/batches/${batch.batchId}?view=table`, `/images/${id}`, '/images']) {
      const page = await viewer.agent.get(path).expect(200);
      expect(page.text, path).not.to.include('Embargoed result');
    }
    // Searching by the unapproved words finds nothing for the viewer either; the contributor finds it.
    expect((await viewer.agent.get('/images?q=Embargoed').expect(200)).text).not.to.include(id);
    expect((await team.members.contributor.agent.get('/images?q=Embargoed').expect(200)).text).to.include(id);
    expect((await team.members.contributor.agent.get(`/images/${id}`).expect(200)).text).to.include('Embargoed result');
    await team.members.editor.agent.post(`/images/${id}/approval`).type('form').send({ _csrf: team.members.editor.csrf, step: 'approve' }).expect(303);
    for (const path of [`/batches/${batch.batchId}`, `/images/${id}`]) {
      expect((await viewer.agent.get(path).expect(200)).text, path).to.include('Embargoed result');
    }
    expect((await viewer.agent.get('/images?q=Embargoed').expect(200)).text).to.include(id);
  });

  it('gives a workspace key at most its creator\'s role, and stops it when the creator leaves', async () => {
    const keyOwner = await signUp(t.app);
    await inviteAndJoin(admin, keyOwner, 'owner');
    const made = await keyOwner.agent.post('/account/api-keys').type('form').send({ _csrf: keyOwner.csrf, name: 'publisher', scope: 'write', role: 'contributor' }).expect(201);
    const key = /sl_live_[A-Za-z0-9_-]{43}/.exec(made.text)![0];
    const shared = await seedReviewBatch(t.deps, team.workspaceId, 1, 'Keyed');
    const id = shared.imageIds[0]!;
    const api = () => request(t.app);
    const listed = await api().get('/api/v1/images').set('Authorization', `Bearer ${key}`).expect(200);
    expect(JSON.stringify(listed.body)).to.include(id);
    await api().patch(`/api/v1/images/${id}`).set('Authorization', `Bearer ${key}`).send({ alt_text: 'From the key' }).expect(200);
    const refused = await api().delete(`/api/v1/images/${id}`).set('Authorization', `Bearer ${key}`).expect(403);
    expect(refused.body.error.code).to.equal('insufficient_role');
    const submitted = await api().post(`/api/v1/images/${id}/approval`).set('Authorization', `Bearer ${key}`).send({ step: 'submit' }).expect(200);
    expect(submitted.body.approval).to.equal('submitted');
    await api().post(`/api/v1/images/${id}/approval`).set('Authorization', `Bearer ${key}`).send({ step: 'approve' }).expect(403);

    await admin.agent.post(`/workspace/members/${keyOwner.user.id}/remove`).type('form').send({ _csrf: admin.csrf }).expect(303);
    const gone = await api().get('/api/v1/images').set('Authorization', `Bearer ${key}`).expect(401);
    expect(gone.body.error.code).to.equal('member_removed');
  });

  it('deletes a workspace with receipts, and its members keep their own', async () => {
    const doomed = await signUp(t.app);
    await admin.agent.post('/workspaces').type('form').send({ _csrf: admin.csrf, name: 'Short-lived' }).expect(303);
    const row = await t.deps.db('users').where({ kind: 'workspace', name: 'Short-lived' }).first('id');
    await inviteAndJoin(admin, doomed, 'editor');
    const own = await seedReviewBatch(t.deps, doomed.user.id, 1, 'Mine');
    const shared = await seedReviewBatch(t.deps, row.id, 2, 'Theirs');
    const hashes = (await t.deps.db('images').whereIn('id', shared.imageIds).select('sha256')).map((r) => r.sha256);
    await admin.agent.post('/workspace/delete').type('form').send({ _csrf: admin.csrf, confirm: 'Wrong name' }).expect(400);
    await admin.agent.post('/workspace/delete').type('form').send({ _csrf: admin.csrf, confirm: 'Short-lived' }).expect(303);
    expect(await t.deps.db('images').whereIn('id', shared.imageIds).count({ n: '*' }).first()).to.deep.include({ n: 0 });
    // Receipts stay, with the file's hash and when, but no longer name the workspace or the file.
    const receipts = await t.deps.db('deletion_receipts').whereIn('image_sha256', hashes).where({ reason: 'account_deletion' });
    expect(receipts).to.have.length(2);
    expect(receipts.map((r) => [r.user_id, r.original_name])).to.deep.equal([[null, null], [null, null]]);
    await doomed.agent.get(`/images/${shared.imageIds[0]}`).expect(404);
    await doomed.agent.get(`/images/${own.imageIds[0]}`).expect(200);
  });
});
