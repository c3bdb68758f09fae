import { expect } from 'chai';
import { buildTestApp, type TestApp } from '../../helpers/test-app';
import { signUp, type SignedUp } from '../../helpers/session';
import { seedReviewBatch } from '../../helpers/review-seed';

describe('library filters', () => {
  let t: TestApp;
  let alice: SignedUp;
  let ids: string[];

  before(async () => {
    t = await buildTestApp();
    alice = await signUp(t.app);
    ({ imageIds: ids } = await seedReviewBatch(t.deps, alice.user.id, 6));
    // 0, 1 reviewed; 2 edited by a person (and searchable by its new words); 3 written by the offline describer; 5 uploaded a day earlier.
    await t.deps.db('images').whereIn('id', [ids[0], ids[1]]).update({ reviewed_at: Date.now() });
    await alice.agent.post(`/images/${ids[2]}/alt-text`).type('form').send({ _csrf: alice.csrf, alt_text: 'A heron by the quay' }).expect(303);
    await t.deps.db('descriptions').where({ image_id: ids[3] }).update({ describer: 'local' });
    await t.deps.db('images').where({ id: ids[5] }).update({ created_at: Date.parse('2026-01-09T12:00:00Z') });
    await t.deps.db('images').whereIn('id', ids.slice(0, 5)).update({ created_at: Date.parse('2026-01-10T12:00:00Z') });
  });
  after(async () => t.close());

  const shown = async (query: string) => {
    const page = await alice.agent.get(`/images?${query}`).expect(200);
    return [...page.text.matchAll(/name="ids" value="([^"]+)"/g)].map((m) => m[1]).sort();
  };
  const pick = (...n: number[]) => n.map((i) => ids[i]!).sort();

  it('filters by reviewed or not', async () => {
    expect(await shown('reviewed=yes')).to.deep.equal(pick(0, 1));
    expect(await shown('reviewed=no')).to.deep.equal(pick(2, 3, 4, 5));
  });

  it('filters by edited by a person, and finds edited text by search', async () => {
    expect(await shown('edited=yes')).to.deep.equal(pick(2));
    expect(await shown('q=heron')).to.deep.equal(pick(2));
    expect(await shown('q=heron&edited=no')).to.deep.equal([]);
  });

  it('filters by the describer that wrote the text', async () => {
    expect(await shown('describer=local')).to.deep.equal(pick(3));
    expect(await shown('describer=openai')).to.deep.equal(pick(0, 1, 2, 4, 5));
  });

  it('filters by upload day, both ends included, and keeps the filters in the page links', async () => {
    expect(await shown('from=2026-01-10')).to.deep.equal(pick(0, 1, 2, 3, 4));
    expect(await shown('to=2026-01-09')).to.deep.equal(pick(5));
    expect(await shown('from=2026-01-09&to=2026-01-09&reviewed=no')).to.deep.equal(pick(5));
    const page = await alice.agent.get('/images?reviewed=no&from=2026-01-01').expect(200);
    expect(page.text).to.include('value="2026-01-01"');
    expect(page.text).to.match(/name="back" value="\/images\?reviewed=no&amp;from=2026-01-01&amp;page=1"/);
  });
});
