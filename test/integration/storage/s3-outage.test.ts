import { expect } from 'chai';
import request from 'supertest';
import { buildTestApp, TestApp } from '../../helpers/test-app';
import { signUp } from '../../helpers/session';
import { userWithKey } from '../../helpers/api-client';
import { startFakeOpenAI, FakeOpenAI } from '../../helpers/fake-openai';
import { startS3Server, S3Server } from '../../helpers/s3-server';
import { countRows, jobOf, waitFor } from '../../helpers/queue-fixtures';
import { fixture } from '../../helpers/image-fixtures';
import { expireImageBlobs } from '../../../server/services/retention/expire-blobs';

const STORAGE_DOWN = 'Image storage cannot be reached right now.';
/** What a person must never see: a stack trace, or the S3 server's own words. */
const INTERNALS = /\bat \w+ \(|Error:|NoSuchBucket|ECONNREFUSED|127\.0\.0\.1:\d+/;

describe('when the S3 store fails', () => {
  let s3: S3Server;
  let fake: FakeOpenAI;
  let t: TestApp;
  beforeEach(async () => {
    s3 = await startS3Server();
    fake = await startFakeOpenAI();
  });
  afterEach(async () => {
    await t.close();
    await fake.close();
    await s3.close();
  });

  it('refuses uploads to a bucket that does not exist with a plain message (the form again; 503 from the API), and stores nothing', async () => {
    t = await buildTestApp({ ...s3.env(), S3_BUCKET: 'no-such-bucket' });
    const alice = await signUp(t.app);
    // The form comes back with the reason, as for any refused upload.
    const res = await alice.agent
      .post(`/images?_csrf=${encodeURIComponent(alice.csrf)}`)
      .attach('images', fixture('dog.jpg'), 'dog.jpg')
      .attach('images', fixture('cat.png'), 'cat.png')
      .expect(303);
    expect(res.headers.location).to.equal('/images/new');
    const page = await alice.agent.get('/images/new').expect(200);
    expect(page.text).to.contain(`${STORAGE_DOWN} Nothing was uploaded. Please try again in a few minutes.`);
    expect(page.text).not.to.match(INTERNALS);

    const { auth } = await userWithKey(t.deps);
    const api = await request(t.app).post('/api/v1/images').set('Authorization', auth).attach('image', fixture('dog.jpg'), 'dog.jpg').expect(503);
    expect(api.body.error.code).to.equal('storage_unavailable');
    expect(api.headers['retry-after']).to.equal('60');
    expect(api.body.error.message).to.contain(STORAGE_DOWN);
    expect(JSON.stringify(api.body)).not.to.match(INTERNALS);
    const base64 = await request(t.app).post('/api/v1/images').set('Authorization', auth).send({ image_base64: fixture('dog.jpg').toString('base64') }).expect(503);
    expect(base64.body.error.code).to.equal('storage_unavailable');

    expect(await countRows(t, 'images')).to.equal(0);
    expect(await countRows(t, 'batches')).to.equal(0);
    expect(s3.objectFiles()).to.deep.equal([]);
  });

  it('loses nothing while the server is down: describing waits, expiry and deletion wait, and all resume when it is back', async () => {
    t = await buildTestApp({ ...s3.env(), DESCRIBER: 'openai', OPENAI_BASE_URL: fake.baseUrl, IMAGE_RETENTION: '24h' });
    const alice = await signUp(t.app);
    const res = await alice.agent
      .post(`/images?_csrf=${encodeURIComponent(alice.csrf)}`)
      .attach('images', fixture('dog.jpg'), 'dog.jpg')
      .attach('images', fixture('cat.png'), 'cat.png')
      .expect(303);
    const batchId = res.headers.location.split('/').pop();
    const images: { id: string; blob_key: string }[] = await t.deps.db('images').where({ batch_id: batchId }).orderBy('original_name');
    expect(images.every((image) => s3.objectFiles().includes(s3.objectFile(image.blob_key)))).to.equal(true);

    await s3.stop();
    await t.deps.queue.start();
    for (const image of images) {
      await waitFor(async () => /Image storage could not be reached/.test(String((await jobOf(t, image.id)).last_error)), 10_000, 'a failed attempt');
    }
    expect((await t.deps.db('images').where({ batch_id: batchId }).pluck('status')).filter((s) => s === 'failed')).to.deep.equal([]);

    const refused = await alice.agent.post(`/images/${images[0].id}/delete`).type('form').send({ _csrf: alice.csrf }).expect(503);
    expect(refused.text).to.contain(`${STORAGE_DOWN} Nothing was changed.`);
    expect(refused.text).not.to.match(INTERNALS);
    t.clock.advance(25 * 60 * 60_000);
    expect(await expireImageBlobs(t.deps)).to.include({ deleted: 0, skipped: 2 });
    expect(await countRows(t, 'deletion_receipts')).to.equal(0);
    expect(await t.deps.db('images').where({ batch_id: batchId }).whereNotNull('blob_key').pluck('id')).to.have.members(images.map((i) => i.id));

    await s3.start();
    // A retry is due after its backoff, on the app's clock.
    t.clock.advance(5_000);
    await waitFor(async () => (await t.deps.db('images').where({ batch_id: batchId }).pluck('status')).every((s) => s === 'done'), 15_000, 'both images described');
    expect(fake.requests.length).to.equal(2);
  });
});
