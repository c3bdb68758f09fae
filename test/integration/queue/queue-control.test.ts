import { expect } from 'chai';
import { buildTestApp, TestApp } from '../../helpers/test-app';
import { startFakeOpenAI, FakeOpenAI } from '../../helpers/fake-openai';
import { addImages, countRows, imageStatus, jobOf, seedBatch, waitFor } from '../../helpers/queue-fixtures';
import { createQueue, type QueueOptions } from '../../../server/queue';
import type { ImageEvent } from '../../../server/events';

describe('describe queue: fairness, leases, shutdown', () => {
  let fake: FakeOpenAI;
  let t: TestApp;

  before(async () => {
    fake = await startFakeOpenAI();
  });
  after(async () => fake.close());

  async function app(options: Partial<QueueOptions> = {}): Promise<TestApp> {
    t = await buildTestApp({ DESCRIBER: 'openai', OPENAI_BASE_URL: fake.baseUrl, OPENAI_TIMEOUT_MS: '3000' });
    t.deps.queue = createQueue(t.config, t.deps, { ...t.deps.queue.options, random: () => 0, ...options });
    return t;
  }

  afterEach(async () => {
    await t?.close();
    fake.reset();
    fake.latencyMs = 0;
  });

  it("does not let one user's large batch hold back another user's single image", async () => {
    await app({ concurrency: 2 });
    fake.latencyMs = 15;
    const a = await seedBatch(t);
    const b = await seedBatch(t);
    const aIds = await addImages(t, a.userId, a.batchId, 50);
    const order: string[] = [];
    t.deps.events.on('image.completed', (e) => order.push(e.imageId));
    await t.deps.queue.start();
    await waitFor(() => order.length >= 4, 5000, 'A under way');
    t.clock.advance(1000); // B's image arrives later than all of A's
    const [bId] = await addImages(t, b.userId, b.batchId, 1);
    await waitFor(async () => (await countRows(t, 'images', { status: 'done' })) === 51, 15_000, 'all done');
    const position = order.indexOf(bId);
    const aDoneBefore = order.slice(0, position).filter((id) => aIds.includes(id)).length;
    expect(aDoneBefore, `B finished after ${aDoneBefore} of A's 50 images`).to.be.below(12);
  });

  it('stores one result when a job runs twice (its lease expired under a slow worker)', async () => {
    await app({ leaseMs: 60_000 });
    fake.latencyMs = 300;
    const completed: ImageEvent[] = [];
    t.deps.events.on('image.completed', (e) => completed.push(e));
    const { userId, batchId } = await seedBatch(t);
    const [imageId] = await addImages(t, userId, batchId, 1);
    await t.deps.queue.start();
    await waitFor(() => fake.requests.length === 1, 3000, 'first run under way');

    // The first worker stalls past its lease; a second worker takes the job over.
    t.clock.advance(61_000);
    const second = createQueue(t.config, t.deps, { ...t.deps.queue.options, workerId: 'second-worker' });
    await second.start();
    try {
      await waitFor(() => fake.requests.length === 2, 3000, 'second run under way');
      await waitFor(async () => (await jobOf(t, imageId)).status === 'done', 3000, 'job done');
      // Both runs have had their answer and recorded (or skipped) their outcome.
      await waitFor(() => fake.inFlight === 0 && t.deps.queue.activeJobs === 0 && second.activeJobs === 0, 3000, 'both runs to finish');
    } finally {
      await second.stop();
    }
    expect(await countRows(t, 'descriptions', { image_id: imageId })).to.equal(1);
    expect(await countRows(t, 'usage_events', { image_id: imageId })).to.equal(1);
    expect(completed).to.have.length(1);
    expect((await imageStatus(t, imageId)).status).to.equal('done');
  });

  it('returns jobs with expired leases to the queue at start, and completes them', async () => {
    await app();
    const { userId, batchId } = await seedBatch(t);
    const [imageId] = await addImages(t, userId, batchId, 1);
    const now = t.clock.now().getTime();
    // What a process killed mid-job leaves behind.
    await t.deps.db('jobs').where({ image_id: imageId }).update({ status: 'running', attempts: 1, lease_owner: 'dead:1', lease_until: now - 1 });
    await t.deps.db('images').where({ id: imageId }).update({ status: 'processing' });
    await t.deps.queue.start();
    await waitFor(async () => (await imageStatus(t, imageId)).status === 'done', 3000, 'image done');
    expect(await jobOf(t, imageId)).to.include({ status: 'done', attempts: 2 });
    expect(await countRows(t, 'descriptions', { image_id: imageId })).to.equal(1);
  });

  it('renews the lease of a job while it runs', async () => {
    await app({ leaseMs: 300 });
    fake.latencyMs = 700;
    const { userId, batchId } = await seedBatch(t);
    const [imageId] = await addImages(t, userId, batchId, 1);
    await t.deps.queue.start();
    await waitFor(() => fake.requests.length === 1, 3000, 'running');
    t.clock.advance(10_000);
    const renewed = await waitFor(async () => {
      const job = await jobOf(t, imageId);
      return Number(job.lease_until) >= t.clock.now().getTime() ? job : null;
    }, 1000, 'lease renewed');
    expect(renewed.status).to.equal('running');
    await waitFor(async () => (await jobOf(t, imageId)).status === 'done', 3000, 'job done');
  });

  it('on stop, lets a running job finish within the timeout', async () => {
    await app();
    fake.latencyMs = 200;
    const { userId, batchId } = await seedBatch(t);
    const [imageId] = await addImages(t, userId, batchId, 1);
    await t.deps.queue.start();
    await waitFor(() => fake.requests.length === 1, 3000, 'running');
    await t.deps.queue.stop(3000);
    expect((await imageStatus(t, imageId)).status).to.equal('done');
  });

  it('on stop, hands a job that does not finish in time back to the queue without counting the attempt', async () => {
    await app();
    fake.latencyMs = 2000;
    const { userId, batchId } = await seedBatch(t);
    const ids = await addImages(t, userId, batchId, 3);
    await t.deps.queue.start();
    await waitFor(() => fake.requests.length === 2, 3000, 'running');
    const started = Date.now();
    await t.deps.queue.stop(100);
    expect(Date.now() - started).to.be.below(1500);
    for (const id of ids) {
      expect((await imageStatus(t, id)).status).to.equal('queued');
      expect(await jobOf(t, id)).to.include({ status: 'queued', attempts: 0, lease_owner: null });
    }
    expect(await countRows(t, 'descriptions')).to.equal(0);
  });
});
