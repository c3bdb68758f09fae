import { Writable } from 'node:stream';
import { expect } from 'chai';
import request from 'supertest';
import { buildTestApp, TestApp } from '../../helpers/test-app';
import { signUp, logIn, SignedUp } from '../../helpers/session';
import { startFakeOpenAI, FakeOpenAI } from '../../helpers/fake-openai';
import { waitFor } from '../../helpers/queue-fixtures';
import { fixture } from '../../helpers/image-fixtures';
import { databaseBytes, imageTraces } from '../../helpers/file-scan';
import { blobFilesOnDisk, withoutTextKeys } from '../../helpers/privacy-seed';
import { startJobs } from '../../../jobs';

describe('image bytes stay out of the database and the logs', () => {
  let fake: FakeOpenAI;
  let t: TestApp;
  let alice: SignedUp;
  const logs: string[] = [];

  before(async () => {
    fake = await startFakeOpenAI();
    const logStream = new Writable({
      write(chunk, _enc, done) {
        logs.push(String(chunk));
        done();
      },
    });
    t = await buildTestApp({ DESCRIBER: 'openai', OPENAI_BASE_URL: fake.baseUrl, LOG_LEVEL: 'trace' }, { logStream });
    alice = await signUp(t.app);
  });
  after(async () => {
    await t.close();
    await fake.close();
  });

  it('finds no JPEG, PNG or WebP signature and no base64 run in the SQLite file, its WAL or the log after a batch is processed', async () => {
    const res = await alice.agent
      .post(`/images?_csrf=${encodeURIComponent(alice.csrf)}`)
      .attach('images', fixture('dog.jpg'), 'dog.jpg')
      .attach('images', fixture('cat.png'), 'cat.png')
      .expect(303);
    await t.deps.queue.start();
    const batchId = res.headers.location.split('/').pop();
    await waitFor(async () => {
      const rows = await t.deps.db('images').where({ batch_id: batchId });
      return rows.length === 2 && rows.every((r) => r.status === 'done');
    }, 10_000, 'batch described');
    expect(fake.requests.length).to.be.greaterThan(0); // the model really received the images
    await alice.agent.get(res.headers.location).expect(200);
    // Finishing an image sets when its working copy goes: processed_at + 30 minutes.
    await waitFor(async () => (await t.deps.db('images').where({ batch_id: batchId })).every((r) => r.expires_at === r.processed_at + 30 * 60_000), 2000, 'expiry set');

    // The scan does see images when they are there.
    expect(imageTraces(fixture('dog.jpg'))).to.include('JPEG');
    expect(imageTraces(Buffer.from(fixture('cat.png').toString('base64'))).join()).to.contain('base64 run');
    expect(imageTraces(await databaseBytes(t))).to.deep.equal([]);
    expect(logs.length).to.be.greaterThan(0);
    expect(imageTraces(Buffer.from(logs.join('')))).to.deep.equal([]);
  });

  it('then leaves zero blob files once the 30-minute window has passed, and a receipt on each card', async () => {
    expect(await withoutTextKeys(t, blobFilesOnDisk(t))).to.have.length(2);
    t.clock.advance(30 * 60_000);
    const runner = await startJobs(t.deps);
    await runner.stop();
    expect(await withoutTextKeys(t, blobFilesOnDisk(t).filter((f) => !f.includes('/tmp/')))).to.deep.equal([]);
    expect(await t.deps.db('deletion_receipts').where({ user_id: alice.user.id, reason: 'retention' })).to.have.length(2);
    const batchId = (await t.deps.db('images').first('batch_id')).batch_id;
    // A new sign-in: whether the old session outlived 30 idle minutes is not what this test is about.
    const agent = request.agent(t.app);
    await logIn(agent, alice.user.email);
    const page = await agent.get(`/batches/${batchId}`).expect(200);
    expect(page.text.match(/Working copy deleted 30 minutes after processing, at \d{4}-\d{2}-\d{2} \d{2}:\d{2} UTC/g)).to.have.length(2);
  });
});
