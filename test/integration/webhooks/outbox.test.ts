import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { expect } from 'chai';
import { buildTestApp, type TestApp } from '../../helpers/test-app';
import { createTestDatabase, type TestDatabase } from '../../helpers/test-database';
import { insertUser } from '../../helpers/rows';
import { WebhookReceiver } from '../../helpers/webhook-receiver';
import { addImages, countRows, seedBatch, waitFor } from '../../helpers/queue-fixtures';
import { description } from '../../helpers/outbox';
import { createEndpoint } from '../../../server/webhooks/endpoints';
import { claimNext } from '../../../server/queue/store';
import { completeJob, failJob } from '../../../server/queue/results';
import { isPostgres, type Db } from '../../../server/db/knex';

/** Makes every insert into webhook_deliveries fail, the way a full disk or a broken constraint would. */
async function refuseDeliveries(db: Db): Promise<void> {
  if (!isPostgres(db)) {
    await db.raw(`create trigger refuse_deliveries before insert on webhook_deliveries begin select raise(abort, 'refused'); end`);
    return;
  }
  await db.raw(`create function refuse() returns trigger language plpgsql as $$ begin raise exception 'refused'; end $$`);
  await db.raw('create trigger refuse_deliveries before insert on webhook_deliveries for each row execute function refuse()');
}

describe('webhook outbox: deliveries written with the result', () => {
  let receiver: WebhookReceiver;
  let dataDir: string;
  let database: TestDatabase;
  const apps: TestApp[] = [];

  beforeEach(async () => {
    receiver = await new WebhookReceiver().start();
    dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'sightline-outbox-'));
    database = await createTestDatabase(dataDir);
  });
  afterEach(async () => {
    for (const t of apps.splice(0)) await t.close();
    await database.drop();
    await receiver.close();
    fs.rmSync(dataDir, { recursive: true, force: true });
  });

  /** An app on the shared data directory and database: a second one is the same instance after a restart. */
  async function boot(): Promise<TestApp> {
    const t = await buildTestApp({ DATA_DIR: dataDir, ...database.env, ALLOWED_INTERNAL_HOSTS: `127.0.0.1:${receiver.port}` });
    apps.push(t);
    receiver.now = () => t.clock.now().getTime();
    return t;
  }

  /** A user with an endpoint for every event and a batch of `count` images, the first one claimed. */
  async function claimedImage(t: TestApp, count = 1) {
    const userId = await insertUser(t.deps.db);
    const { secret } = await createEndpoint(t.deps, userId, { url: receiver.url, events: ['image.completed', 'image.failed', 'batch.completed'] });
    receiver.secret = secret;
    const { batchId } = await seedBatch(t, {}, userId);
    const imageIds = await addImages(t, userId, batchId, count);
    const job = await claimNext(t.deps.db, 'test-worker', t.clock.now().getTime(), 60_000);
    if (!job) throw new Error('nothing to claim');
    return { userId, batchId, imageIds, job };
  }

  it('stores image.completed and batch.completed deliveries in the commit that stores the result, before any event', async () => {
    const t = await boot();
    const { job, imageIds, batchId } = await claimedImage(t);
    await completeJob(t.deps, job, description('A red bicycle'), t.clock.now().getTime());
    const rows = await t.deps.db('webhook_deliveries').orderBy('event_type');
    expect(rows.map((r) => [r.event_type, r.status])).to.deep.equal([['batch.completed', 'pending'], ['image.completed', 'pending']]);
    const image = JSON.parse(rows[1].payload_json).data;
    expect(image).to.include({ id: imageIds[0], status: 'done' });
    expect(image.result.alt_text).to.equal('A red bicycle');
    expect(JSON.parse(rows[0].payload_json).data).to.include({ id: batchId });
  });

  it('writes batch.completed only with the batch\'s last image, and image.failed for a failure', async () => {
    const t = await boot();
    const { job } = await claimedImage(t, 2);
    await failJob(t.deps, job, 'The image could not be read.', t.clock.now().getTime());
    const rows = await t.deps.db('webhook_deliveries');
    expect(rows.map((r) => r.event_type)).to.deep.equal(['image.failed']);
  });

  it('stores no result when its deliveries cannot be written: one transaction', async () => {
    const t = await boot();
    const { job, imageIds } = await claimedImage(t);
    await refuseDeliveries(t.deps.db);
    const err = await completeJob(t.deps, job, description('A red bicycle'), t.clock.now().getTime()).then(() => undefined, (e: unknown) => e);
    expect(err).to.be.instanceOf(Error);
    expect(await countRows(t, 'descriptions', { image_id: imageIds[0] })).to.equal(0);
    expect(await countRows(t, 'usage_events')).to.equal(0);
    expect((await t.deps.db('jobs').where({ id: job.id }).first()).status).to.equal('running');
  });

  it('delivers after a restart what a crash left pending in the outbox, signed, to a real receiver', async () => {
    const before = await boot();
    const { job, imageIds } = await claimedImage(before);
    await completeJob(before.deps, job, description('A red bicycle'), before.clock.now().getTime());
    // The process dies here: no event was heard, no dispatcher ran.
    await before.close();
    expect(receiver.received).to.have.length(0);

    const after = await boot();
    after.deps.webhooks?.start();
    await receiver.waitFor(2);
    const images = receiver.received.filter((r) => r.payload.type === 'image.completed');
    expect(images).to.have.length(1);
    expect(images[0].verified).to.equal(true);
    expect(images[0].payload.data.id).to.equal(imageIds[0]);
    expect(receiver.received.every((r) => r.verified)).to.equal(true);
    await waitFor(async () => (await countRows(after, 'webhook_deliveries', { status: 'delivered' })) === 2, 5_000, 'both deliveries recorded as delivered');
  });
});
