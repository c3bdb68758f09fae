import crypto from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { expect } from 'chai';
import { createDb, type Db } from '../../server/db/knex';
import { claimNext } from '../../server/queue/store';
import { enqueueDescribe } from '../../server/queue/enqueue';
import { bindTextKeys } from '../../server/db/text-keys';
import { LocalBlobStore } from '../../server/storage';
import { insertBatch, insertImage, insertUser } from '../helpers/rows';
import { postgresCluster } from '../helpers/test-database';

/** Workers in separate processes, each with its own connection pool to one database. */
const PROCESSES = 4;
const CLAIMS_AT_ONCE_PER_PROCESS = 3;

describe('claiming on PostgreSQL from several processes at once', () => {
  let name: string;
  let processes: Db[];
  let blobDir: string;
  before(async () => {
    const cluster = await postgresCluster();
    const database = await cluster.createDatabase();
    name = database.name;
    processes = Array.from({ length: PROCESSES }, () => createDb({ client: 'postgres', url: database.url }));
    // As each process does at boot: jobs' options are sealed under keys kept in the shared blob store.
    blobDir = fs.mkdtempSync(path.join(os.tmpdir(), 'sightline-claims-'));
    const blobs = new LocalBlobStore(blobDir, crypto.randomBytes(32));
    for (const db of processes) bindTextKeys(db, blobs);
  });
  after(async () => {
    fs.rmSync(blobDir, { recursive: true, force: true });
    await Promise.all(processes.map((db) => db.destroy()));
    await (await postgresCluster()).dropDatabase(name);
  });

  async function enqueue(db: Db, users: number, jobsEach: number, now: number): Promise<void> {
    for (let u = 0; u < users; u++) {
      const userId = await insertUser(db);
      const batchId = await insertBatch(db, userId);
      for (let j = 0; j < jobsEach; j++) {
        await db.transaction(async (trx) => enqueueDescribe(trx, { imageId: await insertImage(trx, userId, batchId), userId, now }));
      }
    }
  }

  it('gives every simultaneous claim a different job while enough are due, and never one job twice', async () => {
    const db = processes[0]!;
    const now = Date.now();
    await enqueue(db, 3, 40, now);
    const claimed: number[] = [];
    // Rounds of simultaneous claims: every claim of a round runs while the others hold their locks.
    for (let round = 0; round < 10; round++) {
      const claims = processes.flatMap((process, p) =>
        Array.from({ length: CLAIMS_AT_ONCE_PER_PROCESS }, (_, c) => claimNext(process, `worker-${p}-${c}`, now + round, 60_000)),
      );
      const jobs = await Promise.all(claims);
      expect(jobs.filter((job) => job === null), `round ${round}: claims that found nothing`).to.deep.equal([]);
      claimed.push(...jobs.map((job) => job!.id));
    }
    expect(claimed).to.have.length(120);
    expect(new Set(claimed).size, 'distinct jobs claimed').to.equal(120);
    const running = await db('jobs').where({ status: 'running' }).count({ n: '*' }).first();
    expect(running).to.deep.equal({ n: 120 });
  });

  it('reaches past the users it would serve first when other claims hold all their jobs', async () => {
    const db = processes[0]!;
    const now = Date.now() + 500_000; // after everything the first test left running
    await enqueue(db, 12, 1, now);
    const claims = processes.flatMap((process, p) =>
      Array.from({ length: CLAIMS_AT_ONCE_PER_PROCESS }, (_, c) => claimNext(process, `worker-${p}-${c}`, now, 60_000)),
    );
    const jobs = await Promise.all(claims);
    expect(jobs.filter((job) => job === null), 'claims that found nothing').to.deep.equal([]);
    expect(new Set(jobs.map((job) => job!.userId)).size, 'one job of each of 12 users').to.equal(12);
  });

  it('takes the next due job rather than waiting for one another claim holds', async () => {
    const [holder, claimer] = [processes[0]!, processes[1]!];
    const now = Date.now() + 1_000_000; // after everything the tests above left running
    await enqueue(holder, 1, 2, now);
    const [first, second] = await holder('jobs').where({ status: 'queued' }).andWhere('run_at', '=', now).orderBy('id').pluck('id');
    // Another process is in the middle of claiming the oldest job: its row lock is held, uncommitted.
    const held = await holder.transaction();
    try {
      await held('jobs').where({ id: first }).forUpdate().first('id');
      const waited = new Promise<never>((_, reject) => setTimeout(() => reject(new Error('the claim waited for the held job')), 5_000).unref());
      const job = await Promise.race([claimNext(claimer, 'worker-b', now, 60_000), waited]);
      expect(job?.id).to.equal(second);
    } finally {
      await held.rollback();
    }
  });
});
