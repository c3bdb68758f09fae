import { expect } from 'chai';
import type { Response } from 'superagent';
import { buildTestApp, TestApp } from '../../helpers/test-app';
import { startFakeOpenAI, FakeOpenAI } from '../../helpers/fake-openai';
import { signUp, type SignedUp } from '../../helpers/session';
import { addImages, countRows, describeLaterImage, imageStatus, jobOf, seedBatch, waitFor } from '../../helpers/queue-fixtures';
import { progressEvents } from '../../helpers/event-streams';

/** Reads a server-sent event stream to its end. */
function collectStream(res: Response, cb: (err: Error | null, body: string) => void): void {
  let text = '';
  res.setEncoding('utf8');
  res.on('data', (chunk: string) => (text += chunk));
  res.on('end', () => cb(null, text));
}

describe('batch progress, cancel and regenerate routes', () => {
  let fake: FakeOpenAI;
  let t: TestApp;
  let owner: SignedUp;
  let stranger: SignedUp;

  before(async () => {
    fake = await startFakeOpenAI();
    t = await buildTestApp({ DESCRIBER: 'openai', OPENAI_BASE_URL: fake.baseUrl, OPENAI_TIMEOUT_MS: '3000' });
    owner = await signUp(t.app);
    stranger = await signUp(t.app);
  });
  after(async () => {
    await t.close();
    await fake.close();
  });
  afterEach(async () => {
    await t.deps.queue.stop(1000);
    fake.reset();
    fake.latencyMs = 0;
  });

  it('GET /batches/:id/progress.json counts the images by state', async () => {
    const { batchId } = await seedBatch(t, {}, owner.user.id);
    await addImages(t, owner.user.id, batchId, 3);
    const res = await owner.agent.get(`/batches/${batchId}/progress.json`).expect(200);
    expect(res.body).to.include({ batchId, total: 3, finished: 0, complete: false, status: 'open' });
    expect(res.body.counts).to.include({ queued: 3, done: 0 });
    expect(res.body.images).to.have.length(3);
    expect(res.headers['cache-control']).to.contain('no-store');
  });

  it("answers 404 for another user's batch, on every route", async () => {
    const { batchId } = await seedBatch(t, {}, owner.user.id);
    const [imageId] = await addImages(t, owner.user.id, batchId, 1);
    await stranger.agent.get(`/batches/${batchId}/progress.json`).expect(404);
    await stranger.agent.get(`/batches/${batchId}/events`).expect(404);
    await stranger.agent.post(`/batches/${batchId}/cancel`).type('form').send({ _csrf: stranger.csrf }).expect(404);
    await stranger.agent.post(`/images/${imageId}/regenerate`).type('form').send({ _csrf: stranger.csrf }).expect(404);
    expect((await imageStatus(t, imageId)).status).to.equal('queued');
  });

  it('GET /batches/:id/events streams progress until the batch is complete', async () => {
    fake.latencyMs = 50;
    const { batchId } = await seedBatch(t, {}, owner.user.id);
    await addImages(t, owner.user.id, batchId, 3);
    await t.deps.queue.start();
    const res = await owner.agent.get(`/batches/${batchId}/events`).buffer(true).parse(collectStream).expect(200);
    expect(res.headers['content-type']).to.contain('text/event-stream');
    const events = progressEvents(res.body as string);
    expect(events.length).to.be.at.least(2);
    expect(events[0].complete).to.equal(false);
    expect(events.at(-1)).to.deep.include({ complete: true });
    expect(events.at(-1)?.counts.done).to.equal(3);
  });

  it('POST /batches/:id/cancel cancels what has not run and redirects back to the batch', async () => {
    fake.latencyMs = 300;
    const { batchId } = await seedBatch(t, {}, owner.user.id);
    const ids = await addImages(t, owner.user.id, batchId, 6);
    await t.deps.queue.start();
    await waitFor(() => fake.requests.length === 2, 3000, 'two running');
    const res = await owner.agent.post(`/batches/${batchId}/cancel`).type('form').send({ _csrf: owner.csrf }).expect(303);
    expect(res.headers.location).to.equal(`/batches/${batchId}`);
    // The two aborted runs end, and a later image is described: nothing of this batch ran meanwhile.
    await describeLaterImage(t, owner.user.id);
    const states = await Promise.all(ids.map((id) => imageStatus(t, id)));
    expect(states.every((s) => s.status === 'cancelled')).to.equal(true);
    expect(fake.requests).to.have.length(3);
    expect(await t.deps.db('descriptions').whereIn('image_id', ids).count({ n: '*' }).first()).to.deep.equal({ n: 0 });
    expect((await t.deps.db('batches').where({ id: batchId }).first()).status).to.equal('cancelled');
  });

  it('POST /images/:id/regenerate queues the image again with the new instructions and replaces its text', async () => {
    const { batchId } = await seedBatch(t, { language: 'en' }, owner.user.id);
    const [imageId] = await addImages(t, owner.user.id, batchId, 1);
    await t.deps.queue.start();
    await waitFor(async () => (await imageStatus(t, imageId)).status === 'done', 3000, 'first description');
    await t.deps.queue.stop(1000);

    const res = await owner.agent
      .post(`/images/${imageId}/regenerate`)
      .type('form')
      .send({ _csrf: owner.csrf, instructions: 'Mention the basket', language: 'nl', altTextLength: '' })
      .expect(303);
    expect(res.headers.location).to.equal(`/batches/${batchId}#image-${imageId}`);
    expect((await imageStatus(t, imageId)).status).to.equal('queued');
    expect(JSON.parse(String((await jobOf(t, imageId)).payload_json)).options).to.deep.equal({ language: 'nl', instructions: 'Mention the basket' });

    await t.deps.queue.start();
    await waitFor(async () => (await imageStatus(t, imageId)).status === 'done', 3000, 'second description');
    expect(fake.requests.at(-1)?.text).to.contain('Output language: nl');
    const d = await t.deps.db('descriptions').where({ image_id: imageId }).first();
    expect(d.alt_text).to.equal('Mention the basket');
    expect(await countRows(t, 'descriptions', { image_id: imageId })).to.equal(1);
    expect(await countRows(t, 'usage_events', { image_id: imageId })).to.equal(2);
  });

  it('refuses regenerate options that make no sense, naming the field', async () => {
    const { batchId } = await seedBatch(t, {}, owner.user.id);
    const [imageId] = await addImages(t, owner.user.id, batchId, 1);
    const res = await owner.agent.post(`/images/${imageId}/regenerate`).type('form').send({ _csrf: owner.csrf, altTextLength: '5' }).expect(400);
    expect(res.text).to.contain('altTextLength');
  });
});
