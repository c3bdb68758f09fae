import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { expect } from 'chai';
import request from 'supertest';
import { buildTestApp, type TestApp } from '../helpers/test-app';
import { createTestDatabase, type TestDatabase } from '../helpers/test-database';
import { FakeOpenAI } from '../helpers/fake-openai';
import { listen, userWithKey } from '../helpers/api-client';
import { waitFor, workingCopyJpeg } from '../helpers/queue-fixtures';
import { spawnRoles, type RoleProcess } from '../helpers/role-process';
import { signUp, DEFAULT_PASSWORD } from '../helpers/session';
import { openEventStream } from '../helpers/event-streams';
import { formSession } from '../../bench/http-session';
import { createApiKey } from '../../server/services/api-keys';
import { ProcessConnection } from '../../server/db/process-connection';
import { sharedBatchChanges, publishBatchChanges } from '../../server/services/describe/shared-batch-changes';

/** The worker polls this rarely: only a notification can bring it work within a test's deadline. */
const POLL_MS = 60_000;
const DEADLINE_MS = 10_000;

describe('a web process and a worker process on PostgreSQL', () => {
  let fake: FakeOpenAI;
  let dataDir: string;
  let database: TestDatabase;
  let t: TestApp;
  let server: Awaited<ReturnType<typeof listen>>;
  let connection: ProcessConnection;
  let worker: RoleProcess;
  let person: Awaited<ReturnType<typeof signUp>>['user'];

  before(async () => {
    fake = await new FakeOpenAI().start();
    dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'sightline-processes-'));
    database = await createTestDatabase(dataDir);
    const env = { ...database.env, DATA_DIR: dataDir, DESCRIBER: 'openai', OPENAI_BASE_URL: fake.baseUrl };
    // This process is the web: its queue is never started, so it claims nothing.
    t = await buildTestApp(env);
    connection = new ProcessConnection(database.env.DATABASE_URL!, t.deps.logger);
    await connection.open();
    // What the web role wires, with the fallback refresh pushed past the test's deadline.
    publishBatchChanges(t.deps.events, t.deps.db, t.deps.logger);
    t.deps.batchChanges = sharedBatchChanges(connection, t.deps.logger, POLL_MS);
    server = await listen(t.app);
    ({ user: person } = await signUp(t.app)); // the first account, so later ones need no invitation
    worker = await spawnRoles('worker', { ...env, QUEUE_POLL_MS: String(POLL_MS) });
  });
  after(async () => {
    fake.release();
    expect(await worker.stop()).to.equal(0);
    await server.close();
    await connection.close();
    await t.close();
    await database.drop();
    await fake.close();
    fs.rmSync(dataDir, { recursive: true, force: true });
  });

  it('wakes the worker at once when the web process enqueues an image, long before its poll', async () => {
    const { auth } = await userWithKey(t.deps);
    const started = Date.now();
    const res = await request(server.url).post('/api/v1/images').set('Authorization', auth).attach('image', await workingCopyJpeg(), 'a.jpg').expect(202);
    await waitFor(async () => (await t.deps.db('images').where({ id: res.body.id }).first('status'))?.status === 'done', DEADLINE_MS, 'the worker process to describe the image');
    expect(Date.now() - started).to.be.below(POLL_MS);
    expect(fake.requests).to.have.length(1);
  });

  it('streams the worker process\'s progress to a page open on the web process', async () => {
    const { key } = await createApiKey(t.deps, person.id, { name: 'upload', scope: 'write' });
    const { cookie } = await formSession(server.url, { email: person.email, password: DEFAULT_PASSWORD });
    fake.hold();
    const res = await request(server.url).post('/api/v1/images').set('Authorization', `Bearer ${key}`).attach('image', await workingCopyJpeg(), 'b.jpg').expect(202);
    const stream = await openEventStream(server.url, `/batches/${res.body.batch_id}/events`, cookie);
    try {
      expect(stream.status).to.equal(200);
      // Started in the worker process: the page hears it while the model still holds the answer.
      await waitFor(() => /"processing":1/.test(stream.body()), DEADLINE_MS, 'the stream to show the image being described');
      fake.release();
      await waitFor(() => /"complete":true/.test(stream.body()), DEADLINE_MS, 'the stream to show the batch complete');
      expect(stream.body()).to.include('"done":1');
    } finally {
      stream.close();
    }
  });
});
