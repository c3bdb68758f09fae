import { expect } from 'chai';
import { buildTestApp, type TestApp } from '../../helpers/test-app';
import { insertUser } from '../../helpers/rows';
import { addImages, seedBatch } from '../../helpers/queue-fixtures';
import { description } from '../../helpers/outbox';
import { claimNext } from '../../../server/queue/store';
import { completeJob, failJob } from '../../../server/queue/results';
import { WebhookReceiver } from '../../helpers/webhook-receiver';
import { createEndpoint, endpointLog } from '../../../server/webhooks/endpoints';
import { WebhookDispatcher, RETRY_SCHEDULE_MS } from '../../../server/webhooks/dispatcher';
import { subscribeWebhooks } from '../../../server/webhooks/subscribe';
import { HttpError } from '../../../server/middleware/errors';
import { setUserDisabled } from '../../../server/services/accounts/admin';
import { requestAccountDeletion, finishAccountDeletions, DELETION_GRACE_MS } from '../../../server/services/data-rights/account-deletion';

const meta = { ip: '127.0.0.1', userAgent: 'test' };

describe('webhook deliveries to a real receiver', () => {
  let receiver: WebhookReceiver;
  let t: TestApp;
  let dispatcher: WebhookDispatcher;
  let unsubscribe: () => void;

  beforeEach(async () => {
    receiver = await new WebhookReceiver().start();
    t = await buildTestApp({ ALLOWED_INTERNAL_HOSTS: `127.0.0.1:${receiver.port}` });
    dispatcher = t.deps.webhooks as WebhookDispatcher;
    unsubscribe = subscribeWebhooks(t.deps, dispatcher);
    receiver.now = () => t.clock.now().getTime();
  });
  afterEach(async () => {
    unsubscribe();
    await t.close();
    await receiver.close();
  });

  /**
   * A finished image the way the queue finishes one: claimed, then its result (or failure) stored in
   * one transaction with its deliveries, then the event the worker emits after the commit.
   */
  async function completeImage(userId: number, failure?: string): Promise<{ imageId: string; batchId: string }> {
    const { batchId } = await seedBatch(t, {}, userId);
    const [imageId] = await addImages(t, userId, batchId, 1);
    const now = t.clock.now().getTime();
    const job = await claimNext(t.deps.db, 'test-worker', now, 60_000);
    if (!job) throw new Error('nothing to claim');
    const outcome = failure ? await failJob(t.deps, job, failure, now) : await completeJob(t.deps, job, description('A red bicycle'), now);
    t.deps.events.emit(failure ? 'image.failed' : 'image.completed', { imageId, batchId, userId });
    if (outcome.batchFinished) t.deps.events.emit('batch.completed', { imageId, batchId, userId });
    return { imageId, batchId };
  }

  async function subscribed(userId: number, events = ['image.completed', 'image.failed']): Promise<string> {
    const { endpoint, secret } = await createEndpoint(t.deps, userId, { url: receiver.url, events });
    receiver.secret = secret;
    return endpoint.id;
  }

  it('signs each delivery the Standard Webhooks way and sends the image as the API shows it', async () => {
    const userId = await insertUser(t.deps.db);
    await subscribed(userId);
    const { imageId } = await completeImage(userId);
    await receiver.waitFor(1);
    const [got] = receiver.received;
    expect(got.verified).to.equal(true);
    expect(got.id).to.match(/^msg_/);
    expect(got.payload.type).to.equal('image.completed');
    expect(got.payload.data.id).to.equal(imageId);
    expect((got.payload.data.result as { alt_text: string }).alt_text).to.equal('A red bicycle');
  });

  it('fails verification at a receiver holding the wrong secret', async () => {
    const userId = await insertUser(t.deps.db);
    await subscribed(userId);
    receiver.secret = 'whsec_' + Buffer.alloc(24, 1).toString('base64');
    await completeImage(userId);
    await receiver.waitFor(1);
    expect(receiver.received[0].verified).to.equal(false);
  });

  it('retries after 30 s and 2 min with the same webhook-id, then is delivered', async () => {
    const userId = await insertUser(t.deps.db);
    const endpointId = await subscribed(userId);
    receiver.respond = (n) => ({ status: n <= 2 ? 500 : 200 });
    await completeImage(userId);
    await receiver.waitFor(1);
    await dispatcher.runDue();
    t.clock.advance(29_000);
    expect(await dispatcher.runDue()).to.equal(0);
    t.clock.advance(1_000);
    expect(await dispatcher.runDue()).to.equal(1);
    t.clock.advance(RETRY_SCHEDULE_MS[1]);
    await dispatcher.runDue();
    expect(receiver.received).to.have.length(3);
    expect(new Set(receiver.received.map((r) => r.id)).size).to.equal(1);
    expect(receiver.received.every((r) => r.verified)).to.equal(true);
    const log = await endpointLog(t.deps, userId, endpointId);
    expect(log.deliveries[0].status).to.equal('delivered');
    expect(log.deliveries[0].attempts.map((a) => a.statusCode)).to.deep.equal([500, 500, 200]);
  });

  it('gives up after the 30 s, 2 min, 10 min, 30 min, 1 h and 6 h retries and marks the delivery failed', async () => {
    const userId = await insertUser(t.deps.db);
    const endpointId = await subscribed(userId);
    receiver.respond = () => ({ status: 503 });
    await completeImage(userId);
    await receiver.waitFor(1);
    await dispatcher.runDue();
    const gaps: number[] = [];
    for (const delay of RETRY_SCHEDULE_MS) {
      const [row] = await t.deps.db('webhook_deliveries').select('next_attempt_at');
      gaps.push(Number(row.next_attempt_at) - t.clock.now().getTime());
      t.clock.advance(delay);
      await dispatcher.runDue();
    }
    expect(gaps).to.deep.equal(RETRY_SCHEDULE_MS);
    expect(receiver.received).to.have.length(7);
    const log = await endpointLog(t.deps, userId, endpointId);
    expect(log.deliveries[0].status).to.equal('failed');
    expect(log.deliveries[0].nextAttemptAt).to.equal(null);
    t.clock.advance(86_400_000);
    expect(await dispatcher.runDue()).to.equal(0);
  });

  it('does not follow a redirect from the receiver, and counts it as a failure', async () => {
    const userId = await insertUser(t.deps.db);
    const endpointId = await subscribed(userId);
    receiver.respond = (n) => (n === 1 ? { status: 302, headers: { location: 'http://127.0.0.1:1/elsewhere' } } : { status: 200 });
    await completeImage(userId);
    await receiver.waitFor(1);
    await dispatcher.runDue();
    const log = await endpointLog(t.deps, userId, endpointId);
    expect(log.deliveries[0].status).to.equal('pending');
    expect(log.deliveries[0].attempts[0]).to.include({ statusCode: 302, error: 'redirects are not followed' });
  });

  it('times out a receiver that never answers and tries again later', async () => {
    const userId = await insertUser(t.deps.db);
    const endpointId = await subscribed(userId);
    receiver.respond = () => 'hang';
    const quick = new WebhookDispatcher(t.deps, { timeoutMs: 150 });
    await quick.enqueue(userId, 'image.completed', { id: 'x' });
    await quick.runDue();
    const log = await endpointLog(t.deps, userId, endpointId);
    expect(log.deliveries[0].attempts[0].error).to.match(/timed out/);
    expect(log.deliveries[0].status).to.equal('pending');
  });

  it('keeps pending deliveries across a restart and sends them from a new dispatcher', async () => {
    const userId = await insertUser(t.deps.db);
    await subscribed(userId);
    receiver.respond = (n) => ({ status: n === 1 ? 500 : 200 });
    await completeImage(userId);
    await receiver.waitFor(1);
    await dispatcher.runDue();
    await dispatcher.stop();
    const restarted = new WebhookDispatcher(t.deps);
    t.clock.advance(30_000);
    expect(await restarted.runDue()).to.equal(1);
    expect(receiver.received[1].id).to.equal(receiver.received[0].id);
  });

  it('sends only the events an endpoint subscribed to, and only the owner\'s', async () => {
    const owner = await insertUser(t.deps.db);
    const stranger = await insertUser(t.deps.db);
    await subscribed(owner, ['image.failed']);
    await completeImage(owner);
    await completeImage(stranger);
    const { imageId } = await completeImage(owner, 'The image could not be read.');
    await receiver.waitFor(1);
    // Every delivery was written with its result; once a pass has sent all that is due, nothing more can come.
    await dispatcher.runDue();
    expect(await t.deps.db('webhook_deliveries').count({ n: '*' }).first()).to.deep.equal({ n: 1 });
    expect(receiver.received.map((r) => r.payload.type)).to.deep.equal(['image.failed']);
    expect(receiver.received[0].payload.data).to.include({ id: imageId, status: 'failed', error: 'The image could not be read.' });
  });

  it('sends batch.completed with the batch progress', async () => {
    const userId = await insertUser(t.deps.db);
    await subscribed(userId, ['batch.completed']);
    const { imageId, batchId } = await completeImage(userId);
    await receiver.waitFor(1);
    const data = receiver.received[0].payload.data as { id: string; progress: { done: number; finished: boolean }; image_ids: string[] };
    expect(data.id).to.equal(batchId);
    expect(data.progress).to.include({ done: 1, finished: true });
    expect(data.image_ids).to.deep.equal([imageId]);
  });

  it('holds the deliveries of a disabled account while a control account\'s are sent, and sends them once it is re-enabled', async () => {
    const admin = await insertUser(t.deps.db);
    const disabled = await insertUser(t.deps.db);
    const control = await insertUser(t.deps.db);
    await subscribed(disabled);
    await setUserDisabled(t.deps, meta, admin, disabled, true);
    const held = await completeImage(disabled);
    await subscribed(control);
    const sent = await completeImage(control);
    await receiver.waitFor(1);
    await dispatcher.runDue();
    expect(receiver.received.map((r) => r.payload.data.id)).to.deep.equal([sent.imageId]);
    const [row] = await t.deps.db('webhook_deliveries').where({ user_id: disabled });
    expect(row).to.include({ status: 'pending', attempts: 0 });
    expect(await t.deps.db('webhook_attempts').where({ delivery_id: row.id })).to.deep.equal([]);

    await setUserDisabled(t.deps, meta, admin, disabled, false);
    expect(await dispatcher.runDue()).to.equal(1);
    expect(receiver.received.map((r) => r.payload.data.id)).to.deep.equal([sent.imageId, held.imageId]);
  });

  it('holds the deliveries of an account waiting out its deletion, and drops them with it', async () => {
    const deleted = await insertUser(t.deps.db);
    const control = await insertUser(t.deps.db);
    await subscribed(deleted);
    await requestAccountDeletion(t.deps, null, deleted, { actorId: deleted, immediately: false });
    await completeImage(deleted);
    await subscribed(control);
    const sent = await completeImage(control);
    await receiver.waitFor(1);
    await dispatcher.runDue();
    expect(receiver.received.map((r) => r.payload.data.id)).to.deep.equal([sent.imageId]);
    expect(await t.deps.db('webhook_deliveries').where({ user_id: deleted }).select('status', 'attempts')).to.deep.equal([{ status: 'pending', attempts: 0 }]);

    t.clock.advance(DELETION_GRACE_MS);
    await finishAccountDeletions(t.deps);
    expect(await t.deps.db('webhook_deliveries').where({ user_id: deleted })).to.deep.equal([]);
    expect(await dispatcher.runDue()).to.equal(0);
    expect(receiver.received).to.have.length(1);
  });

  it('refuses to save an endpoint on a loopback address the admin did not allow', async () => {
    const userId = await insertUser(t.deps.db);
    for (const url of ['http://127.0.0.1:1/hook', 'http://localhost/hook', 'http://[::1]/hook', 'http://169.254.169.254/', 'ftp://example.com/']) {
      const err = await createEndpoint(t.deps, userId, { url, events: ['image.completed'] }).then(() => undefined, (e: unknown) => e);
      expect(err, url).to.be.instanceOf(HttpError);
      expect((err as HttpError).code).to.equal('invalid_url');
    }
  });

  it('stores the secret sealed, never in the clear', async () => {
    const userId = await insertUser(t.deps.db);
    const { secret } = await createEndpoint(t.deps, userId, { url: receiver.url, events: ['image.completed'] });
    expect(secret).to.match(/^whsec_/);
    const rows = await t.deps.db('webhook_endpoints');
    expect(JSON.stringify(rows)).not.to.include(secret.slice(6));
  });
});
