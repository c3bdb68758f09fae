import { expect } from 'chai';
import exifr from 'exifr';
import { buildTestApp, TestApp } from '../../helpers/test-app';
import { startFakeOpenAI, FakeOpenAI } from '../../helpers/fake-openai';
import { fixture } from '../../helpers/image-fixtures';
import { addImages, countRows, describeLaterImage, imageStatus, jobOf, seedBatch, waitFor } from '../../helpers/queue-fixtures';
import { createQueue, type QueueOptions } from '../../../server/queue';
import { prepareImage } from '../../../server/services/ingest/prepare';
import type { ImageEvent } from '../../../server/events';

describe('describe queue', () => {
  let fake: FakeOpenAI;
  let t: TestApp;

  before(async () => {
    fake = await startFakeOpenAI();
  });
  after(async () => fake.close());

  async function app(options: Partial<QueueOptions> = {}): Promise<TestApp> {
    t = await buildTestApp({ DESCRIBER: 'openai', OPENAI_BASE_URL: fake.baseUrl, OPENAI_TIMEOUT_MS: '2000', QUEUE_CONCURRENCY: '2' });
    t.deps.queue = createQueue(t.config, t.deps, { ...t.deps.queue.options, random: () => 0, ...options });
    return t;
  }

  afterEach(async () => {
    await t?.close();
    fake.reset();
    fake.latencyMs = 0;
  });

  it('describes a queued image and stores the result, the status and a usage record', async () => {
    await app();
    const events: [string, ImageEvent][] = [];
    t.deps.events.on('image.completed', (e) => events.push(['image.completed', e]));
    t.deps.events.on('batch.completed', (e) => events.push(['batch.completed', e]));
    const { userId, batchId } = await seedBatch(t, { language: 'fr', altTextLength: 80 });
    const [imageId] = await addImages(t, userId, batchId, 1);
    await t.deps.queue.start();
    await waitFor(async () => (await imageStatus(t, imageId)).status === 'done', 5000, 'image done');

    const d = await t.deps.db('descriptions').where({ image_id: imageId }).first();
    expect(d.alt_text).to.equal('Red bicycle leaning against a brick wall on a sunny street');
    expect(d).to.include({ user_id: userId, describer: 'openai', input_tokens: 850, output_tokens: 120 });
    expect(JSON.parse(d.tags_json)).to.include('bicycle');
    expect(fake.requests[0].text).to.contain('Output language: fr');
    expect(fake.requests[0].text).to.contain('Alt text limit: 80 characters');
    const image = await t.deps.db('images').where({ id: imageId }).first();
    expect(image.processed_at).to.equal(t.clock.now().getTime());
    expect(await countRows(t, 'usage_events', { image_id: imageId, kind: 'description.created' })).to.equal(1);
    await waitFor(() => events.length === 2, 1000, 'events');
    expect(events).to.deep.equal([
      ['image.completed', { imageId, batchId, userId }],
      ['batch.completed', { imageId, batchId, userId }],
    ]);
  });

  it('sends the model a working copy without location or camera metadata', async () => {
    await app();
    const original = fixture('eagle-gps.jpg');
    expect((await exifr.gps(original))?.latitude, 'the fixture carries GPS').to.be.a('number');
    const prepared = await prepareImage(original, 100_000_000);
    const { userId, batchId } = await seedBatch(t);
    const [imageId] = await addImages(t, userId, batchId, 1, prepared.workingCopy);
    await t.deps.queue.start();
    await waitFor(async () => (await imageStatus(t, imageId)).status === 'done', 5000, 'image done');

    const sent = fake.requests[0].images[0].bytes;
    expect(sent.subarray(0, 2).toString('hex')).to.equal('ffd8');
    expect(await exifr.gps(sent).catch(() => undefined)).to.equal(undefined);
    const tags = await exifr.parse(sent, { tiff: true, exif: true, gps: true, xmp: true, iptc: true }).catch(() => undefined);
    expect(tags ?? {}).to.not.have.any.keys('Make', 'Model', 'GPSLatitude', 'latitude', 'DateTimeOriginal', 'SerialNumber');
  });

  it('retries a server error and stores the result of the attempt that worked', async () => {
    await app();
    fake.script({ kind: 'server-error' }, { kind: 'server-error', status: 502 });
    const { userId, batchId } = await seedBatch(t);
    const [imageId] = await addImages(t, userId, batchId, 1);
    await t.deps.queue.start();
    await waitFor(async () => (await imageStatus(t, imageId)).status === 'done', 5000, 'image done');
    expect(fake.requests).to.have.length(3);
    expect(await jobOf(t, imageId)).to.include({ status: 'done', attempts: 3 });
    expect(await countRows(t, 'descriptions', { image_id: imageId })).to.equal(1);
  });

  it('honours Retry-After: the job waits until the server said it may come back', async () => {
    await app();
    fake.script({ kind: 'rate-limit', retryAfter: '30' });
    const { userId, batchId } = await seedBatch(t);
    const [imageId] = await addImages(t, userId, batchId, 1);
    const start = t.clock.now().getTime();
    await t.deps.queue.start();
    const job = await waitFor(async () => {
      const j = await jobOf(t, imageId);
      return j.status === 'queued' && j.attempts === 1 ? j : null;
    }, 5000, 'job back in the queue');
    expect(job.run_at).to.equal(start + 30_000);
    expect(job.last_error).to.contain('rate limited');
    expect((await imageStatus(t, imageId)).status).to.equal('queued');

    // Later images are claimed and described while this one waits: it was passed over, not missed.
    await describeLaterImage(t, userId);
    expect(await jobOf(t, imageId)).to.include({ status: 'queued', attempts: 1 });
    expect(fake.requests).to.have.length(2);
    t.clock.advance(29_999);
    await describeLaterImage(t, userId);
    expect(await jobOf(t, imageId)).to.include({ status: 'queued', attempts: 1 });
    expect(fake.requests).to.have.length(3);
    t.clock.advance(1);
    await waitFor(async () => (await imageStatus(t, imageId)).status === 'done', 5000, 'image done');
    expect(fake.requests).to.have.length(4);
  });

  it('gives up after 5 attempts and shows a plain reason', async () => {
    await app();
    fake.repeat({ kind: 'server-error' }, 10);
    const failed: ImageEvent[] = [];
    t.deps.events.on('image.failed', (e) => failed.push(e));
    const { userId, batchId } = await seedBatch(t);
    const [imageId] = await addImages(t, userId, batchId, 1);
    await t.deps.queue.start();
    const image = await waitFor(async () => {
      const i = await imageStatus(t, imageId);
      return i.status === 'failed' ? i : null;
    }, 5000, 'image failed');
    expect(image.error).to.equal('Gave up after 5 attempts. The model server had a temporary error (500).');
    expect(fake.requests).to.have.length(5);
    expect(await jobOf(t, imageId)).to.include({ status: 'failed', attempts: 5 });
    expect(await countRows(t, 'descriptions', { image_id: imageId })).to.equal(0);
    expect(failed).to.deep.equal([{ imageId, batchId, userId }]);
  });

  it('fails at once, without retrying, when the model refuses the image with a 400', async () => {
    await app();
    fake.script({ kind: 'error', status: 400, message: 'Image format not supported' });
    const { userId, batchId } = await seedBatch(t);
    const [imageId] = await addImages(t, userId, batchId, 1);
    await t.deps.queue.start();
    const image = await waitFor(async () => {
      const i = await imageStatus(t, imageId);
      return i.status === 'failed' ? i : null;
    }, 5000, 'image failed');
    expect(image.error).to.equal('The model server refused this image (400): Image format not supported');
    expect(await jobOf(t, imageId)).to.include({ status: 'failed', attempts: 1 });
    await describeLaterImage(t, userId); // the queue moved on without trying this one again
    expect(await jobOf(t, imageId)).to.include({ status: 'failed', attempts: 1 });
    expect(fake.requests).to.have.length(2);
  });

  it('fails with a plain reason when the working copy is already gone', async () => {
    await app();
    const { userId, batchId } = await seedBatch(t);
    const [imageId] = await addImages(t, userId, batchId, 1);
    const { blob_key } = await t.deps.db('images').where({ id: imageId }).first('blob_key');
    await t.deps.blobs.delete(blob_key);
    await t.deps.queue.start();
    const image = await waitFor(async () => {
      const i = await imageStatus(t, imageId);
      return i.status === 'failed' ? i : null;
    }, 5000, 'image failed');
    expect(image.error).to.equal('The stored image is gone, so it cannot be described.');
    expect(fake.requests).to.have.length(0);
  });

  it('never runs more jobs at once than QUEUE_CONCURRENCY', async () => {
    await app({ concurrency: 3 });
    fake.latencyMs = 400;
    const { userId, batchId } = await seedBatch(t);
    const ids = await addImages(t, userId, batchId, 7);
    await t.deps.queue.start();
    await waitFor(async () => (await countRows(t, 'images', { batch_id: batchId, status: 'done' })) === ids.length, 5000, 'all done');
    expect(fake.maxInFlight).to.equal(3);
  });
});
