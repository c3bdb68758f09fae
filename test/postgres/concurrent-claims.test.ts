import { expect } from 'chai';
import { createDb, type Db } from '../../server/db/knex';
import { claimNext } from '../../server/queue/store';
import { enqueueDescribe } from '../../server/queue/enqueue';
import { insertBatch, insertImage, insertUser } from '../helpers/rows';
import { postgresCluster } from '../helpers/test-database';

/** Workers in separate processes, each with its own connection pool to one database. */
const PROCESSES = 4;
const CLAIMS_AT_ONCE_PER_PROCESS = 3;

describe('claiming on PostgreSQL from several processes at once', () => {
  let name: string;
  let processes: Db[];
  before(async () => {
    const cluster = await postgresCluster();
    const database = await cluster.createDatabase();
    name = database.name;
    processes = Array.from({ length: PROCESSES }, () => createDb({ client: 'postgres', url: database.url }));
  });
  after(async () => {
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
});
