import { expect } from 'chai';
import { buildTestApp, TestApp } from '../../helpers/test-app';
import request from 'supertest';
import { logIn, signUp, type SignedUp } from '../../helpers/session';
import { seedImageWithBlob } from '../../helpers/privacy-seed';
import { expireImageBlobs } from '../../../server/services/retention/expire-blobs';
import { receiptsForUser } from '../../../server/db/receipts';

const HOUR = 3_600_000;
const DAY = 24 * HOUR;

/** "Until reviewed": the working copy stays while a person reviews, and goes when they mark the image reviewed. */
describe('keeping images until they are reviewed', () => {
  let t: TestApp;
  let alice: SignedUp;
  afterEach(async () => t.close());

  const blobExists = (key: string) => t.deps.blobs.exists(key);
  const review = (id: string, who = alice) => who.agent.post(`/images/${id}/review`).type('form').send({ _csrf: who.csrf, reviewed: '1' }).expect(303);

  describe('without an admin cap', () => {
    beforeEach(async () => {
      t = await buildTestApp();
      alice = await signUp(t.app);
    });

    it('is offered in the account settings and keeps the working copy past every period until the image is marked reviewed', async () => {
      const settings = await alice.agent.get('/account/privacy').expect(200);
      expect(settings.text).to.include('Until each image is marked reviewed');
      await alice.agent.post('/account/privacy').type('form').send({ _csrf: alice.csrf, image_retention: 'reviewed', text_retention: 'forever' }).expect(303);

      const kept = await seedImageWithBlob(t, { userId: alice.user.id });
      const other = await seedImageWithBlob(t, { userId: alice.user.id, batchId: kept.batchId });
      t.clock.advance(60 * DAY);
      expect((await expireImageBlobs(t.deps)).deleted).to.equal(0);
      expect(await blobExists(kept.blobKey)).to.equal(true);

      // Two months on, the session has long ended: the reviewer signs in again.
      const agent = request.agent(t.app);
      const csrf = await logIn(agent, alice.user.email);
      alice = { ...alice, agent, csrf };
      await review(kept.imageId);
      expect(await blobExists(kept.blobKey)).to.equal(false);
      expect(await blobExists(other.blobKey)).to.equal(true);
      const [receipt] = await receiptsForUser(t.deps.db, alice.user.id);
      expect(receipt).to.include({ image_id: kept.imageId, reason: 'reviewed' });
      const batch = await alice.agent.get(`/batches/${kept.batchId}`).expect(200);
      expect(batch.text).to.include('Working copy deleted when the image was marked reviewed');
    });

    it('deletes the working copies of a bulk review at once', async () => {
      await t.deps.db('users').where({ id: alice.user.id }).update({ image_retention: 'reviewed' });
      const a = await seedImageWithBlob(t, { userId: alice.user.id });
      const b = await seedImageWithBlob(t, { userId: alice.user.id, batchId: a.batchId });
      await alice.agent.post('/images/bulk').type('form').send({ _csrf: alice.csrf, action: 'review', ids: [a.imageId, b.imageId] }).expect(303);
      expect([await blobExists(a.blobKey), await blobExists(b.blobKey)]).to.deep.equal([false, false]);
    });

    it('on one batch ends at review or at the account\'s period, whichever comes first', async () => {
      await t.deps.db('users').where({ id: alice.user.id }).update({ image_retention: '7d' });
      const form = await alice.agent.get('/images/new').expect(200);
      expect(form.text).to.include('Until each image is marked reviewed (at most 7 days)');
      const reviewed = await seedImageWithBlob(t, { userId: alice.user.id, batchRetention: 'reviewed' });
      const waiting = await seedImageWithBlob(t, { userId: alice.user.id, batchId: reviewed.batchId });
      await review(reviewed.imageId);
      expect(await blobExists(reviewed.blobKey)).to.equal(false);
      t.clock.advance(7 * DAY - 1);
      await expireImageBlobs(t.deps);
      expect(await blobExists(waiting.blobKey)).to.equal(true);
      t.clock.advance(1);
      await expireImageBlobs(t.deps);
      expect(await blobExists(waiting.blobKey)).to.equal(false);
    });
  });

  it('never keeps a working copy past MAX_IMAGE_RETENTION, reviewed or not', async () => {
    t = await buildTestApp({ MAX_IMAGE_RETENTION: '24h' });
    alice = await signUp(t.app);
    await t.deps.db('users').where({ id: alice.user.id }).update({ image_retention: 'reviewed' });
    const seeded = await seedImageWithBlob(t, { userId: alice.user.id });
    t.clock.advance(DAY - 1);
    await expireImageBlobs(t.deps);
    expect(await blobExists(seeded.blobKey)).to.equal(true);
    t.clock.advance(1);
    await expireImageBlobs(t.deps);
    expect(await blobExists(seeded.blobKey)).to.equal(false);
    const [receipt] = await receiptsForUser(t.deps.db, alice.user.id);
    expect(receipt).to.include({ reason: 'retention' });
    const page = await request(t.app).get('/privacy').expect(200);
    expect(page.text).to.include('until marked reviewed (at most 24 hours)');
  });
});
