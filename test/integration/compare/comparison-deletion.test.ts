import { expect } from 'chai';
import { buildTestApp, type TestApp } from '../../helpers/test-app';
import { signUp, DEFAULT_PASSWORD } from '../../helpers/session';
import { seedComparison } from '../../helpers/comparison-seed';
import { putVote } from '../../../server/db/comparisons';

describe('deleting an account with comparison runs', () => {
  let t: TestApp;
  before(async () => {
    t = await buildTestApp();
  });
  after(async () => t.close());

  it('removes its runs, their results and votes, and the votes it cast', async () => {
    await signUp(t.app); // the first account is the admin; this one is an ordinary account
    const dana = await signUp(t.app);
    const other = await signUp(t.app);
    const own = await seedComparison(t.deps, dana.user.id, { count: 1, text: () => 'Pangolin-marker-91c3 on a branch' });
    const elsewhere = await seedComparison(t.deps, other.user.id, { count: 1 });
    const [image] = await t.deps.db('comparison_results').where({ comparison_id: elsewhere.id }).select('image_id', 'describer_key');
    await putVote(t.deps.db, { comparisonId: elsewhere.id, userId: other.user.id, voterId: dana.user.id, imageId: image.image_id, describerKey: image.describer_key }, 1);

    await dana.agent.post('/account/delete').type('form').send({ _csrf: dana.csrf, password: DEFAULT_PASSWORD, immediately: 'on' }).expect(303);
    expect(await t.deps.db('comparisons').where({ user_id: dana.user.id })).to.deep.equal([]);
    expect(await t.deps.db('comparison_results').where({ user_id: dana.user.id })).to.deep.equal([]);
    expect(await t.deps.db('comparison_votes').where({ voter_id: dana.user.id })).to.deep.equal([]);
    // Another workspace's run stays whole.
    expect(await t.deps.db('comparison_results').where({ comparison_id: elsewhere.id })).to.have.length(2);
  });
});
