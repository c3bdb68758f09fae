import { expect } from 'chai';
import { buildTestApp, type TestApp } from '../../helpers/test-app';
import { signUp, type SignedUp } from '../../helpers/session';
import { seedReviewBatch } from '../../helpers/review-seed';
import { enrolTotp } from '../../helpers/two-factor';
import { inviteAndJoin, switchTo } from '../../helpers/workspace-seed';

describe('a team workspace that requires two-factor sign-in', () => {
  let t: TestApp;
  let owner: SignedUp;
  let member: SignedUp;
  let workspaceId: number;
  let imageId: string;

  before(async () => {
    t = await buildTestApp();
    owner = await signUp(t.app);
    await owner.agent.post('/workspaces').type('form').send({ _csrf: owner.csrf, name: 'Vault' }).expect(303);
    workspaceId = Number((await t.deps.db('users').where({ kind: 'workspace', name: 'Vault' }).first('id')).id);
    member = await signUp(t.app);
    await inviteAndJoin(owner, member, 'editor');
    imageId = (await seedReviewBatch(t.deps, workspaceId, 1, 'Secret')).imageIds[0]!;
  });
  after(() => t.close());

  it('may be turned on only by an owner who has a second factor', async () => {
    const refused = await owner.agent.post('/workspace/settings').type('form').send({ _csrf: owner.csrf, name: 'Vault', approval: 'on', two_factor: 'on' }).expect(400);
    expect(refused.text).to.include('Set up two-factor sign-in for yourself first');
    await enrolTotp(owner.agent, owner.csrf, t.clock);
    await owner.agent.post('/workspace/settings').type('form').send({ _csrf: owner.csrf, name: 'Vault', approval: 'on', two_factor: 'on' }).expect(303);
    await owner.agent.get(`/images/${imageId}`).expect(200);
  });

  it('takes a member without one out on their next request, and lets them back once enrolled', async () => {
    await member.agent.get(`/images/${imageId}`).expect(404);
    const refused = await member.agent.post('/workspaces/switch').type('form').send({ _csrf: member.csrf, workspace: String(workspaceId) }).expect(303);
    expect(refused.headers.location).to.equal('/account/two-factor');
    await member.agent.get(`/images/${imageId}`).expect(404);

    await enrolTotp(member.agent, member.csrf, t.clock);
    await switchTo(member, workspaceId);
    await member.agent.get(`/images/${imageId}`).expect(200);
  });
});
