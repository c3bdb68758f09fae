import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { expect } from 'chai';
import { loadConfig } from '../../server/config';
import { createDb, type Db } from '../../server/db/knex';
import { createBlobStore } from '../../server/storage';
import { enqueueDescribe } from '../../server/queue/enqueue';
import { bindTextKeys } from '../../server/db/text-keys';
import { FakeOpenAI } from '../helpers/fake-openai';
import { insertBatch, insertImage, insertUser } from '../helpers/rows';
import { postgresCluster } from '../helpers/test-database';
import { waitFor, workingCopyJpeg } from '../helpers/queue-fixtures';
import { spawnRoles, type RoleProcess } from '../helpers/role-process';

describe('roles in separate processes on PostgreSQL', () => {
  let fake: FakeOpenAI;
  let dataDir: string;
  let database: { name: string; url: string };
  let env: Record<string, string>;
  let db: Db;
  const processes: RoleProcess[] = [];

  before(async () => {
    fake = await new FakeOpenAI().start();
    dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'sightline-roles-'));
    database = await (await postgresCluster()).createDatabase();
    env = { DATA_DIR: dataDir, DATABASE_URL: database.url, DESCRIBER: 'openai', OPENAI_BASE_URL: fake.baseUrl };
    db = createDb({ client: 'postgres', url: database.url });
  });
  after(async () => {
    fake.release();
    await Promise.all(processes.map((p) => p.stop()));
    await db.destroy();
    await fake.close();
    await (await postgresCluster()).dropDatabase(database.name);
    fs.rmSync(dataDir, { recursive: true, force: true });
  });

  /** A queued job for a stored working copy, written the way an upload writes it. */
  async function queueImage(): Promise<{ imageId: string; jobId: number }> {
    const blobs = createBlobStore(loadConfig({ ...env, NODE_ENV: 'test' }));
    const blobKey = await blobs.put(await workingCopyJpeg());
    bindTextKeys(db, blobs); // as each process does at boot: the job's options are sealed with a key the worker finds
    const userId = await insertUser(db);
    const batchId = await insertBatch(db, userId);
    return db.transaction(async (trx) => {
      const imageId = await insertImage(trx, userId, batchId, { blob_key: blobKey });
      return { imageId, jobId: await enqueueDescribe(trx, { imageId, userId }) };
    });
  }

  it('leaves jobs to the worker process: the web process claims none and the worker serves no HTTP', async () => {
    fake.hold(); // the job stays running, so its lease shows who claimed it
    // The web process polls fast: if it claimed jobs at all, it would take this one long before a worker boots.
    const web = await spawnRoles('web', { ...env, QUEUE_POLL_MS: '20' });
    processes.push(web);
    expect(web.output()).to.match(/Sightline is running at http:\/\/localhost:\d+/);
    const { jobId } = await queueImage();
    const worker = await spawnRoles('worker', { ...env, QUEUE_POLL_MS: '20' });
    processes.push(worker);
    const job = await waitFor(async () => (await db('jobs').where({ id: jobId, status: 'running' }).first('lease_owner')) as { lease_owner: string } | undefined, 10_000, 'the job to be claimed');
    expect(job.lease_owner.split(':')[1]).to.equal(String(worker.child.pid));
    expect(worker.output()).not.to.match(/running at/);
    fake.release();
    await waitFor(async () => (await db('jobs').where({ id: jobId }).first('status'))?.status === 'done', 10_000, 'the job to finish');
    expect(await Promise.all([web.stop(), worker.stop()])).to.deep.equal([0, 0]);
  });
});
