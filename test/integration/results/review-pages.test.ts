import { expect } from 'chai';
import { buildTestApp, type TestApp } from '../../helpers/test-app';
import { signUp, type SignedUp } from '../../helpers/session';
import { seedReviewBatch } from '../../helpers/review-seed';

describe('reviewing a large batch: pages, filters, the table, one image\'s page', () => {
  let t: TestApp;
  let alice: SignedUp;
  let batchId: string;
  let imageIds: string[];

  before(async () => {
    t = await buildTestApp();
    alice = await signUp(t.app);
    ({ batchId, imageIds } = await seedReviewBatch(t.deps, alice.user.id, 120));
  });
  after(async () => t.close());

  const rowsOf = (html: string) => [...html.matchAll(/data-image-id="([^"]+)"/g)].map((m) => m[1]);

  it('shows a batch fifty images a page, in upload order, with links between pages', async () => {
    const first = await alice.agent.get(`/batches/${batchId}`).expect(200);
    expect(rowsOf(first.text)).to.deep.equal(imageIds.slice(0, 50));
    expect(first.text).to.include('Page 1 of 3');
    expect(first.text).to.include('120 images, 50 a page.');
    const last = await alice.agent.get(`/batches/${batchId}?page=3&view=table`).expect(200);
    expect(rowsOf(last.text)).to.deep.equal(imageIds.slice(100));
    expect(last.text).to.include(`href="/batches/${batchId}?view=table&amp;page=2" rel="prev"`);
    // A page past the end shows the last one.
    expect(rowsOf((await alice.agent.get(`/batches/${batchId}?page=99`).expect(200)).text)).to.deep.equal(imageIds.slice(100));
  });

  it('filters by reviewed and by status, and counts what the filter keeps', async () => {
    await t.deps.db('images').whereIn('id', imageIds.slice(0, 70)).update({ reviewed_at: Date.now() });
    await t.deps.db('images').where({ id: imageIds[119] }).update({ status: 'failed', error: 'The model server did not answer.' });
    try {
      const open = await alice.agent.get(`/batches/${batchId}?reviewed=no&view=table`).expect(200);
      expect(rowsOf(open.text)).to.deep.equal(imageIds.slice(70));
      expect(open.text).to.include('50 of 120 images.');
      const failed = await alice.agent.get(`/batches/${batchId}?status=failed`).expect(200);
      expect(rowsOf(failed.text)).to.deep.equal([imageIds[119]]);
      expect(failed.text).to.include('<option value="failed" selected>Failed (1)</option>');
    } finally {
      await t.deps.db('images').whereIn('id', imageIds).update({ reviewed_at: null, status: 'done', error: null });
    }
  });

  it('flags text over the batch\'s length and text a person edited, in the table', async () => {
    const id = imageIds[0]!;
    await alice.agent.post(`/images/${id}/alt-text`).type('form').send({ _csrf: alice.csrf, alt_text: 'x'.repeat(130) }).expect(303);
    const table = await alice.agent.get(`/batches/${batchId}?view=table`).expect(200);
    const row = table.text.slice(table.text.indexOf(`id="row-${id}"`), table.text.indexOf(`id="row-${imageIds[1]}"`));
    expect(row).to.include('<span class="flag">Too long</span>');
    expect(row).to.include('<span class="flag">Edited</span>');

    // The image's own page says why, and other checks show the same way.
    await alice.agent.post(`/images/${imageIds[1]}/alt-text`).type('form').send({ _csrf: alice.csrf, alt_text: 'Image of a dog on a porch' }).expect(303);
    const detail = await alice.agent.get(`/images/${imageIds[1]}`).expect(200);
    expect(detail.text).to.include('data-check="preamble"');
    expect(detail.text).to.include('screen readers already announce an image');
    const again = await alice.agent.get(`/batches/${batchId}?view=table`).expect(200);
    expect(again.text).to.include('<span class="flag">Starts with “image of”</span>');
  });

  it('saves the alt text alone from the table, keeping every other field, and answers the script in JSON', async () => {
    const id = imageIds[5]!;
    const before = await t.deps.db('descriptions').where({ image_id: id }).first();
    const answer = await alice.agent.post(`/images/${id}/alt-text`).set('Accept', 'application/json').type('form').send({ _csrf: alice.csrf, alt_text: 'A dog on a porch' }).expect(200);
    expect(answer.body).to.deep.equal({ saved: true, changed: true });
    const after = await t.deps.db('descriptions').where({ image_id: id }).first();
    expect(after.alt_text).to.equal('A dog on a porch');
    for (const field of ['caption', 'title', 'description', 'tags_json', 'filename', 'text']) expect(after[field], field).to.equal(before[field]);

    // Without the script: back to the page it came from, and never to another site.
    const back = `/batches/${batchId}?view=table&page=2`;
    expect((await alice.agent.post(`/images/${id}/alt-text`).type('form').send({ _csrf: alice.csrf, alt_text: 'Again', back }).expect(303)).headers.location).to.equal(`${back}#row-${id}`);
    expect((await alice.agent.post(`/images/${id}/alt-text`).type('form').send({ _csrf: alice.csrf, alt_text: 'Once more', back: 'https://evil.example/' }).expect(303)).headers.location).to.equal(`/batches/${batchId}#image-${id}`);
    expect((await alice.agent.post(`/images/${id}/review`).set('Accept', 'application/json').type('form').send({ _csrf: alice.csrf, reviewed: '1' }).expect(200)).body).to.deep.equal({ reviewed: true });
  });

  it('opens one image on its own page with every field and links to its neighbours, for its owner only', async () => {
    const page = await alice.agent.get(`/images/${imageIds[1]}`).expect(200);
    expect(page.text).to.include(`href="/images/${imageIds[0]}" rel="prev"`);
    expect(page.text).to.include(`href="/images/${imageIds[2]}" rel="next"`);
    expect(page.text).to.include('name="caption"');
    const bob = await signUp(t.app);
    await bob.agent.get(`/images/${imageIds[1]}`).expect(404);
    await bob.agent.post(`/images/${imageIds[1]}/alt-text`).type('form').send({ _csrf: bob.csrf, alt_text: 'Mine now' }).expect(404);
  });
});

