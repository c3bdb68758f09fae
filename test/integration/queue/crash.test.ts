import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { spawn, type ChildProcess } from 'node:child_process';
import { expect } from 'chai';
import { startFakeOpenAI, FakeOpenAI } from '../../helpers/fake-openai';
import { insertBatch, insertImage, insertUser } from '../../helpers/rows';
import { waitFor, workingCopyJpeg } from '../../helpers/queue-fixtures';
import { loadConfig, type Config } from '../../../server/config';
import { createDb, isPostgres, migrateLatest, type Db } from '../../../server/db/knex';
import { createTestDatabase, type TestDatabase } from '../../helpers/test-database';
import { createBlobStore } from '../../../server/storage';
import { startTextKeys } from '../../../server/db/text-shredding';
import { enqueueDescribe } from '../../../server/queue/enqueue';
import { PROJECT_ROOT } from '../../../server/app';

const SERVER = path.join(PROJECT_ROOT, 'dist/server/index.js');

/** The real server as a child process, on a free port, describing through the fake model server. */
function startServer(dataDir: string, database: TestDatabase, fake: FakeOpenAI): ChildProcess {
  const child = spawn(process.execPath, [SERVER], {
    cwd: dataDir,
    env: {
      PATH: process.env.PATH,
      NODE_ENV: 'production',
      DATA_DIR: dataDir,
      PORT: '0',
      HOST: '127.0.0.1',
      LOG_LEVEL: 'silent',
      DESCRIBER: 'openai',
      OPENAI_BASE_URL: fake.baseUrl,
      OPENAI_TIMEOUT_MS: '2000',
      QUEUE_CONCURRENCY: '2',
      ...database.env,
    },
    stdio: ['ignore', 'ignore', 'pipe'],
  });
  child.stderr?.on('data', (chunk: Buffer) => process.stderr.write(chunk));
  return child;
}

function exited(child: ChildProcess): Promise<{ code: number | null; signal: NodeJS.Signals | null }> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve({ code: child.exitCode, signal: child.signalCode });
  return new Promise((resolve) => child.once('exit', (code, signal) => resolve({ code, signal })));
}

async function seed(config: Config, count: number): Promise<string[]> {
  const db = createDb(config.database);
  await migrateLatest(db);
  const blobs = createBlobStore(config);
  await startTextKeys(db, blobs); // as the server's boot does: jobs' options are sealed on PostgreSQL
  const userId = await insertUser(db);
  const batchId = await insertBatch(db, userId);
  const ids: string[] = [];
  for (let i = 0; i < count; i++) {
    const blobKey = await blobs.put(await workingCopyJpeg());
    await db.transaction(async (trx) => {
      const imageId = await insertImage(trx, userId, batchId, { blob_key: blobKey });
      await enqueueDescribe(trx, { imageId, userId });
      ids.push(imageId);
    });
  }
  await db.destroy();
  return ids;
}

describe('describe queue across a crash (the real server as a child process)', function () {
  this.timeout(60_000);
  let fake: FakeOpenAI;
  let dataDir: string;
  let config: Config;
  let database: TestDatabase;
  let db: Db;
  let child: ChildProcess | undefined;

  beforeEach(async () => {
    fake = await startFakeOpenAI({ latencyMs: 1000 });
    dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'sightline-crash-'));
    database = await createTestDatabase(dataDir);
    config = loadConfig({ NODE_ENV: 'test', DATA_DIR: dataDir, ...database.env });
  });

  afterEach(async () => {
    if (child && child.exitCode === null && child.signalCode === null) {
      child.kill('SIGKILL');
      await exited(child);
    }
    await db?.destroy();
    await database.drop();
    await fake.close();
    fs.rmSync(dataDir, { recursive: true, force: true });
  });

  it('completes every job after SIGKILL mid-job, twice, and stores each result exactly once', async () => {
    const ids = await seed(config, 3);
    for (let kill = 1; kill <= 2; kill++) {
      const before = fake.requests.length;
      child = startServer(dataDir, database, fake);
      await waitFor(() => fake.requests.length > before, 20_000, `a model call before kill ${kill}`);
      child.kill('SIGKILL');
      expect((await exited(child)).signal).to.equal('SIGKILL');
    }
    db = createDb(config.database);
    const running = await db('jobs').where({ status: 'running' }).count({ n: '*' }).first();
    expect(Number(running?.n), 'jobs left mid-flight by the kill').to.be.greaterThan(0);
    expect(await db('descriptions').count({ n: '*' }).first()).to.deep.equal({ n: 0 });

    child = startServer(dataDir, database, fake);
    await waitFor(async () => {
      const row = await db('images').whereIn('id', ids).andWhere({ status: 'done' }).count({ n: '*' }).first();
      return Number(row?.n) === ids.length;
    }, 30_000, 'all images done after the restart');

    for (const id of ids) {
      expect(await db('descriptions').where({ image_id: id }).count({ n: '*' }).first()).to.deep.equal({ n: 1 });
      expect(await db('usage_events').where({ image_id: id }).count({ n: '*' }).first()).to.deep.equal({ n: 1 });
    }
    const jobs = await db('jobs').whereIn('image_id', ids).select('status', 'attempts');
    expect(jobs.every((j) => j.status === 'done')).to.equal(true);
    expect(fake.requests.length, 'model calls: at most one extra per kill and job').to.be.at.most(ids.length + 2 * 2);
    // The SQLite file survived two kills intact (PostgreSQL's own recovery is its business, not ours).
    if (!isPostgres(db)) {
      const [{ integrity_check: integrity }] = await db.raw('PRAGMA integrity_check');
      expect(integrity).to.equal('ok');
    }

    child.kill('SIGTERM');
    expect((await exited(child)).code).to.equal(0);
  });

  it('on SIGTERM stops claiming, lets the running job finish, and exits cleanly', async () => {
    const ids = await seed(config, 4);
    child = startServer(dataDir, database, fake);
    await waitFor(() => fake.requests.length === 2, 20_000, 'two model calls under way');
    child.kill('SIGTERM');
    expect((await exited(child)).code).to.equal(0);
    db = createDb(config.database);
    const states = await db('images').whereIn('id', ids).pluck('status');
    expect(states.filter((s) => s === 'done')).to.have.length(2);
    expect(states.filter((s) => s === 'queued')).to.have.length(2);
    expect(fake.requests).to.have.length(2);
    expect(await db('jobs').where({ status: 'running' }).count({ n: '*' }).first()).to.deep.equal({ n: 0 });
  });
});
