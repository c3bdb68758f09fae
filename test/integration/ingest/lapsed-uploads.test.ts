import { expect } from 'chai';
import { buildTestApp, type TestApp } from '../../helpers/test-app';
import { insertBatch, insertImage, insertUser } from '../../helpers/rows';
import { WebhookReceiver } from '../../helpers/webhook-receiver';
import { createEndpoint } from '../../../server/webhooks/endpoints';
import { endLapsedUploadsJob } from '../../../jobs/end-lapsed-uploads';
import { endReceiving } from '../../../server/queue/results';

/**
 * A web process that dies mid-upload leaves its batch marked as still receiving until a deadline.
 * When every image it brought finished before that deadline, the scheduler finishes the batch.
 */
describe('uploads cut off by a stopped web process', () => {
  let receiver: WebhookReceiver;
  let t: TestApp;
  const deadlineMs = 60_000;

  beforeEach(async () => {
    receiver = await new WebhookReceiver().start();
    t = await buildTestApp({ ALLOWED_INTERNAL_HOSTS: `127.0.0.1:${receiver.port}` });
  });
  afterEach(async () => {
    await t.close();
    await receiver.close();
  });

  /** A batch whose upload was still arriving when its process stopped, with images in the given states. */
  async function cutOffBatch(statuses: string[]): Promise<{ userId: number; batchId: string }> {
    const userId = await insertUser(t.deps.db);
    await createEndpoint(t.deps, userId, { url: receiver.url, events: ['batch.completed'] });
    const batchId = await insertBatch(t.deps.db, userId);
    await t.deps.db('batches').where({ id: batchId }).update({ receiving_until: t.clock.now().getTime() + deadlineMs });
    for (const status of statuses) await insertImage(t.deps.db, userId, batchId, { status });
    return { userId, batchId };
  }

  const receivingUntil = async (batchId: string) => (await t.deps.db('batches').where({ id: batchId }).first()).receiving_until;
  const completedDeliveries = async (userId: number) =>
    (await t.deps.db('webhook_deliveries').where({ user_id: userId, event_type: 'batch.completed' })).length;

  it('finishes a batch whose images were all described once its upload deadline has passed', async () => {
    const { userId, batchId } = await cutOffBatch(['done', 'done', 'failed']);
    const completed: string[] = [];
    const off = t.deps.events.on('batch.completed', (e) => completed.push(e.batchId));
    try {
      // Before the deadline the upload may still be arriving (its process could be alive).
      expect(await endLapsedUploadsJob.run(t.deps, { atBoot: false })).to.deep.equal({ finished: 0 });
      expect(await receivingUntil(batchId)).to.not.equal(null);

      t.clock.advance(deadlineMs);
      expect(await endLapsedUploadsJob.run(t.deps, { atBoot: false })).to.deep.equal({ finished: 1 });
      expect(await receivingUntil(batchId)).to.equal(null);
      expect(await completedDeliveries(userId)).to.equal(1);
      expect(completed).to.deep.equal([batchId]);

      // Once finished it is not finished again.
      expect(await endLapsedUploadsJob.run(t.deps, { atBoot: false })).to.deep.equal({ finished: 0 });
      expect(await completedDeliveries(userId)).to.equal(1);
    } finally {
      off();
    }
  });

  it('ends the upload of a batch still being described, leaving its finish to the last result', async () => {
    const { userId, batchId } = await cutOffBatch(['done', 'queued']);
    t.clock.advance(deadlineMs);
    expect(await endLapsedUploadsJob.run(t.deps, { atBoot: false })).to.deep.equal({ finished: 0 });
    expect(await receivingUntil(batchId)).to.equal(null);
    expect(await completedDeliveries(userId)).to.equal(0);
  });

  it('leaves an upload alone whose process moved its deadline on after the sweep looked', async () => {
    const { userId, batchId } = await cutOffBatch(['done']);
    const before = await receivingUntil(batchId);
    // The sweep saw the deadline pass, but the live upload renewed it before the sweep ended it.
    expect(await endReceiving(t.deps.db, batchId, t.clock.now().getTime(), true)).to.equal(null);
    expect(await receivingUntil(batchId)).to.equal(before);
    expect(await completedDeliveries(userId)).to.equal(0);
  });
});