describe('bulk actions on every image in a view', () => {
  let t: TestApp;
  let alice: SignedUp;
  let batchId: string;
  let imageIds: string[];

  before(async () => {
    t = await buildTestApp();
    alice = await signUp(t.app);
    ({ batchId, imageIds } = await seedReviewBatch(t.deps, alice.user.id, 60));
    await t.deps.db('images').whereIn('id', imageIds.slice(0, 5)).update({ reviewed_at: Date.now() });
  });
  after(async () => t.close());

  it('marks every image of a filtered batch view reviewed, across its pages, none of the ticked ones needed', async () => {
    const page = await alice.agent.get(`/batches/${batchId}?reviewed=no`).expect(200);
    expect(page.text).to.include('All 55 images in this view');
    expect(page.text).to.include(`name="f_batch" value="${batchId}"`);
    await alice.agent.post('/images/bulk').type('form')
      .send({ _csrf: alice.csrf, action: 'review', scope: 'matching', f_scope: 'batch', f_batch: batchId, f_reviewed: 'no', back: `/batches/${batchId}?reviewed=no` })
      .expect(303);
    expect(await t.deps.db('images').whereIn('id', imageIds).whereNull('reviewed_at')).to.have.length(0);
  });

  it('takes the library\'s filters for "every image in this view", and never another account\'s', async () => {
    const bob = await signUp(t.app);
    const { imageIds: bobs } = await seedReviewBatch(t.deps, bob.user.id, 2);
    await t.deps.db('images').whereIn('id', imageIds).update({ reviewed_at: null });
    await alice.agent.post(`/images/${imageIds[0]}/alt-text`).type('form').send({ _csrf: alice.csrf, alt_text: 'A kingfisher' }).expect(303);
    const ask = await alice.agent.post('/images/bulk').type('form')
      .send({ _csrf: alice.csrf, action: 'delete', scope: 'matching', f_scope: 'library', f_edited: 'yes' }).expect(200);
    expect(ask.text).to.include('Delete 1 image?');
    await alice.agent.post('/images/bulk').type('form').send({ _csrf: alice.csrf, action: 'review', scope: 'matching', f_scope: 'library' }).expect(303);
    expect(await t.deps.db('images').whereIn('id', imageIds).whereNull('reviewed_at')).to.have.length(0);
    expect(await t.deps.db('images').whereIn('id', bobs).whereNotNull('reviewed_at')).to.have.length(0);
  });
});
