import { expect } from 'chai';
import { buildTestApp, type TestApp } from '../../helpers/test-app';
import { signUp, type SignedUp } from '../../helpers/session';
import { seedReviewBatch } from '../../helpers/review-seed';
import { parseCsv } from '../../helpers/csv';
import { createPattern } from '../../../server/patterns';

const schema = '{"type":"object","additionalProperties":false,"required":["colour"],"properties":{"colour":{"type":"string"}}}';

describe('bulk actions on selected images', () => {
  let t: TestApp;
  let alice: SignedUp;
  let bob: SignedUp;
  let mine: string[];
  let batchId: string;
  let theirs: string[];

  beforeEach(async () => {
    t = await buildTestApp();
    alice = await signUp(t.app);
    bob = await signUp(t.app);
    ({ batchId, imageIds: mine } = await seedReviewBatch(t.deps, alice.user.id, 4));
    ({ imageIds: theirs } = await seedReviewBatch(t.deps, bob.user.id, 1));
  });
  afterEach(async () => t.close());

  const bulk = (fields: Record<string, string | string[]>) => alice.agent.post('/images/bulk').type('form').send({ _csrf: alice.csrf, back: `/batches/${batchId}`, ...fields });
  const reviewed = async (ids: string[]) => (await t.deps.db('images').whereIn('id', ids).orderBy('id')).map((r) => r.reviewed_at !== null);

  it('marks the selected images reviewed in one go, never another account\'s, and back again', async () => {
    await t.deps.db('images').where({ id: mine[3] }).update({ status: 'queued' });
    const res = await bulk({ action: 'review', ids: [mine[0]!, mine[1]!, mine[3]!, theirs[0]!] }).expect(303);
    expect(res.headers.location).to.equal(`/batches/${batchId}`);
    expect((await t.deps.db('images').whereIn('id', mine).select('id', 'reviewed_at')).filter((r) => r.reviewed_at).map((r) => r.id).sort()).to.deep.equal([mine[0], mine[1]].sort());
    expect(await reviewed(theirs)).to.deep.equal([false]);
    const page = await alice.agent.get(res.headers.location).expect(200);
    expect(page.text).to.include('Marked 2 images reviewed. 1 image without a finished description was left as it was.');

    await bulk({ action: 'unreview', ids: mine[0]! }).expect(303);
    expect((await t.deps.db('images').where({ id: mine[0] }).first()).reviewed_at).to.equal(null);
  });

  it('exports only the selection, as CSV', async () => {
    const res = await bulk({ action: 'export_csv', ids: [mine[2]!, mine[0]!, theirs[0]!] }).expect(200);
    expect(res.headers['content-disposition']).to.match(/sightline-selection\.csv/);
    const rows = parseCsv(res.text);
    expect(rows.slice(1).map((r) => r[0]).sort()).to.deep.equal([mine[0], mine[2]].sort());
  });

  it('asks before deleting, names what goes, then deletes the selection alone', async () => {
    const ask = await bulk({ action: 'delete', ids: [mine[0]!, mine[1]!, theirs[0]!] }).expect(200);
    expect(ask.text).to.include('Delete 2 images?');
    expect(ask.text).to.include('“photo-001.jpg”, “photo-002.jpg”');
    expect(await t.deps.db('images').whereIn('id', mine)).to.have.length(4);

    const ids = /name="ids" value="([^"]+)"/.exec(ask.text)![1]!;
    await bulk({ action: 'delete', ids, confirmed: 'yes' }).expect(303);
    expect((await t.deps.db('images').whereIn('id', mine).pluck('id')).sort()).to.deep.equal([mine[2], mine[3]].sort());
    expect(await t.deps.db('images').whereIn('id', theirs)).to.have.length(1);
    expect(await t.deps.db('deletion_receipts').where({ user_id: alice.user.id })).to.have.length(2);
  });

  it('describes the selection again with a pattern chosen on its own page', async () => {
    const colour = await createPattern(t.deps, alice.user.id, { name: 'Main colour', instructions: 'The main colour', schema });
    const ask = await bulk({ action: 'redescribe', ids: [mine[0]!, mine[1]!] }).expect(200);
    expect(ask.text).to.include('Describe 2 images again');
    expect(ask.text).to.include(`<option value="${colour.id}">Main colour</option>`);
    await bulk({ action: 'redescribe', ids: `${mine[0]},${mine[1]}`, confirmed: 'yes', pattern_id: colour.id, style: 'product' }).expect(303);
    const jobs = await t.deps.db('jobs').whereIn('image_id', mine).where({ status: 'queued' });
    expect(jobs.map((j) => j.image_id).sort()).to.deep.equal([mine[0], mine[1]].sort());
    for (const job of jobs) {
      const { options } = JSON.parse(job.payload_json);
      expect(options.style).to.equal('product');
      expect(options.pattern).to.deep.include({ id: colour.id, name: 'Main colour' });
    }
  });

  it('refuses an empty selection, something that is not a list of images, and another account\'s images alone', async () => {
    expect((await bulk({ action: 'review' }).set('Accept', 'application/json').expect(400)).body.error.message).to.equal('Select at least one image first.');
    await bulk({ action: 'review', ids: '../../etc' }).set('Accept', 'application/json').expect(400);
    await bulk({ action: 'delete', ids: theirs[0]!, confirmed: 'yes' }).set('Accept', 'application/json').expect(404);
    expect(await t.deps.db('images').whereIn('id', theirs)).to.have.length(1);
    await bulk({ action: 'launch', ids: mine[0]! }).set('Accept', 'application/json').expect(400);
  });
});
