import fs from 'node:fs';
import path from 'node:path';
import { expect } from 'chai';
import { buildTestApp, localBlobs, TestApp } from '../../helpers/test-app';
import { signUp, SignedUp } from '../../helpers/session';
import { seedDescribedBatch } from '../../helpers/ingest-seed';

/** The image rows of a batch as the database holds them (blob keys and hashes included). */
async function imagesOf(t: TestApp, batchId: string): Promise<{ id: string; original_name: string; blob_key: string | null; sha256: string | null }[]> {
  return t.deps.db('images').where({ batch_id: batchId }).orderBy('rowid').select('id', 'original_name', 'blob_key', 'sha256');
}

const onDisk = (t: TestApp, blobKey: string) => fs.existsSync(path.join(localBlobs(t).dir, blobKey));

/** The flash message shown on the page a redirect leads to. */
async function flashAfter(user: SignedUp, location: string): Promise<string> {
  const page = await user.agent.get(location).expect(200);
  return /<p class="flash flash-success">([^<]*)<\/p>/.exec(page.text)?.[1] ?? '';
}

describe('deleting from the web pages', () => {
  let t: TestApp;
  let alice: SignedUp;
  let bob: SignedUp;
  beforeEach(async () => {
    t = await buildTestApp();
    alice = await signUp(t.app, { email: 'alice-delete@example.test' });
    bob = await signUp(t.app, { email: 'bob-delete@example.test' });
  });
  afterEach(async () => t.close());

  describe('POST /images/:id/delete', () => {
    it('shows a confirmation page first, with a POST form carrying the CSRF token, and deletes nothing yet', async () => {
      const { batchId } = await seedDescribedBatch(t.deps, alice.user.id);
      const [eagle] = await imagesOf(t, batchId);
      const page = await alice.agent.get(`/images/${eagle!.id}/delete`).expect(200);
      expect(page.text).to.include('Delete “eagle.jpg”?');
      expect(page.text).to.include('Its text and working copy are removed; a receipt is kept.');
      expect(page.text).to.match(new RegExp(`<form method="post" action="/images/${eagle!.id}/delete"[^>]*>\\s*<input type="hidden" name="_csrf" value="${alice.csrf}">`));
      expect(page.text).to.include(`href="/batches/${batchId}#image-${eagle!.id}"`);
      expect(onDisk(t, eagle!.blob_key!)).to.equal(true);
    });

    it('deletes the working copy, the text and the row, keeps a receipt, and says so on the batch page', async () => {
      const { batchId } = await seedDescribedBatch(t.deps, alice.user.id);
      const [eagle, cat] = await imagesOf(t, batchId);
      const res = await alice.agent.post(`/images/${eagle!.id}/delete`).type('form').send({ _csrf: alice.csrf }).expect(303);
      expect(res.headers.location).to.equal(`/batches/${batchId}`);
      expect(await flashAfter(alice, res.headers.location!)).to.equal(
        'Deleted “eagle.jpg” with its text and working copy. A deletion receipt is kept under Account → Privacy.',
      );

      expect(onDisk(t, eagle!.blob_key!)).to.equal(false);
      expect(onDisk(t, cat!.blob_key!)).to.equal(true);
      expect(await t.deps.db('images').where({ id: eagle!.id })).to.deep.equal([]);
      expect(await t.deps.db('descriptions').where({ image_id: eagle!.id })).to.deep.equal([]);
      expect((await alice.agent.get('/images?q=eagle').expect(200)).text).to.include('0 images matching');
      const receipts = await t.deps.db('deletion_receipts').where({ user_id: alice.user.id });
      expect(receipts.map((r) => ({ sha: r.image_sha256, reason: r.reason, name: r.original_name }))).to.deep.equal([{ sha: eagle!.sha256, reason: 'user', name: null }]);
      const privacy = await alice.agent.get('/account/privacy').expect(200);
      expect(privacy.text).to.include(eagle!.sha256!);
      expect(privacy.text).to.include('deleted at your request');
    });

    it('returns to the library page the delete started from, and nowhere else', async () => {
      const { batchId } = await seedDescribedBatch(t.deps, alice.user.id);
      const [eagle, cat] = await imagesOf(t, batchId);
      const fromLibrary = await alice.agent.post(`/images/${eagle!.id}/delete`).type('form').send({ _csrf: alice.csrf, back: '/images?q=lake+eagle&page=1' }).expect(303);
      expect(fromLibrary.headers.location).to.equal('/images?q=lake+eagle&page=1');
      const elsewhere = await alice.agent.post(`/images/${cat!.id}/delete`).type('form').send({ _csrf: alice.csrf, back: '//evil.example/images' }).expect(303);
      expect(elsewhere.headers.location).to.equal(`/batches/${batchId}`);
    });

    it('refuses a request without the CSRF token and deletes nothing', async () => {
      const { batchId } = await seedDescribedBatch(t.deps, alice.user.id);
      const [eagle] = await imagesOf(t, batchId);
      await alice.agent.post(`/images/${eagle!.id}/delete`).type('form').send({}).expect(403);
      await alice.agent.post(`/images/${eagle!.id}/delete`).type('form').send({ _csrf: bob.csrf }).expect(403);
      expect(onDisk(t, eagle!.blob_key!)).to.equal(true);
      expect(await t.deps.db('images').where({ id: eagle!.id })).to.have.length(1);
      expect(await t.deps.db('deletion_receipts')).to.deep.equal([]);
    });

    it('answers 404 for another user\'s image, on the confirmation page and the POST, and deletes nothing', async () => {
      const { batchId } = await seedDescribedBatch(t.deps, alice.user.id);
      const [eagle] = await imagesOf(t, batchId);
      await bob.agent.get(`/images/${eagle!.id}/delete`).expect(404);
      await bob.agent.post(`/images/${eagle!.id}/delete`).type('form').send({ _csrf: bob.csrf }).expect(404);
      await alice.agent.post('/images/no-such-image/delete').type('form').send({ _csrf: alice.csrf }).expect(404);
      expect(onDisk(t, eagle!.blob_key!)).to.equal(true);
      expect(await t.deps.db('descriptions').where({ image_id: eagle!.id })).to.have.length(1);
    });
  });

  describe('POST /batches/:id/delete', () => {
    it('shows a confirmation page that counts the images, then deletes them all with receipts and lands on the dashboard', async () => {
      const { batchId } = await seedDescribedBatch(t.deps, alice.user.id);
      const other = await seedDescribedBatch(t.deps, alice.user.id);
      const images = await imagesOf(t, batchId);
      const stored = images.filter((i) => i.blob_key !== null);
      expect(stored).to.have.length(2); // the third file was refused and never stored

      const confirm = await alice.agent.get(`/batches/${batchId}/delete`).expect(200);
      expect(confirm.text).to.include('Delete this batch and its 3 images? Their text and working copies are removed; a receipt is kept for each working copy.');
      expect(confirm.text).to.match(new RegExp(`<form method="post" action="/batches/${batchId}/delete"[^>]*>\\s*<input type="hidden" name="_csrf" value="${alice.csrf}">`));

      const res = await alice.agent.post(`/batches/${batchId}/delete`).type('form').send({ _csrf: alice.csrf }).expect(303);
      expect(res.headers.location).to.equal('/');
      expect(await flashAfter(alice, '/')).to.equal(
        'Deleted the batch “Lake photos” with its 3 images and their text. 2 deletion receipts are kept under Account → Privacy.',
      );
      for (const image of stored) expect(onDisk(t, image.blob_key!), image.original_name).to.equal(false);
      expect(await t.deps.db('batches').where({ id: batchId })).to.deep.equal([]);
      expect(await t.deps.db('images').where({ batch_id: batchId })).to.deep.equal([]);
      expect(await t.deps.db('descriptions').whereIn('image_id', images.map((i) => i.id))).to.deep.equal([]);
      const receipts = await t.deps.db('deletion_receipts').where({ user_id: alice.user.id, reason: 'user' }).orderBy('image_sha256');
      expect(receipts.map((r) => r.image_sha256)).to.deep.equal(stored.map((i) => i.sha256).sort());
      await alice.agent.get(`/batches/${batchId}`).expect(404);
      for (const image of await imagesOf(t, other.batchId)) if (image.blob_key) expect(onDisk(t, image.blob_key)).to.equal(true);
    });

    it('refuses a request without the CSRF token, and answers 404 for another user\'s batch', async () => {
      const { batchId } = await seedDescribedBatch(t.deps, alice.user.id);
      await alice.agent.post(`/batches/${batchId}/delete`).type('form').send({}).expect(403);
      await bob.agent.get(`/batches/${batchId}/delete`).expect(404);
      await bob.agent.post(`/batches/${batchId}/delete`).type('form').send({ _csrf: bob.csrf }).expect(404);
      expect(await imagesOf(t, batchId)).to.have.length(3);
      for (const image of await imagesOf(t, batchId)) if (image.blob_key) expect(onDisk(t, image.blob_key)).to.equal(true);
      expect(await t.deps.db('deletion_receipts')).to.deep.equal([]);
    });
  });

  it('offers the delete buttons on the batch page, on each card and in the library', async () => {
    const { batchId, imageIds } = await seedDescribedBatch(t.deps, alice.user.id);
    const batchPage = (await alice.agent.get(`/batches/${batchId}`).expect(200)).text;
    expect(batchPage).to.include(`<form class="delete-form" method="get" action="/batches/${batchId}/delete"`);
    for (const id of imageIds) expect(batchPage).to.include(`<form class="delete-form" method="get" action="/images/${id}/delete"`);
    const library = (await alice.agent.get('/images?q=eagle').expect(200)).text;
    expect(library).to.include(`<form class="delete-form" method="get" action="/images/${imageIds[0]}/delete"`);
    expect(library).to.include('<input type="hidden" name="back" value="/images?q=eagle&amp;page=1">');
    // The button's own form goes to the confirmation page with GET, so no token leaks into a URL.
    expect(library).not.to.match(/class="delete-form"[^>]*>\s*<input type="hidden" name="_csrf"/);
  });
});
